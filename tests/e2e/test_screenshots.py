"""Screenshots of the front page and the Mistral article with its discussion, on a desktop
and a phone, light and dark, saved to test-artifacts/ for a person to look at; the layout
must fit each width."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, MISTRAL

pytestmark = pytest.mark.e2e

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
PAGES = {"home": "/", "article": MISTRAL}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_home_and_article_fit_the_screen(discussed_site, browse, screen, scheme):
    page = browse(discussed_site, color_scheme=scheme, **SCREENS[screen]).page
    ARTIFACTS.mkdir(exist_ok=True)

    for name, path in PAGES.items():
        page.goto(path)
        expect(page.locator(".site-name")).to_be_in_viewport()
        page.screenshot(path=ARTIFACTS / f"{name}-{screen}-{scheme}.png", full_page=True)

        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5
                  && !el.closest('.skip-link, .honeypot, .visually-hidden'))
                .map((el) => el.outerHTML.slice(0, 80))"""
        )
        assert (
            page.evaluate("document.documentElement.scrollWidth")
            <= SCREENS[screen]["viewport"]["width"]
        )
        assert overflowing == [], f"{name} is wider than a {screen}"
