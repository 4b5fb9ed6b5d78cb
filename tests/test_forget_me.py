"""Forget me, from the manage page: after a confirmation (a POST with the page's CSRF token),
an address's comments are withdrawn (a placeholder where they have replies), its notices
stopped, and the address erased from every comment, its verification, follows, notices and
the outbox; other readers' comments, replies and notices stay as they were."""

import re

import pytest
from django.test import Client

from comments.models import Comment, ModerationEvent, VerifiedAddress
from comments.moderation import moderate
from notices import tokens
from notices.models import Follow, Notice
from outbox.models import Email, RefusedAddress
from outbox.refusals import record_refusal
from outbox.sending import send

pytestmark = pytest.mark.django_db

ADA, GRACE = "ada@example.com", "grace@example.com"


@pytest.fixture
def ada(mistral, make_comment, editor):
    """Ada's comments (one answered by Grace, one answering Grace, one held, one removed,
    one stored in capitals), verification, follow, notices and emails; Grace's too."""
    VerifiedAddress.objects.create(email=ADA)
    VerifiedAddress.objects.create(email=GRACE)
    answered = make_comment(mistral, author_name="Ada", author_email=ADA, notify_replies=True)
    graces = make_comment(
        mistral, parent=answered, author_name="Grace", author_email=GRACE, notify_replies=True
    )
    rows = {
        "answered": answered,
        "graces": graces,
        "answering": make_comment(mistral, parent=graces, author_name="Ada", author_email=ADA),
        "alone": make_comment(mistral, author_name="Ada", author_email=ADA, body="Alone."),
        "held": make_comment(mistral, author_email=ADA, status=Comment.Status.PENDING),
        "capitals": make_comment(mistral, author_name="Ada", author_email=ADA.upper()),
        "removed": make_comment(mistral, author_email=ADA),
        "grace_alone": make_comment(mistral, author_name="Grace", author_email=GRACE),
    }
    moderate(Comment.objects.filter(pk=rows["removed"].pk), "remove", editor, "Off topic")
    Follow.objects.create(email=ADA, article=mistral)
    Follow.objects.create(email=GRACE, article=mistral)
    Notice.objects.create(recipient=ADA, kind=Notice.Kind.REPLY, comment=graces)
    Notice.objects.create(recipient=GRACE, kind=Notice.Kind.REPLY, comment=rows["answering"])
    send("sent-to-ada", ADA, "Sent", "Hello Ada, your link: https://…")
    Email.objects.filter(key="sent-to-ada").update(status=Email.Status.SENT, next_attempt_at=None)
    send("queued-to-ada", ADA, "Queued", "Not sent yet")
    send("queued-to-grace", GRACE, "Queued", "For Grace")
    record_refusal(ADA, "550 No such mailbox")
    return rows


def forget_page(client):
    path = tokens.manage_path(ADA) + "forget/"
    page = client.get(path)
    return path, page, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def test_the_manage_page_leads_to_a_confirmation_that_changes_nothing(client, ada):
    manage = client.get(tokens.manage_path(ADA)).content.decode()
    forget = re.search(r'href="(/notices/manage/[^"]+/forget/)"', manage)[1]

    page = client.get(forget)

    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert f"Forget {ADA}</button>" in html and "cannot be undone" in html
    assert '<meta name="robots" content="noindex">' in html
    assert Comment.objects.filter(author_email__iexact=ADA).count() == 6
    assert VerifiedAddress.objects.filter(email=ADA).exists()


def test_forgetting_needs_the_pages_csrf_token(ada):
    browser = Client(enforce_csrf_checks=True)
    path, _, _ = forget_page(browser)

    assert browser.post(path).status_code == 403
    assert Comment.objects.filter(author_email__iexact=ADA).count() == 6


def test_forget_me_withdraws_the_comments_and_erases_the_address_everywhere(client, mistral, ada):
    path, _, token = forget_page(client)

    response = client.post(path, {"csrfmiddlewaretoken": token})

    assert response.status_code == 200 and "Forgotten" in response.content.decode()
    assert "withdrawn 5 comments" in response.content.decode()
    status = {name: Comment.objects.get(pk=row.pk).status for name, row in ada.items()}
    for name in ["answered", "answering", "alone", "held", "capitals"]:
        assert status[name] == Comment.Status.WITHDRAWN, name
    assert status["removed"] == Comment.Status.REMOVED, "an editor's decision stays"
    assert not Comment.objects.filter(author_email__iexact=ADA).exists()
    assert not Comment.objects.filter(author_name="Ada", notify_replies=True).exists()
    assert not VerifiedAddress.objects.filter(email=ADA).exists()
    assert not Follow.objects.filter(email=ADA).exists()
    assert not Notice.objects.filter(recipient=ADA).exists()
    assert not RefusedAddress.objects.exists()
    assert not Email.objects.filter(key="queued-to-ada").exists(), "not sent yet: deleted"
    sent = Email.objects.get(key="sent-to-ada")
    assert (sent.to, sent.text, sent.html, sent.headers, sent.status) == ("", "", "", {}, "sent")
    assert not Email.objects.filter(to__iexact=ADA).exists()

    html = client.get(mistral.get_absolute_url()).content.decode()
    assert "Comment withdrawn by its author." in html, "in place of the answered comment"
    assert "Alone." not in html and ">Ada<" not in html
    log = client.get("/moderation/").content.decode()
    assert log.count("<strong>Withdrawn by its author</strong>") == 5 and "Ada" not in log


def test_forget_me_leaves_other_readers_as_they_were(client, ada):
    before = {
        row.pk: (row.status, row.author_email, row.notify_replies)
        for row in Comment.objects.filter(author_email=GRACE)
    }
    path, _, token = forget_page(client)

    client.post(path, {"csrfmiddlewaretoken": token})

    after = {
        row.pk: (row.status, row.author_email, row.notify_replies)
        for row in Comment.objects.filter(author_email=GRACE)
    }
    assert after == before and len(after) == 2
    assert VerifiedAddress.objects.filter(email=GRACE).exists()
    assert Follow.objects.filter(email=GRACE).exists()
    assert Notice.objects.filter(recipient=GRACE).exists()
    assert Email.objects.get(key="queued-to-grace").to == GRACE
    page = client.get(ada["graces"].get_absolute_url(), follow=True).content.decode()
    assert "Grace" in page, "Grace's reply to Ada stays"


def test_forgetting_twice_changes_nothing_more(client, ada):
    path, _, token = forget_page(client)
    client.post(path, {"csrfmiddlewaretoken": token})
    events = ModerationEvent.objects.count()

    again = client.post(path, {"csrfmiddlewaretoken": token})

    assert again.status_code == 200 and "withdrawn" not in again.content.decode().split("<h1>")[1]
    assert ModerationEvent.objects.count() == events


def test_the_privacy_page_says_how_to_stop_emails_and_be_forgotten(client):
    html = client.get("/privacy/").content.decode()

    assert "Emails you ask for" in html
    assert "stops it in one click" in html and "<strong>forgotten</strong>" in html
