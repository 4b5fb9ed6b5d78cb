"""Accessibility in Chromium: axe-core finds no WCAG 2.1 A or AA violation on the reader's
pages and the editors' change pages, in the light and the dark colour scheme; and a keyboard
reaches every control, with a visible focus, from a skip link on."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL, log_in, post_comment, run_axe

pytestmark = pytest.mark.e2e

SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])
READER_PAGES = [
    "/",
    MISTRAL,
    "/tags/mistralai/",
    "/category/aicloud/",
    "/archive/2026/",
    "/search/?q=mistral",
    "/guidelines/",
    "/moderation/",
]


@SCHEMES
def test_reader_pages_have_no_wcag_violations(discussed_site, browse, axe_source, scheme):
    reader = browse(discussed_site, color_scheme=scheme)
    page = reader.page
    # Three links hold a comment even when comments are open: its author sees the notice.
    post_comment(
        reader.context,
        author_name="Linus Links",
        author_email=f"linus-{scheme}@example.com",
        body="Sources: <https://a.example> <https://b.example> <https://c.example>",
    )
    found = {}

    for path in READER_PAGES:
        page.goto(path)
        found[path] = run_axe(page, axe_source)
    expect(page.locator(".moderation-log__entry")).to_have_count(1)
    page.goto(MISTRAL)
    expect(page.locator(".notice")).to_be_visible()
    expect(page.locator(".comment__removed")).to_be_visible()
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#error-summary")).to_be_focused()
    found["the form showing errors"] = run_axe(page, axe_source)

    assert {page: rules for page, rules in found.items() if rules} == {}


@SCHEMES
def test_admin_change_pages_have_no_wcag_violations(discussed_site, browse, axe_source, scheme):
    page = browse(discussed_site, color_scheme=scheme).page
    log_in(page)
    found = {}
    # Without preload: axe would fetch the stylesheets that Django's forms.css @imports, a
    # fetch the site's CSP rightly refuses (connect-src). That leaves out one rule here,
    # css-orientation-lock, and the admin locks no orientation.

    page.goto("/admin/articles/article/")
    page.get_by_role("link", name=re.compile("^Europe's")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change article")
    found["article change page"] = run_axe(page, axe_source, preload=False)
    page.goto("/admin/comments/comment/?status=all")
    found["comment queue"] = run_axe(page, axe_source, preload=False)
    page.get_by_role("link", name=re.compile("^A lab that answers")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change comment")
    found["comment change page"] = run_axe(page, axe_source, preload=False)
    page.goto("/admin/")
    expect(page.locator(".desk-reported")).to_be_visible()
    found["desk home, with the counts"] = run_axe(page, axe_source, preload=False)
    page.goto("/admin/comments/communityguidelines/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change community guidelines")
    found["guidelines change page"] = run_axe(page, axe_source, preload=False)

    assert {page: rules for page, rules in found.items() if rules} == {}


# Every element a keyboard should reach, in the order it should reach them.
TABBABLE = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]'
  )].filter((el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden')"""
# The focused element: its place among TABBABLE, its name, and whether its focus shows.
FOCUSED = """(tabbable) => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    index: tabbable.indexOf(el),
    html: el.outerHTML.slice(0, 80),
    named: Boolean((el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.textContent.trim()),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth,
  };
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_keyboard_reaches_every_control_with_a_visible_focus(discussed_site, browse, javascript):
    page = browse(discussed_site, javascript=javascript).page
    page.goto(MISTRAL)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.goto(MISTRAL)
    tabbable = page.evaluate_handle(TABBABLE)
    count = tabbable.evaluate("(elements) => elements.length")
    reached = []
    for _ in range(count):
        page.keyboard.press("Tab")
        reached.append(tabbable.evaluate(FOCUSED))

    assert [focus["index"] for focus in reached] == list(range(count))
    assert [focus["html"] for focus in reached if not focus["named"]] == []
    assert [focus["html"] for focus in reached if not focus["outline"]] == []
    assert [focus["html"] for focus in reached if not focus["onScreen"]] == []
