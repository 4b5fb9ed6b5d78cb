"""Every response tells the browser to load only our own files and use no feature we do not."""

import pytest

PAGES = [
    "/",
    "/articles/europes-23-billion-ai-powerhouse-mistral-is-growing-fast/",
    "/tags/mistralai/",
    "/category/aicloud/",
    "/articles/no-such-article/",
    "/search/?q=sovereign",
    "/feed/",
    "/feed/rss/",
    "/tags/mistralai/feed/",
    "/articles/europes-23-billion-ai-powerhouse-mistral-is-growing-fast/comments/feed/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/robots.txt",
    "/moderation/",
    "/archive/2026/",
    "/admin/login/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/articles/article/",
    "/admin/articles/article/add/",
    "/admin/comments/comment/",
]
POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def directives(header):
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_hardened(response):
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert f"{feature}=()" in permissions


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_and_admin_login_send_the_policy(client, mistral, path):
    assert_hardened(client.get(path))


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_works_under_the_same_policy(client, mistral, admin_user, path):
    client.force_login(admin_user)

    response = client.get(path)

    assert response.status_code == 200
    assert_hardened(response)


def test_error_and_redirect_responses_carry_the_policy_too(client, mistral):
    assert_hardened(client.get("/admin/"))  # redirect to the login page
    assert_hardened(client.post(f"{mistral.get_absolute_url()}comments/", {}))  # 400


def test_hsts_for_a_year_over_https_only(client, mistral):
    over_https = client.get("/", secure=True)
    over_http = client.get("/")

    assert over_https["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in over_http
