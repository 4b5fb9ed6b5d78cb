"""The browser's log catches what every other browser test relies on it to catch: requests to
other hosts, CSP violations, scripts calling alert & co, dialogs and JavaScript errors."""

import pytest

from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e

HOSTILE_PAGE = """<!doctype html><title>canary</title>
<img src="https://elsewhere.example/pixel.png" alt="">
<script>alert("canary"); console.log("canary"); throw new Error("canary");</script>"""
POLICY = "default-src 'none'; img-src 'self'; script-src 'self'"


def serve(page, path, headers=None):
    page.route(
        f"**{path}",
        lambda route: route.fulfill(
            status=200, content_type="text/html", headers=headers or {}, body=HOSTILE_PAGE
        ),
    )


def test_log_catches_a_page_that_breaks_every_rule(open_site, browse):
    session = browse(open_site)
    page = session.page
    serve(page, "/canary/open/")
    serve(page, "/canary/policed/", {"Content-Security-Policy": POLICY})

    page.goto("/canary/open/")
    page.goto("/canary/policed/")
    settle(page)

    problems = "\n".join(session.log.problems)
    # Chromium asks for the image on both pages, though CSP stops it before the network.
    assert session.log.foreign_requests == [("image", "https://elsewhere.example/pixel.png")] * 2
    assert 'dialog: alert "canary"' in problems.replace("'", '"')
    assert "script ran: alert(canary)" in problems
    assert "script ran: console.log(canary)" in problems
    assert "JavaScript error: canary" in problems
    assert "CSP violation: img-src blocked https://elsewhere.example/pixel.png" in problems
    assert "CSP violation: script-src-elem blocked inline" in problems
    session.log.foreign_requests.clear()
    session.log.problems.clear()
