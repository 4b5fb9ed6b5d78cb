"""Stopping notices: every email's one-click unsubscribe (RFC 8058: a POST without any token
of ours, repeatable; a GET only asks), which stops exactly what that email is about, and the
signed page that lists everything an address gets, with "stop all"."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from comments import links
from comments.models import VerifiedAddress
from notices import tokens
from notices.models import Follow, Notice
from outbox.models import Email

pytestmark = pytest.mark.django_db

READER = "ada@example.com"
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def replies_at_once(settings):
    settings.NOTICES_REPLY_DIGEST_MINUTES = 0


def one_click(path):
    """What a mail program sends for RFC 8058: a POST with this body, no cookie, no token."""
    return Client(enforce_csrf_checks=True).post(
        path, ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )


def header_path(email):
    url = re.fullmatch(r"<(.*)>", email.headers["List-Unsubscribe"])[1]
    return url.removeprefix("http://testserver")


@pytest.fixture
def follow(mistral):
    VerifiedAddress.objects.create(email=READER)
    return Follow.objects.create(email=READER, article=mistral)


# One click


def test_one_click_stops_a_follow_without_csrf_and_can_be_sent_again(follow):
    path = tokens.unsubscribe_path(tokens.FOLLOW, follow.pk)

    first, again = one_click(path), one_click(path)

    assert first.status_code == again.status_code == 200
    assert "You will get no more of" in first.content.decode()
    assert "no-store" in first["Cache-Control"]
    assert not Follow.objects.exists()


def test_opening_the_link_only_asks(client, follow):
    path = tokens.unsubscribe_path(tokens.FOLLOW, follow.pk)

    page, head = client.get(path), client.head(path)

    html = page.content.decode()
    assert page.status_code == head.status_code == 200
    assert '<button type="submit" class="button">Stop these emails</button>' in html
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert Follow.objects.filter(pk=follow.pk).exists(), "a GET changes nothing"


def test_the_button_on_the_page_stops_it_too(client, follow):
    path = tokens.unsubscribe_path(tokens.FOLLOW, follow.pk)
    client.get(path)

    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Follow.objects.exists()


def test_a_reply_emails_link_stops_replies_to_that_comment_only(
    mistral, make_comment, committed, replies_at_once
):
    VerifiedAddress.objects.create(email=READER)
    first = make_comment(mistral, author_email=READER, notify_replies=True, notify_moderation=True)
    second = make_comment(mistral, author_email=READER, notify_replies=True)
    with committed():
        make_comment(mistral, parent=first)
    [email] = Email.objects.filter(to=READER)

    assert one_click(header_path(email)).status_code == 200

    first.refresh_from_db()
    assert (first.notify_replies, first.notify_moderation) == (False, True)
    with committed():
        make_comment(mistral, parent=first, body="Not told.")
        make_comment(mistral, parent=second, body="Told.")
    texts = [sent.text for sent in Email.objects.filter(to=READER).order_by("id")]
    assert len(texts) == 2 and "Told." in texts[1] and "Not told." not in "".join(texts)


def test_unsubscribing_drops_replies_still_waiting_to_be_sent(
    mistral, make_comment, committed, settings
):
    settings.NOTICES_REPLY_DIGEST_MINUTES = 5
    VerifiedAddress.objects.create(email=READER)
    comment = make_comment(mistral, author_email=READER, notify_replies=True)
    with committed():
        make_comment(mistral, parent=comment)
    assert Notice.objects.unsent().exists()

    one_click(tokens.unsubscribe_path(tokens.REPLIES, comment.pk))

    assert not Notice.objects.exists()


def test_a_moderation_link_stops_decisions_on_that_comment(mistral, make_comment):
    comment = make_comment(
        mistral, author_email=READER, notify_replies=True, notify_moderation=True
    )

    one_click(tokens.unsubscribe_path(tokens.MODERATION, comment.pk))

    comment.refresh_from_db()
    assert (comment.notify_replies, comment.notify_moderation) == (True, False)


def test_an_unsubscribe_link_never_expires(follow, monkeypatch):
    path = tokens.unsubscribe_path(tokens.FOLLOW, follow.pk)
    years_later = timezone.now() + timedelta(days=3650)
    monkeypatch.setattr(signing.time, "time", lambda: years_later.timestamp())

    assert one_click(path).status_code == 200
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        lambda pk: tokens.unsubscribe_path(tokens.FOLLOW, pk).split("/")[3][:-2] + "AA",
        lambda pk: links.make_token(tokens.MANAGE, stop="follow", pk=pk),
        lambda pk: links.make_token(tokens.UNSUBSCRIBE, stop="everything", pk=pk),
        lambda pk: links.make_token(tokens.UNSUBSCRIBE, stop="follow", pk=str(pk)),
        lambda pk: "not-a-token",
    ],
    ids=["signature", "other-purpose", "unknown-kind", "not-an-id", "garbage"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_and_changes_nothing(follow, token, method):
    path = f"/notices/unsubscribe/{token(follow.pk)}/"

    response = getattr(Client(enforce_csrf_checks=True), method)(path)

    assert response.status_code == 400
    assert "It is not a link we sent" in response.content.decode()
    assert Follow.objects.filter(pk=follow.pk).exists()


# Managing every notice of an address


@pytest.fixture
def subscribed(mistral, follow, make_comment):
    question = mistral.question_list[0]
    Follow.objects.create(email=READER, article=mistral, question=question)
    comment = make_comment(mistral, author_email=READER, notify_replies=True)
    make_comment(mistral, author_email=READER, notify_moderation=True)
    make_comment(mistral, author_email=READER)  # asks for nothing
    make_comment(mistral, author_email="other@example.com", notify_replies=True)
    Notice.objects.create(recipient=READER, kind=Notice.Kind.REPLY, comment=comment)
    return question


def test_the_manage_page_lists_what_the_address_gets_with_a_stop_link_each(
    client, mistral, subscribed
):
    response = client.get(tokens.manage_path(READER))

    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html and READER in html
    assert "the whole discussion" in html and escape(subscribed.text) in html
    assert html.count('href="/notices/unsubscribe/') == 4  # two follows, two comments
    assert "Stop all these emails</button>" in html
    assert 'href="/notices/manage/' in html and "/forget/" in html


def test_stop_all_needs_the_pages_csrf_token_then_stops_everything(mistral, subscribed):
    path = tokens.manage_path(READER)
    browser = Client(enforce_csrf_checks=True)

    assert browser.post(path).status_code == 403
    assert Follow.objects.count() == 2

    page = browser.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = browser.post(path, {"csrfmiddlewaretoken": token})

    assert "All emails stopped" in response.content.decode()
    assert not Follow.objects.exists() and not Notice.objects.exists()
    assert not mistral.comments.filter(author_email=READER, notify_replies=True).exists()
    assert not mistral.comments.filter(author_email=READER, notify_moderation=True).exists()
    assert mistral.comments.filter(author_email="other@example.com", notify_replies=True).exists()
    assert VerifiedAddress.objects.filter(email=READER).exists(), "stopping is not forgetting"


@pytest.mark.parametrize("page", ["manage", "forget"])
def test_an_expired_or_tampered_manage_link_is_refused(client, subscribed, monkeypatch, page):
    path = tokens.manage_path(READER)
    if page == "forget":
        path += "forget/"
    tampered = path.replace("/manage/", "/manage/x")

    assert client.get(tampered).status_code == 400
    assert client.post(tampered).status_code == 400
    in_31_days = timezone.now() + timedelta(days=30, seconds=1)
    monkeypatch.setattr(signing.time, "time", lambda: in_31_days.timestamp())
    expired = client.post(path)

    assert expired.status_code == 400 and "It has expired" in expired.content.decode()
    assert Follow.objects.count() == 2


@pytest.mark.parametrize(
    "path",
    [
        lambda mistral: tokens.manage_path(READER),
        lambda mistral: tokens.manage_path(READER) + "forget/",
        lambda mistral: f"/notices/follow/{mistral.slug}/",
        lambda mistral: "/notices/follow/confirm/x/",
    ],
    ids=["manage", "forget", "follow", "confirm"],
)
def test_only_the_unsubscribe_link_does_without_a_csrf_token(mistral, subscribed, path):
    response = Client(enforce_csrf_checks=True).post(path(mistral), {"email": READER})

    assert response.status_code == 403
    assert Follow.objects.count() == 2
