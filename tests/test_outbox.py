"""The outbox: an email is queued once per key in the writer's transaction, delivered at most
once by the task worker, retried with back-off, never sent again to an address that refused it,
and nothing reaches a header that the site did not build."""

import email.policy
import smtplib
import threading
import time
from datetime import timedelta
from email import message_from_string

import pytest
from django.core.checks import run_checks
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from mistralnews.site_url import absolute_url
from outbox import delivery, periodic
from outbox.headers import UnsafeHeader, sender
from outbox.models import Email
from outbox.refusals import clear_refusal, is_refused
from outbox.sending import compose, list_unsubscribe, send
from tests.servers import free_port

READER = "reader@example.org"


@pytest.fixture
def queue(db, django_capture_on_commit_callbacks):
    """`send()` in a transaction that commits, with what runs on commit run."""

    def queue(key="reply-notice:1:1", to=READER, subject="A reply to your comment", **fields):
        fields.setdefault("text", "Someone answered your comment.")
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return send(key, to, subject, **fields)

    return queue


def later(delta):
    """As if `delta` had passed: every time the outbox and the task queue wait for is moved
    that much closer."""
    Email.objects.exclude(next_attempt_at=None).update(next_attempt_at=F("next_attempt_at") - delta)
    Email.objects.exclude(last_attempt_at=None).update(last_attempt_at=F("last_attempt_at") - delta)
    DBTaskResult.objects.exclude(run_after=get_date_max()).update(run_after=F("run_after") - delta)
    DBTaskResult.objects.exclude(started_at=None).update(started_at=F("started_at") - delta)


def minutes_between(start, end):
    return round((end - start).total_seconds() / 60)


def reload(email):
    email.refresh_from_db()
    return email


# Once per key, after the commit


def test_a_key_sent_twice_makes_one_email_and_one_delivery(queue, run_tasks, smtp):
    first = queue("reply-notice:7:3")
    second = queue("reply-notice:7:3", subject="Another subject")

    assert second.pk == first.pk
    assert DBTaskResult.objects.count() == 1
    assert run_tasks() == ["sent"]
    assert [message["Subject"] for message in smtp.messages] == ["A reply to your comment"]
    assert reload(first).status == Email.Status.SENT


def test_other_keys_make_other_emails(queue, run_tasks, smtp):
    queue("reply-notice:7:3")
    queue("reply-notice:8:3")

    assert run_tasks() == ["sent", "sent"]
    assert len(smtp.messages) == 2


def test_nothing_is_queued_or_sent_when_the_transaction_rolls_back(
    db, run_tasks, smtp, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        send("reply-notice:1:1", READER, "Subject", "Text")
        # The delivery is queued once the email is committed, not before.
        assert not DBTaskResult.objects.exists()
        1 / 0  # noqa: B018

    assert callbacks == []
    assert not Email.objects.exists()
    assert run_tasks() == []
    assert smtp.messages == []


# At most once


def test_a_delivery_task_run_twice_sends_once(queue, run_tasks, smtp):
    email = queue()
    delivery.enqueue(email.pk)  # a second task for the same email

    assert run_tasks() == ["sent", "not due, or taken by another worker"]
    assert len(smtp.messages) == 1
    assert reload(email).attempts == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_running_the_same_delivery_at_once_send_it_once(smtp):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; make test-postgres runs this")
    with transaction.atomic():
        email = send("reply-notice:1:1", READER, "Subject", "Text")
    workers = 8
    start = threading.Barrier(workers)
    returned = []

    def worker():
        try:
            start.wait(timeout=10)
            returned.append(delivery.deliver.call(email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    with smtp.hold():  # the winner waits in DATA while the others try to claim the email
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(returned) < workers - 1 and time.monotonic() < deadline:
            time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(returned) == ["not due, or taken by another worker"] * (workers - 1) + ["sent"]
    assert len(smtp.messages) == 1


# Retries


def test_a_transient_failure_is_retried_with_back_off_until_sent(queue, run_tasks, smtp):
    smtp.deferred[READER] = 2
    email = queue()

    [first] = run_tasks()
    email = reload(email)
    assert first.startswith("failed, next attempt at")
    assert (email.status, email.attempts, email.last_error) == (
        Email.Status.FAILED,
        1,
        "451 4.7.1 Try again later",
    )
    assert minutes_between(email.last_attempt_at, email.next_attempt_at) == 1
    assert run_tasks() == [], "not before its time"

    later(timedelta(minutes=1))
    [second] = run_tasks()
    email = reload(email)
    assert second.startswith("failed, next attempt at")
    assert minutes_between(email.last_attempt_at, email.next_attempt_at) == 4

    later(timedelta(minutes=4))
    assert run_tasks() == ["sent"]
    email = reload(email)
    assert (email.status, email.attempts, email.next_attempt_at) == (Email.Status.SENT, 3, None)
    assert len(smtp.messages) == 1


def test_an_unreachable_server_is_retried(queue, run_tasks, smtp, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    email = queue()

    [returned] = run_tasks()

    email = reload(email)
    assert returned.startswith("failed, next attempt at")
    assert email.status == Email.Status.FAILED and email.next_attempt_at is not None
    assert email.last_error.startswith("ConnectionRefusedError")


def test_an_email_is_given_up_after_its_last_attempt(queue, run_tasks, smtp):
    smtp.deferred[READER] = 99
    email = queue()

    for attempt in range(1, delivery.MAX_ATTEMPTS):
        assert run_tasks()[0].startswith("failed, next attempt")
        later(delivery.retry_delay(attempt))
    [last] = run_tasks()

    email = reload(email)
    assert last.startswith("failed for good")
    assert (email.status, email.attempts, email.next_attempt_at) == (
        Email.Status.FAILED,
        delivery.MAX_ATTEMPTS,
        None,
    )
    assert email.last_error.endswith(f"(gave up after {delivery.MAX_ATTEMPTS} attempts)")
    later(timedelta(days=1))
    assert run_tasks() == []
    assert periodic.retry_lost_emails() == 0
    assert smtp.messages == []


# Refusals


def test_a_permanent_refusal_marks_the_email_and_the_address_refused(queue, run_tasks, smtp):
    smtp.refused.add("gone@example.org")
    email = queue(to="gone@example.org")

    assert run_tasks() == ["refused: 550 5.1.1 No such mailbox"]

    email = reload(email)
    assert (email.status, email.next_attempt_at) == (Email.Status.REFUSED, None)
    assert email.last_error == "550 5.1.1 No such mailbox"
    assert is_refused("Gone@Example.org")
    later(timedelta(days=1))
    assert run_tasks() == []


def test_a_refused_address_gets_nothing_until_it_is_verified_again(queue, run_tasks, smtp):
    smtp.refused.add("gone@example.org")
    queue("reply-notice:1:1", to="gone@example.org")
    run_tasks()
    smtp.refused.clear()  # the reader fixed their mailbox

    skipped = queue("reply-notice:2:1", to="gone@example.org")
    verification = queue("verify:1", to="gone@example.org", despite_refusal=True)

    assert skipped.status == Email.Status.SKIPPED
    assert skipped.last_error.startswith("Not sent: gone@example.org refused mail on")
    assert run_tasks() == ["sent"]
    assert [message["Subject"] for message in smtp.to("gone@example.org")] == [verification.subject]

    assert clear_refusal("gone@example.org")
    assert not is_refused("gone@example.org")
    queue("reply-notice:3:1", to="gone@example.org")
    assert run_tasks() == ["sent"]


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (smtplib.SMTPRecipientsRefused({READER: (550, b"5.1.1 No such user")}), True),
        (smtplib.SMTPRecipientsRefused({READER: (452, b"4.2.2 Mailbox full")}), False),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected"), True),
        (smtplib.SMTPDataError(451, b"4.3.0 Try later"), False),
        # Our sender or our login refused: ours to fix, never the reader's address.
        (smtplib.SMTPSenderRefused(550, b"5.7.1 Not allowed", "news@example.org"), False),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
    ],
)
def test_only_a_5xx_to_the_recipient_or_the_message_is_a_refusal(error, refused):
    assert (delivery.refusal_reason(error) is not None) == refused


# Recovery from a worker that died


def die_while_sending(email, minutes_ago):
    """What a worker killed in the middle of `email`'s delivery leaves behind."""
    then = timezone.now() - timedelta(minutes=minutes_ago)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENDING, attempts=1, last_attempt_at=then
    )
    DBTaskResult.objects.update(status="RUNNING", started_at=then, worker_ids=["killed"])


def test_an_email_interrupted_while_sending_is_never_sent_again(queue, run_tasks, smtp):
    email = queue()
    die_while_sending(email, minutes_ago=5)

    assert (periodic.requeue_stale_tasks(), periodic.fail_interrupted_sends()) == (0, 0)
    later(timedelta(minutes=11))
    assert periodic.requeue_stale_tasks() == 1
    assert run_tasks() == ["not due, or taken by another worker"]
    assert periodic.fail_interrupted_sends() == 1

    email = reload(email)
    assert (email.status, email.next_attempt_at) == (Email.Status.FAILED, None)
    assert email.last_error == periodic.INTERRUPTED
    later(timedelta(days=1))
    assert periodic.retry_lost_emails() == 0
    assert run_tasks() == []
    assert smtp.messages == []


def test_a_task_left_running_by_a_dead_worker_is_requeued(queue, run_tasks, smtp):
    queue()
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now(), worker_ids=["dead"])

    later(periodic.STALE_TASK_AFTER - timedelta(minutes=1))
    assert periodic.requeue_stale_tasks() == 0
    later(timedelta(minutes=2))
    assert periodic.requeue_stale_tasks() == 1

    assert DBTaskResult.objects.get().status == "READY"
    assert run_tasks() == ["sent"]
    assert len(smtp.messages) == 1


def test_a_due_email_whose_task_was_lost_is_queued_again_once(db, run_tasks, smtp):
    # Committed, but the process stopped before its on-commit enqueue.
    with transaction.atomic():
        email = send("reply-notice:1:1", READER, "Subject", "Text")
    assert not DBTaskResult.objects.exists()

    assert periodic.retry_lost_emails() == 0, "not before LOST_AFTER"
    later(periodic.LOST_AFTER)
    assert periodic.retry_lost_emails() == 1
    assert periodic.retry_lost_emails() == 0, "its task waits in the queue"
    assert run_tasks() == ["sent"]
    assert reload(email).status == Email.Status.SENT


# What goes into the message


def test_the_message_has_text_html_and_the_unsubscribe_headers(queue, run_tasks, smtp, settings):
    settings.SITE_URL = "https://news.example"
    subject, text, html = compose("outbox/test_email", {"home_url": absolute_url("/")})
    email = queue(
        subject=subject,
        text=text,
        html=html,
        headers=list_unsubscribe("/notices/unsubscribe/abc/"),
    )
    run_tasks()

    [message] = smtp.messages
    assert message["Subject"] == "Test email from mistralnews"
    assert message["From"] == "mistralnews <news@localhost>"
    assert message["To"] == READER
    assert message["Message-ID"] == email.message_id
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"] == "<https://news.example/notices/unsubscribe/abc/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = (part.get_content() for part in message.iter_parts())
    assert "The site: https://news.example/" in plain
    assert '<a href="https://news.example/">The site</a>' in rich


@pytest.mark.parametrize(
    ("name", "address", "header"),
    [
        ("Mistral News", "news@news.example", "Mistral News <news@news.example>"),
        ("News, from Europe", "news@news.example", '"News, from Europe" <news@news.example>'),
        ("Actualités", "news@news.example", "=?utf-8?q?Actualit=C3=A9s?= <news@news.example>"),
    ],
)
def test_from_is_the_site_name_with_default_from_email(settings, name, address, header):
    settings.SITE_NAME, settings.DEFAULT_FROM_EMAIL = name, address

    assert sender() == header
    parsed = message_from_string(f"From: {header}\n\n", policy=email.policy.default)["From"]
    assert (parsed.addresses[0].display_name, parsed.addresses[0].addr_spec) == (name, address)


def test_links_follow_site_url_whatever_host_a_request_named(settings, rf):
    settings.SITE_URL = "https://news.example"
    rf.get("/", HTTP_HOST="evil.example")  # nothing here reads a request

    assert list_unsubscribe("/u/1/")["List-Unsubscribe"] == "<https://news.example/u/1/>"
    _, text, html = compose("outbox/test_email", {"home_url": absolute_url("/")})
    assert "https://news.example/" in text and "evil" not in text + html
    with pytest.raises(ValueError):
        list_unsubscribe("https://evil.example/u/1/")


def test_compose_escapes_html_only_and_keeps_the_subject_on_one_line(settings, tmp_path):
    (tmp_path / "notice_subject.txt").write_text("Reply to {{ title }}\n")
    (tmp_path / "notice.txt").write_text("{{ title }}")
    (tmp_path / "notice.html").write_text("<p>{{ title }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    title = 'Tom & "Jerry"\r\nBcc: victim@example.org'

    subject, text, html = compose("notice", {"title": title})

    assert subject == 'Reply to Tom & "Jerry" Bcc: victim@example.org'
    assert text == title
    assert html == "<p>Tom &amp; &quot;Jerry&quot;\r\nBcc: victim@example.org</p>"


# Nothing in a header that the site did not build


@pytest.mark.parametrize(
    "fields",
    [
        {"subject": "Hello\r\nBcc: victim@example.org"},
        {"subject": "Hello\nthere"},
        {"subject": "Hello\rthere"},
        {"subject": "Nul\x00byte"},
        {"subject": "Tab\there"},
        {"subject": "Line\u2028separator"},
        {"subject": "\u202egnp.exe"},
        {"headers": {"List-Unsubscribe": "<https://x.example/>\r\nBcc: victim@example.org"}},
        {"headers": {"List-Unsubscribe": "<https://x.example/>\x85"}},
        {"headers": {"Bcc": "victim@example.org"}},
        {"headers": {"Reply-To": "someone@example.org"}},
        {"headers": {"Content-Type": "text/html"}},
        {"headers": {"X Bad": "value"}},
        {"headers": {"X-Bad:": "value"}},
        {"headers": {"X-Number": 3}},
        {"to": "reader@example.org\r\nBcc: victim@example.org"},
        {"to": "reader@example.org, victim@example.org"},
        {"to": "Reader <reader@example.org>"},
        {"to": "not an address"},
    ],
)
def test_a_header_the_site_did_not_build_is_refused(db, fields):
    arguments = {"to": READER, "subject": "Subject", **fields}

    with pytest.raises(UnsafeHeader):
        send("reply-notice:1:1", arguments.pop("to"), text="Text", **arguments)

    assert not Email.objects.exists()


@pytest.mark.parametrize("name", ["news\r\nBcc: victim@example.org", "\u202ewen", "news\x00"])
def test_a_site_name_that_would_break_the_from_header_is_refused(settings, name):
    settings.SITE_NAME = name

    with pytest.raises(UnsafeHeader):
        sender()
    assert "outbox.E003" in [problem.id for problem in run_checks(tags=["settings"])]
