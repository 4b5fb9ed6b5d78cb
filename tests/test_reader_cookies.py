"""Readers who only read get no cookie; the CSRF cookie comes only with the comment form."""

import pytest

READING_PAGES = [
    "/",
    "/tags/mistralai/",
    "/category/aicloud/",
    "/articles/no-such-article/",
    "/search/?q=sovereign",
    "/archive/2026/",
    "/archive/2026/06/",
    "/moderation/",
    "/guidelines/",
    "/feed/",
    "/articles/europes-23-billion-ai-powerhouse-mistral-is-growing-fast/comments/feed/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.mark.parametrize("path", READING_PAGES)
def test_reading_sets_no_cookie(client, mistral, path):
    response = client.get(path)

    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


def test_article_page_sets_only_the_csrf_cookie_for_its_form(client, mistral):
    response = client.get(mistral.get_absolute_url())

    assert '<form method="post"' in response.content.decode()
    assert list(response.cookies) == ["csrftoken"]
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_editors_get_a_secure_session_cookie(client, admin_user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.username, "password": "password"}
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
