"""Spam and flood defence: honeypot, per-IP rate limits, duplicates.

The flood-control tests run twice: counting in the database, and in Redis (the shared cache).
"""

from datetime import timedelta

import pytest
from django.core import checks
from django.test import Client
from django.utils import timezone

from clients.limits import Rate, parse_rates
from comments.models import Comment
from tests.conftest import comment_form_data, comments_url


def post(client, article, ip="198.51.100.20", forwarded_for=None, **fields):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        comments_url(article), comment_form_data(**fields), REMOTE_ADDR=ip, **headers
    )


@pytest.fixture
def moderation_open(settings):
    settings.COMMENTS_MODERATION = "open"


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def flood_counter(request):
    """Where flood control counts: the stored comments, or Redis when it is the cache."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param


def test_honeypot_is_labelled_for_screen_readers_and_hidden_by_css(client, mistral):
    html = client.get(mistral.get_absolute_url()).content.decode()

    assert '<div class="honeypot">' in html
    assert '<label for="id_homepage">Leave this field empty</label>' in html
    assert 'tabindex="-1"' in html


def test_filled_honeypot_is_400_and_stores_nothing(client, mistral, open_comments):
    response = post(client, mistral, homepage="https://spam.example")

    assert response.status_code == 400
    assert "This field must stay empty" in response.content.decode()
    assert not Comment.objects.exists()


def test_second_comment_within_15_seconds_is_429_with_retry_after(
    client, mistral, moderation_open, flood_counter
):
    assert post(client, mistral, body="First.").status_code == 303

    response = post(client, mistral, body="Second, too soon.")

    html = response.content.decode()
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 15
    assert "You are commenting too quickly." in html
    assert "Second, too soon." in html, "the reader's text is kept"
    assert Comment.objects.count() == 1


def test_limit_is_per_ip_not_per_browser(mistral, moderation_open, flood_counter):
    first_reader, second_reader = Client(), Client()

    assert post(first_reader, mistral, body="From one browser.").status_code == 303
    assert post(second_reader, mistral, body="From another.").status_code == 429
    assert post(second_reader, mistral, ip="203.0.113.5", body="Other IP.").status_code == 303


def test_posting_is_allowed_again_after_the_window(
    client, mistral, moderation_open, monkeypatch, flood_counter
):
    post(client, mistral, body="First.")
    later = timezone.now() + timedelta(seconds=16)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert post(client, mistral, body="Second, after the window.").status_code == 303


def test_five_comments_per_ten_minutes(
    client, mistral, moderation_open, monkeypatch, flood_counter
):
    start = timezone.now()
    for n in range(5):
        moment = start + timedelta(seconds=20 * n)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        assert post(client, mistral, body=f"Comment {n}.").status_code == 303

    sixth = start + timedelta(seconds=100)
    monkeypatch.setattr(timezone, "now", lambda: sixth)
    response = post(client, mistral, body="Sixth.")

    assert response.status_code == 429
    # The first of the five leaves the 10-minute window 600 s after it was posted.
    assert int(response["Retry-After"]) == 500
    assert Comment.objects.count() == 5


def test_rate_limit_setting_overrides_and_can_be_off(
    client, mistral, moderation_open, settings, flood_counter
):
    settings.COMMENTS_RATE_LIMIT = "2/1h"
    assert post(client, mistral, body="One.").status_code == 303
    assert post(client, mistral, body="Two.").status_code == 303
    assert post(client, mistral, body="Three.").status_code == 429

    settings.COMMENTS_RATE_LIMIT = "off"
    assert post(client, mistral, body="Four.").status_code == 303


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, mistral, moderation_open):
    assert post(client, mistral, forwarded_for="192.0.2.1", body="One.").status_code == 303

    response = post(client, mistral, forwarded_for="192.0.2.2", body="Made-up address.")

    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_client_is_the_address_it_saw(
    client, mistral, moderation_open, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"

    assert post(client, mistral, proxy, "198.51.100.1", body="Reader one.").status_code == 303
    assert post(client, mistral, proxy, "198.51.100.2", body="Reader two.").status_code == 303
    forged = post(client, mistral, proxy, "203.0.113.9, 198.51.100.1", body="Forged entry.")
    assert forged.status_code == 429, "what the client wrote left of the proxy's entry is ignored"


def test_behind_two_trusted_proxies_the_client_is_second_from_the_right(
    client, mistral, moderation_open, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    inner_proxy, outer_proxy = "127.0.0.1", "10.0.0.2"

    first = post(client, mistral, inner_proxy, f"198.51.100.1, {outer_proxy}", body="One.")
    other = post(client, mistral, inner_proxy, f"198.51.100.2, {outer_proxy}", body="Two.")
    again = post(client, mistral, inner_proxy, f"192.0.2.7, 198.51.100.1, {outer_proxy}", body="3")

    assert (first.status_code, other.status_code, again.status_code) == (303, 303, 429)


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        ("1/15s,5/10m", (Rate(1, 15), Rate(5, 600))),
        ("5/10m", (Rate(5, 600),)),
        ("3/h", (Rate(3, 3600),)),
        (" off ", ()),
    ],
)
def test_rate_limit_syntax(text, limits):
    assert parse_rates(text) == limits


@pytest.mark.parametrize("text", ["", "5", "5/10", "0/10m", "five/10m", "5/10d", "5/10m;1/15s"])
def test_bad_rate_limit_is_a_clear_configuration_error(text, settings):
    settings.COMMENTS_RATE_LIMIT = text

    (problem,) = checks.run_checks(tags=["settings"])

    assert problem.is_serious()
    assert problem.msg.startswith("COMMENTS_RATE_LIMIT: ")


def test_same_comment_twice_within_an_hour_is_stored_once(client, mistral, open_comments):
    assert post(client, mistral, body="Posted twice by a double click.").status_code == 303

    response = post(client, mistral, body="Posted twice by a double click.")

    assert response.status_code == 400
    assert "You have already posted this comment here." in response.content.decode()
    assert Comment.objects.count() == 1


def test_same_text_from_another_author_or_after_an_hour_is_not_a_duplicate(
    client, mistral, open_comments, monkeypatch
):
    post(client, mistral, body="Same words.")
    assert (
        post(client, mistral, author_email="other@example.com", body="Same words.").status_code
        == 303
    )

    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert post(client, mistral, body="Same words.").status_code == 303
    assert Comment.objects.count() == 3
