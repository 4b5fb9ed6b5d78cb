"""Notices to a comment's author: replies (one email, or one for several arriving within
minutes) and editors' decisions (an approval; a removal with its reason and its entry in the
public moderation log). Only to verified addresses that asked, never about their own replies
or replies readers cannot see, each with a one-click unsubscribe; no reader's text in a
header."""

import email as email_parser
import email.policy
import re
from datetime import timedelta

import pytest
from django.core import checks
from django.db.models import F
from django_tasks_db.models import DBTaskResult, get_date_max

from comments.models import Comment, ModerationEvent, VerifiedAddress
from comments.moderation import UNDO_WINDOW, moderate, withdraw
from notices import periodic, sending, tasks
from notices.models import Notice
from outbox import delivery
from outbox.models import Email
from outbox.refusals import record_refusal

pytestmark = pytest.mark.django_db

AUTHOR = "ada@example.com"
UNSUBSCRIBE = re.compile(r"http://testserver(/notices/unsubscribe/[^/\s\"]+/)")
MANAGE = re.compile(r"http://testserver(/notices/manage/[^/\s\"]+/)")


@pytest.fixture
def replies_at_once(settings):
    settings.NOTICES_REPLY_DIGEST_MINUTES = 0


@pytest.fixture
def asked(mistral, make_comment):
    """A verified author's approved comment, asking for replies and editors' decisions."""
    VerifiedAddress.objects.create(email=AUTHOR)
    return make_comment(
        mistral, author_name="Ada", author_email=AUTHOR, notify_replies=True, notify_moderation=True
    )


# An editor may undo a decision for this long: what it owes the author waits.
UNDO_MINUTES = UNDO_WINDOW // timedelta(minutes=1) + 1
Action = ModerationEvent.Action


def later(minutes):
    """As if `minutes` had passed, for what notices and the task queue wait for."""
    delta = timedelta(minutes=minutes)
    Notice.objects.update(created_at=F("created_at") - delta)
    DBTaskResult.objects.exclude(run_after=get_date_max()).update(run_after=F("run_after") - delta)


def emails(to=AUTHOR):
    return list(Email.objects.filter(to=to).order_by("created_at", "id"))


def parsed(stored):
    """The email as the worker hands it to the mail server, parsed back."""
    raw = delivery.message(stored).message().as_bytes()
    return email_parser.message_from_bytes(raw, policy=email.policy.default)


# Replies


def test_a_reply_reaches_its_author_with_both_parts_and_one_click_unsubscribe(
    mistral, asked, make_comment, committed, replies_at_once
):
    with committed():
        reply = make_comment(mistral, parent=asked, author_name="Grace", body="Fair point.")

    [sent] = emails()
    assert sent.subject == f"A reply to your comment on “{sending.subject_text(mistral.title)}”"
    assert "Grace wrote:" in sent.text and "Fair point." in sent.text
    assert f"http://testserver/comments/{reply.pk}/" in sent.text
    assert "<strong>Grace</strong> wrote:" in sent.html and "Fair point." in sent.html
    unsubscribe = UNSUBSCRIBE.search(sent.text)[1]
    assert sent.headers == {
        "List-Unsubscribe": f"<http://testserver{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert f'href="http://testserver{unsubscribe}"' in sent.html
    assert MANAGE.search(sent.text) and MANAGE.search(sent.html), "a link to manage them all"
    message = parsed(sent)
    assert message["From"] == "mistralnews <news@localhost>"
    assert message["To"] == AUTHOR
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]


def test_no_email_unless_the_author_asked(mistral, make_comment, committed, replies_at_once):
    VerifiedAddress.objects.create(email=AUTHOR)
    comment = make_comment(mistral, author_email=AUTHOR, notify_replies=False)

    with committed():
        make_comment(mistral, parent=comment)

    assert emails() == [] and not Notice.objects.exists()
    assert not DBTaskResult.objects.exists(), "no task for a change that owes nothing"


def test_an_unverified_address_gets_replies_only_once_verified(
    mistral, make_comment, committed, replies_at_once
):
    comment = make_comment(mistral, author_email=AUTHOR, notify_replies=True)
    with committed():
        make_comment(mistral, parent=comment, body="Before you verified.")
    assert emails() == [] and not Notice.objects.exists()

    VerifiedAddress.objects.create(email=AUTHOR)
    with committed():
        make_comment(mistral, parent=comment, body="After you verified.")

    [sent] = emails()
    assert "After you verified." in sent.text and "Before you verified." not in sent.text


def test_an_authors_own_reply_is_not_told_to_them(
    mistral, asked, make_comment, committed, replies_at_once
):
    with committed():
        make_comment(mistral, parent=asked, author_email=AUTHOR.upper(), body="Also, this.")

    assert emails() == []


def test_a_held_reply_is_told_only_once_an_editor_approves_it(
    mistral, asked, make_comment, editor, committed, replies_at_once, run_tasks
):
    with committed():
        reply = make_comment(mistral, parent=asked, status=Comment.Status.PENDING)
    assert emails() == [], "readers cannot see it yet"

    with committed():
        moderate(Comment.objects.filter(pk=reply.pk), "approve", editor)
    later(UNDO_MINUTES)
    run_tasks()

    [sent] = emails()
    assert f"/comments/{reply.pk}/" in sent.text


def test_a_reply_removed_before_its_notice_went_out_is_not_told(
    mistral, asked, make_comment, editor, committed
):
    with committed():
        reply = make_comment(mistral, parent=asked)
        moderate(Comment.objects.filter(pk=reply.pk), "spam", editor)
    later(6)

    with committed():
        pass

    assert emails() == []
    assert not Notice.objects.exists(), "what is no longer owed is dropped"


def test_a_reply_to_a_comment_its_author_withdrew_is_not_told(
    mistral, asked, make_comment, committed
):
    with committed():
        withdraw(Comment.objects.filter(pk=asked.pk))
        make_comment(mistral, parent=asked, body="Too late.")

    assert not Notice.objects.exists(), "nothing is owed about a withdrawn comment"


def test_replies_owed_to_a_comment_withdrawn_before_they_went_out_are_dropped(
    mistral, asked, make_comment, committed
):
    with committed():
        make_comment(mistral, parent=asked)
    with committed():
        withdraw(Comment.objects.filter(pk=asked.pk))
    later(6)

    with committed():
        pass

    assert emails() == [] and not Notice.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda comment: Comment.objects.filter(pk=comment.pk).update(notify_replies=False),
        lambda comment: VerifiedAddress.objects.filter(email=AUTHOR).delete(),
    ],
    ids=["no-longer-asks", "no-longer-verified"],
)
def test_replies_owed_are_dropped_if_no_longer_wanted_when_due(
    mistral, asked, make_comment, committed, change
):
    with committed():
        make_comment(mistral, parent=asked)
    change(asked)  # meanwhile, as a stop that raced the reply would
    later(6)

    with committed():
        pass

    assert emails() == [] and not Notice.objects.exists()


def test_a_reply_notice_whose_task_was_lost_goes_out_with_the_periodic_job(
    mistral, asked, make_comment, committed
):
    with committed():
        make_comment(mistral, parent=asked, body="Its task was lost.")
    DBTaskResult.objects.all().delete()  # the worker's queue lost it (a crash after the commit)
    later(6)
    periodic.send_lost_reply_notices()
    assert emails() == [], "not while its task may still come"

    later(5)
    periodic.send_lost_reply_notices()

    [sent] = emails()
    assert "Its task was lost." in sent.text


def test_sent_notices_are_forgotten_after_thirty_days_and_owed_ones_kept(
    mistral, asked, make_comment, committed, replies_at_once
):
    with committed():
        make_comment(mistral, parent=asked)
    owed = Notice.objects.create(
        recipient="grace@example.com", kind=Notice.Kind.REPLY, comment=make_comment(mistral)
    )
    later(29 * 24 * 60)
    periodic.forget_sent_notices()
    assert Notice.objects.count() == 2

    later(2 * 24 * 60)
    periodic.forget_sent_notices()

    assert list(Notice.objects.all()) == [owed]
    assert len(emails()) == 1, "the email itself stays in the outbox"


def test_several_replies_within_minutes_make_one_email(
    mistral, asked, make_comment, committed, settings
):
    settings.NOTICES_REPLY_DIGEST_MINUTES = 5
    with committed():
        first = make_comment(mistral, parent=asked, author_name="Grace", body="First.")
    later(2)
    with committed():
        second = make_comment(mistral, parent=asked, author_name="Hedy", body="Second.")
    later(2)
    with committed():
        pass
    assert emails() == [], "the first reply's window is still open"

    later(2)
    with committed():
        pass
    later(5)
    with committed():
        pass

    [sent] = emails()
    assert sent.subject.startswith("2 replies to your comment on")
    assert "Grace wrote:" in sent.text and "Hedy wrote:" in sent.text
    assert f"/comments/{first.pk}/" in sent.text and f"/comments/{second.pk}/" in sent.text

    with committed():
        make_comment(mistral, parent=asked, body="Third, much later.")
    later(6)
    with committed():
        pass
    assert len(emails()) == 2, "a later reply gets an email of its own"


def test_a_notice_heard_twice_or_sent_twice_makes_one_email(
    mistral, asked, make_comment, committed, run_tasks, replies_at_once
):
    with committed():
        reply = make_comment(mistral, parent=asked)

    tasks.hear.enqueue("posted", [reply.pk])
    tasks.send_replies.enqueue(asked.pk)
    run_tasks()
    sending.send_replies(asked.pk)

    assert len(emails()) == 1
    assert Notice.objects.get().sent_in == Email.objects.get().key


def test_an_address_that_refused_mail_is_not_sent_notices(
    mistral, asked, make_comment, committed, replies_at_once
):
    record_refusal(AUTHOR, "550 No such mailbox")

    with committed():
        make_comment(mistral, parent=asked)

    [skipped] = emails()
    assert skipped.status == Email.Status.SKIPPED


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: victim@example.org",
        "Eve\nSubject: You won",
        "Eve\u202egnp.exe",
        "Eve\x07\x1b[31m\x85",  # no NUL: PostgreSQL stores none
        "=?utf-8?q?Bcc=3A_victim=40example=2Eorg?=",
    ],
    ids=["crlf", "lf", "bidi", "controls", "encoded-word"],
)
def test_a_readers_name_never_reaches_a_header(
    mistral, asked, make_comment, committed, replies_at_once, name
):
    with committed():
        # Stored directly: the form refuses such names, older rows may hold anything.
        make_comment(mistral, parent=asked, author_name=name)

    [sent] = emails()
    message = parsed(sent)
    assert message["Bcc"] is None
    assert [subject.strip() for subject in message.get_all("Subject")] == [sent.subject]
    assert "Eve" not in sent.subject and "Eve" not in str(message["From"])
    for header, value in message.items():
        assert "Eve" not in value and "victim" not in value, header
    assert name[:3] in sent.text, "the name is in the body, where it is only text"


def test_html_in_a_readers_name_is_only_text_in_the_html_part(
    mistral, asked, make_comment, committed, replies_at_once
):
    with committed():
        make_comment(mistral, parent=asked, author_name='<img src=x onerror="alert(1)">')

    [sent] = emails()
    assert "<img" not in sent.html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in sent.html


def test_an_article_title_with_line_breaks_and_bidi_makes_a_one_line_subject(
    make_article, make_comment, committed, replies_at_once
):
    article = make_article(title="Line\nbreak\u2028and\u202e bidi\x07")
    VerifiedAddress.objects.create(email=AUTHOR)
    comment = make_comment(article, author_email=AUTHOR, notify_replies=True)

    with committed():
        make_comment(article, parent=comment)

    [sent] = emails()
    assert sent.subject == "A reply to your comment on “Line break and bidi”"


# Editors' decisions


def test_an_approval_is_told_to_an_author_who_asked(
    mistral, make_comment, editor, committed, replies_at_once, run_tasks
):
    VerifiedAddress.objects.create(email=AUTHOR)
    held = make_comment(
        mistral, author_email=AUTHOR, status=Comment.Status.PENDING, notify_moderation=True
    )
    not_asked = make_comment(mistral, author_email=AUTHOR, status=Comment.Status.PENDING)

    with committed():
        moderate(Comment.objects.filter(pk__in=[held.pk, not_asked.pk]), "approve", editor)
    assert emails() == [], "the editor may still undo it"
    later(UNDO_MINUTES)
    run_tasks()

    [sent] = emails()
    assert sent.subject.startswith("Your comment on “") and sent.subject.endswith("” is published")
    assert f"/comments/{held.pk}/" in sent.text
    assert UNSUBSCRIBE.search(sent.text) and sent.headers["List-Unsubscribe-Post"]


def test_a_removal_is_told_with_its_reason_and_its_entry_in_the_public_log(
    client, mistral, asked, editor, committed, run_tasks
):
    with committed():
        moderate(Comment.objects.filter(pk=asked.pk), "remove", editor, "Personal attack")
    later(UNDO_MINUTES)
    run_tasks()

    [sent] = emails()
    event = ModerationEvent.objects.get(action="remove")
    assert sent.subject.endswith("” was removed")
    for body in (sent.text, sent.html):
        assert "Personal attack" in body
        assert f"http://testserver/moderation/{event.pk}/" in body
        assert "by a person, not by an automatic filter" in body
    log_entry = client.get(f"/moderation/{event.pk}/")
    assert log_entry["Location"] == f"/moderation/#event-{event.pk}"
    assert f'id="event-{event.pk}"' in client.get("/moderation/").content.decode()


def test_no_decision_is_told_to_an_unverified_address_or_about_spam(
    mistral, make_comment, editor, committed, run_tasks
):
    unverified = make_comment(mistral, author_email="new@example.com", notify_moderation=True)
    VerifiedAddress.objects.create(email=AUTHOR)
    spam = make_comment(mistral, author_email=AUTHOR, notify_moderation=True)

    with committed():
        moderate(Comment.objects.filter(pk=unverified.pk), "remove", editor, "Off topic")
        moderate(Comment.objects.filter(pk=spam.pk), "spam", editor)
    later(UNDO_MINUTES)
    run_tasks()

    assert not Email.objects.exists()


def test_a_decision_reversed_before_its_notice_went_out_is_not_told(
    mistral, asked, editor, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        moderate(Comment.objects.filter(pk=asked.pk), "remove", editor, "By mistake")
    with django_capture_on_commit_callbacks(execute=True):
        moderate(Comment.objects.filter(pk=asked.pk), "approve", editor)
    later(UNDO_MINUTES)
    run_tasks()

    [sent] = emails()
    assert sent.subject.endswith("is published"), "only what stands is told"


def test_a_decision_undone_in_the_desk_within_its_window_is_not_told(
    mistral, asked, editor, committed, run_tasks
):
    with committed():
        moderate(Comment.objects.filter(pk=asked.pk), "remove", editor, "Wrong button")
    later(UNDO_MINUTES - 1)
    with committed():
        moderate(Comment.objects.filter(pk=asked.pk), Action.REOPEN, editor)
    later(UNDO_MINUTES)
    run_tasks()

    assert emails() == []


def test_a_negative_reply_window_is_a_clear_configuration_error(settings):
    settings.NOTICES_REPLY_DIGEST_MINUTES = -1

    (problem,) = checks.run_checks(tags=["settings"])

    assert problem.is_serious() and problem.id == "notices.E001"
    assert problem.msg.startswith("NOTICES_REPLY_DIGEST_MINUTES is -1; use 0")
