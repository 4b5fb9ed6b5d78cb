"""Commenters without accounts: an address verified by a signed link in one browser, a cookie
that remembers the commenter there, limits that are fair on shared networks, and answers that
never reveal what the site knows about an address."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comments import links, verification
from comments.models import Comment, UsedLink, VerifiedAddress
from freshness.pages import COMMENTER_COOKIE
from tests.conftest import comment_form_data, comments_url, verify_in

pytestmark = pytest.mark.django_db

EMAIL = "camille@example.com"


def link_path(email=EMAIL, article=None):
    return "/" + verification.verification_url(email, article).split("/", 3)[3]


def post(client, article, ip="198.51.100.7", **fields):
    return client.post(comments_url(article), comment_form_data(**fields), REMOTE_ADDR=ip)


# The verification link


def test_opening_the_link_asks_before_it_verifies(client, mistral):
    response = client.get(link_path(article=mistral))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Verify {EMAIL}</button>" in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert not VerifiedAddress.objects.exists(), "a mail program opening links verifies nothing"
    assert COMMENTER_COOKIE not in response.cookies


def test_the_button_verifies_the_address_in_this_browser(client, mistral):
    response = client.post(link_path(article=mistral))

    assert response.status_code == 200
    assert "Your email address is verified" in response.content.decode()
    assert f'href="{mistral.get_absolute_url()}#discussion"' in response.content.decode()
    assert VerifiedAddress.objects.get().email == EMAIL
    cookie = response.cookies[COMMENTER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert EMAIL in client.get(mistral.get_absolute_url()).content.decode(), "form filled in"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_used_link_is_refused_and_changes_nothing(client, mistral, method):
    path = link_path()
    client.post(path)
    VerifiedAddress.objects.all().delete()
    other = Client()

    response = getattr(other, method)(path)

    assert response.status_code == 400
    assert "It has been used already" in response.content.decode()
    assert not VerifiedAddress.objects.exists()
    assert COMMENTER_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_is_refused_and_changes_nothing(client, monkeypatch, method):
    path = link_path()
    later = timezone.now() + timedelta(hours=48, seconds=1)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())

    response = getattr(client, method)(path)

    assert response.status_code == 400
    assert "It has expired" in response.content.decode()
    assert not VerifiedAddress.objects.exists() and not UsedLink.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(token.split(":")[0], token.split(":")[0][::-1]),
        lambda token: links.make_token("unsubscribe", email=EMAIL),  # another kind of link
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "other-purpose", "garbage"],
)
def test_a_tampered_link_is_refused_and_changes_nothing(client, tamper):
    token = link_path().rstrip("/").rsplit("/", 1)[1]

    response = client.post(f"/verify/{tamper(token)}/")

    assert response.status_code == 400
    assert "It is not a link we sent" in response.content.decode()
    assert not VerifiedAddress.objects.exists() and not UsedLink.objects.exists()


# The commenter's cookie


def test_readers_get_no_commenter_cookie_and_posting_sets_one(client, mistral, open_comments):
    for path in ["/", mistral.get_absolute_url(), "/search/?q=x", "/moderation/"]:
        assert COMMENTER_COOKIE not in client.get(path).cookies

    response = post(client, mistral, author_name="Camille", author_email=EMAIL)

    cookie = response.cookies[COMMENTER_COOKIE]
    assert cookie["httponly"] and cookie["max-age"] > 30 * 24 * 3600
    page = client.get(mistral.get_absolute_url())
    assert 'value="Camille"' in page.content.decode()
    assert "private" in page["Cache-Control"], "a page with the reader's name is theirs alone"


def test_a_forged_commenter_cookie_is_ignored(client, mistral, make_comment, settings):
    settings.COMMENTS_RATE_LIMIT = "off"
    make_comment(mistral, author_email=EMAIL)
    VerifiedAddress.objects.create(email=EMAIL)
    client.cookies[COMMENTER_COOKIE] = f'{{"verified": ["{EMAIL}"], "name": "Forger"}}'

    assert 'value="Forger"' not in client.get(mistral.get_absolute_url()).content.decode()
    post(client, mistral, author_email=EMAIL, body="Posing as verified.")
    assert Comment.objects.get(body="Posing as verified.").status == Comment.Status.PENDING


# First-time moderation trusts a verification only in the browser that made it


def test_a_verified_approved_address_skips_the_hold_only_in_its_own_browser(
    mistral, make_comment, settings
):
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"
    make_comment(mistral, author_email=EMAIL)
    own, other = Client(), Client()
    verify_in(own, EMAIL)

    post(own, mistral, author_email=EMAIL, body="From my own browser.")
    post(other, mistral, author_email=EMAIL, body="From someone else's.")

    assert Comment.objects.get(body="From my own browser.").status == Comment.Status.APPROVED
    assert Comment.objects.get(body="From someone else's.").status == Comment.Status.PENDING


def test_a_verified_address_without_an_approved_comment_is_still_held(client, mistral, settings):
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"
    verify_in(client, EMAIL)

    post(client, mistral, author_email=EMAIL, body="My first, verified.")

    assert Comment.objects.get().status == Comment.Status.PENDING


def test_forgotten_addresses_are_not_verified_any_more(client, mistral, make_comment, settings):
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"
    make_comment(mistral, author_email=EMAIL)
    verify_in(client, EMAIL)
    VerifiedAddress.objects.all().delete()

    post(client, mistral, author_email=EMAIL, body="After being forgotten.")

    assert Comment.objects.get(body="After being forgotten.").status == Comment.Status.PENDING


def test_the_answer_never_tells_what_the_site_knows_about_an_address(
    mistral, make_comment, settings
):
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"
    known = "known@example.com"
    make_comment(mistral, author_email=known)
    verify_in(Client(), known)  # verified and approved, but in another browser
    answers = set()
    for email in ["new@example.com", known]:
        reader = Client()
        response = post(reader, mistral, author_email=email, body=f"Hello from {email}.")
        page = reader.get(response["Location"]).content.decode()
        notice = page[page.index('<div class="notice"') :].split("</p>")[0].split(">", 1)[1]
        answers.add((response.status_code, response["Location"].split("#")[0], notice))

    assert len(answers) == 1, answers


# Limits that are fair on shared networks


def test_readers_sharing_a_network_are_told_it_is_their_network(mistral, settings):
    settings.COMMENTS_MODERATION = "open"
    settings.COMMENTS_RATE_LIMIT = "1/15s"
    first, newcomer = Client(), Client()
    assert post(first, mistral, author_email="first@example.com").status_code == 303

    mine = post(first, mistral, author_email="first@example.com", body="Again, at once.")
    theirs = post(newcomer, mistral, author_email="new@example.com", body="My first ever.")

    assert mine.status_code == theirs.status_code == 429
    assert "You are commenting too quickly." in mine.content.decode()
    assert "You are commenting too quickly" not in theirs.content.decode()
    assert "Many comments have just come from your network" in theirs.content.decode()


def test_a_verified_address_has_its_own_limit(mistral, make_comment, settings):
    settings.COMMENTS_MODERATION = "open"
    settings.COMMENTS_RATE_LIMIT = "1/15s"
    settings.COMMENTS_ADDRESS_RATE_LIMIT = "1/15s"
    colleague, verified = Client(), Client()
    verify_in(verified, EMAIL)
    assert post(colleague, mistral, author_email="colleague@example.com").status_code == 303

    assert post(verified, mistral, author_email=EMAIL, body="Mine.").status_code == 303
    again = post(verified, mistral, author_email=EMAIL, body="Mine again, too soon.")

    assert again.status_code == 429
    assert "You are commenting too quickly." in again.content.decode()
    blocked = post(colleague, mistral, author_email="colleague@example.com", body="x")
    assert blocked.status_code == 429, "the network's own limit is unchanged"


def test_the_privacy_page_says_what_is_kept_and_is_linked(client, mistral, settings):
    settings.COMMENTS_RETENTION_DAYS = 90

    html = client.get("/privacy/").content.decode()

    assert "erased after 90 days" in html
    assert "keyed hash" in html and "never shown" in html
    assert 'href="/privacy/"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "erase",
    [
        lambda: call_command("erase_expired_personal_data", stdout=StringIO()),
        lambda: call_command("run_periodic", stdout=StringIO()),  # the worker's daily job
    ],
    ids=["command", "daily-job"],
)
def test_expired_personal_data_is_erased_and_the_rest_kept(mistral, make_comment, settings, erase):
    settings.COMMENTS_RETENTION_DAYS = 30
    long_ago = timezone.now() - timedelta(days=31)
    old = make_comment(mistral, author_email="old@example.com", ip_hash="a" * 64)
    old_verified = make_comment(mistral, author_email="kept@example.com", ip_hash="b" * 64)
    recent = make_comment(mistral, author_email="recent@example.com", ip_hash="c" * 64)
    Comment.objects.filter(pk__in=[old.pk, old_verified.pk]).update(created_at=long_ago)
    VerifiedAddress.objects.create(email="kept@example.com")

    erase()

    rows = {c.pk: (c.author_email, c.ip_hash) for c in Comment.objects.all()}
    assert rows[old.pk] == ("", "")
    assert rows[old_verified.pk] == ("kept@example.com", "")
    assert rows[recent.pk] == ("recent@example.com", "c" * 64)
    assert Comment.objects.get(pk=old.pk).author_name == old.author_name, "the comment stays"
