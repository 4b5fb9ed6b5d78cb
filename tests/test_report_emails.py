"""A reporter who gives an email address gets a receipt at once and, once an editor's decision
can no longer be undone, that decision (DSA Art. 16(4)-(5)): one email per report and
decision, through the outbox, carrying nothing the reporter typed; their address is never on
a public page, and is erased once told, by forget me, or after the retention period."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from comments.models import Comment, ModerationEvent, Report
from comments.moderation import UNDO_WINDOW, moderate
from comments.retention import erase_expired
from notices import periodic, stopping
from outbox.models import Email

pytestmark = pytest.mark.django_db

REPORTER = "camille@example.com"
Action = ModerationEvent.Action
UNDO_MINUTES = UNDO_WINDOW // timedelta(minutes=1) + 1


@pytest.fixture
def comment(mistral, make_comment):
    return make_comment(mistral, author_name="Jonas Weber", body="Buy cheap pills.")


def report(comment, network="192.0.2.1", **fields):
    return Client(REMOTE_ADDR=network).post(
        reverse("comments:report", args=[comment.pk]), {"reason": "spam", **fields}
    )


def later(minutes):
    """As if `minutes` had passed, for the decisions and the tasks that wait for the undo."""
    delta = timedelta(minutes=minutes)
    Report.objects.exclude(decided_at=None).update(decided_at=F("decided_at") - delta)
    ModerationEvent.objects.update(created_at=F("created_at") - delta)
    DBTaskResult.objects.exclude(run_after=get_date_max()).update(run_after=F("run_after") - delta)


def emails(kind, to=REPORTER):
    return list(Email.objects.filter(to=to, key__contains=kind).order_by("created_at", "id"))


def decide(comment, action, editor, reason=""):
    return moderate(Comment.objects.filter(pk=comment.pk), action, editor, reason)


def test_a_reporter_with_an_email_gets_a_receipt_at_once_once(comment, committed):
    with committed():
        response = report(comment, reason="abuse", notifier_email=REPORTER, note="Bcc: x@y.z")

    assert response.status_code == 200
    assert "We have emailed you a receipt" in response.content.decode()
    [receipt] = emails("report-receipt")
    assert receipt.subject == "We received your report (mistralnews)"
    assert "Abuse or harassment" in receipt.text
    assert f"http://testserver/comments/{comment.pk}/" in receipt.text
    assert "http://testserver/guidelines/" in receipt.text and "/guidelines/" in receipt.html
    assert "Bcc" not in receipt.text + receipt.html, "nothing the reporter typed"
    assert receipt.headers == {}

    report(comment, reason="abuse", notifier_email=REPORTER)  # the same network again: refused
    assert len(emails("report-receipt")) == 1


def test_the_email_field_is_offered_for_every_reason_and_labelled_for_what_it_is_for(
    client, comment
):
    form = client.get(reverse("comments:report", args=[comment.pk])).content.decode()

    assert "Your email (optional; needed for illegal content)" in form
    assert "Only to send you a receipt of this report and, later, the editors&#x27; decision" in (
        form
    )
    assert 'href="/guidelines/"' in form


def test_no_email_given_no_email_sent(comment, editor, committed, run_tasks):
    with committed():
        received = report(comment)
        decide(comment, Action.REMOVE, editor, "Spam or advertising")
    later(UNDO_MINUTES)
    run_tasks()
    periodic.send_lost_report_decisions()

    assert not Email.objects.filter(key__contains="report").exists()
    assert "receipt" not in received.content.decode()


@pytest.mark.parametrize(
    "action, reason, says",
    [
        (Action.REMOVE, "Spam or advertising", "They removed the comment."),
        (Action.SPAM, "", "They removed the comment as spam."),
        (Action.APPROVE, "", "They kept the comment"),
    ],
)
def test_the_decision_goes_once_after_the_undo_window(
    comment, editor, committed, run_tasks, action, reason, says
):
    with committed():
        report(comment, notifier_email=REPORTER)
        decide(comment, action, editor, reason)
    assert emails("report-decision") == [], "not before the undo window has passed"

    later(UNDO_MINUTES)
    run_tasks()
    periodic.send_lost_report_decisions()  # the sweep after it finds nothing more owed
    run_tasks()

    [decision] = emails("report-decision")
    assert decision.subject == "The editors' decision on your report (mistralnews)"
    assert says in decision.text
    if reason:
        assert f"The reason given: {reason}" in decision.text
    event = comment.moderation_events.get()
    assert event.action == (Action.KEEP if action == Action.APPROVE else action)
    assert f"http://testserver/moderation/{event.pk}/" in decision.text
    assert "http://testserver/guidelines/" in decision.text and "/guidelines/" in decision.html
    assert decision.headers == {}
    assert Report.objects.get().notifier_email == "", "erased once told"


def test_a_decision_undone_within_its_window_is_not_told_and_the_report_opens_again(
    editor_client, comment, editor, committed, run_tasks, settings
):
    settings.COMMENTS_REPORT_HOLD = 1
    with committed():
        report(comment, notifier_email=REPORTER)  # held for review
        editor_client.post(
            reverse("desk:moderate", args=[comment.pk]), {"decision": "remove", "reason": "Oops"}
        )
    later(UNDO_MINUTES - 1)
    with committed():
        editor_client.post(reverse("desk:moderate", args=[comment.pk]), {"decision": "reopen"})
    later(UNDO_MINUTES)
    run_tasks()

    assert emails("report-decision") == []
    assert Report.objects.open().count() == 1, "back among the reported comments"

    with committed():
        decide(comment, Action.APPROVE, editor)
    later(UNDO_MINUTES)
    run_tasks()

    [decision] = emails("report-decision")
    assert "They kept the comment" in decision.text


def test_a_lost_task_is_made_up_by_the_periodic_sweep(comment, editor):
    report(comment, notifier_email=REPORTER)
    decide(comment, Action.REMOVE, editor, "Spam or advertising")  # no commit: no task queued
    later(UNDO_MINUTES + 5)

    assert periodic.send_lost_report_decisions() == 1
    assert len(emails("report-decision")) == 1
    assert periodic.send_lost_report_decisions() == 0


def test_the_reporters_address_is_on_no_public_page(client, mistral, comment, editor, committed):
    with committed():
        report(comment, notifier_email=REPORTER, notifier_name="Camille Durand")
        received = Client(REMOTE_ADDR="192.0.2.7").post(
            reverse("comments:report", args=[comment.pk]),
            {"reason": "abuse", "notifier_email": "other@example.com"},
        )
        decide(comment, Action.REMOVE, editor, "Spam or advertising")

    pages = [
        received,
        client.get(mistral.get_absolute_url()),
        client.get(reverse("comments:moderation_log")),
        client.get(reverse("comments:guidelines")),
        client.get(reverse("comments:feed", args=[mistral.slug])),
    ]
    for page in pages:
        html = page.content.decode()
        assert "example.com" not in html and "Camille" not in html, page


def test_forget_me_erases_the_address_from_reports(comment):
    report(comment, reason="illegal", explanation="…", good_faith="on",
           notifier_name="Camille Durand", notifier_email=REPORTER.upper())  # fmt: skip

    stopping.forget(REPORTER)

    stored = Report.objects.get()
    assert (stored.notifier_email, stored.notifier_name) == ("", "")


def test_retention_erases_reporters_names_and_addresses(comment, editor, settings):
    settings.COMMENTS_RETENTION_DAYS = 30
    report(comment, reason="illegal", explanation="…", good_faith="on",
           notifier_name="Camille Durand", notifier_email=REPORTER)  # fmt: skip
    report(comment, "192.0.2.2", notifier_email="recent@example.com")
    Report.objects.filter(notifier_email=REPORTER).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    decide(comment, Action.APPROVE, editor)

    erased = erase_expired()

    assert erased["reporters' names and addresses"] == 1
    assert erased["reports' IP hashes"] == 1
    old, recent = Report.objects.order_by("created_at")
    assert (old.notifier_email, old.notifier_name, old.ip_hash) == ("", "", "")
    assert recent.notifier_email == "recent@example.com" and recent.ip_hash
