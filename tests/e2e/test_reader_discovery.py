"""A reader finding articles in Chromium, with JavaScript on and off: search, tag, category,
archive and feed; and what a reader's browser keeps and fetches while reading."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL

pytestmark = pytest.mark.e2e

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
MISTRAL_TITLE = (
    "Europe's $23 Billion AI Powerhouse Mistral is Growing Fast, "
    "But Its Unique Mission Might Surprise You"
)
MISTRAL_PUBLISHED = datetime(2026, 6, 2, tzinfo=UTC)


def open_mistral(page, container):
    page.locator(container).get_by_role("link", name=MISTRAL_TITLE, exact=True).click()
    expect(page).to_have_url(re.compile(f"{MISTRAL}$"))


@JAVASCRIPT
def test_reader_finds_the_article_by_search_tag_category_and_archive(open_site, browse, javascript):
    page = browse(open_site, javascript=javascript).page
    page.goto("/")

    page.get_by_role("searchbox", name="Search articles").fill("sovereign")
    page.get_by_role("searchbox", name="Search articles").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=sovereign$"))
    expect(page.locator(".results-count")).to_have_text("1 result for “sovereign”")
    open_mistral(page, ".results")

    page.locator(".article__footer .tags").get_by_role("link", name="#SovereignAI").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("#SovereignAI")
    open_mistral(page, ".cards")

    page.locator(".filed-under").get_by_role("link", name="AICloud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AICloud")
    open_mistral(page, ".cards")

    this_year = datetime.now(UTC).year
    page.locator(".site-footer").get_by_role("link", name="Archive").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(this_year))
    if this_year != MISTRAL_PUBLISHED.year:  # the footer links this year's archive
        years = page.get_by_role("navigation", name="Years")
        years.get_by_role("link", name=str(MISTRAL_PUBLISHED.year)).click()
    page.get_by_role("link", name="June", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("June 2026")
    open_mistral(page, ".cards")


def test_feed_link_leads_to_the_atom_feed_of_the_latest_articles(open_site, browse):
    reader = browse(open_site)
    page = reader.page
    page.goto("/")

    footer_feed = page.locator(".site-footer").get_by_role("link", name="Feed")
    head_feed = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    assert footer_feed.get_attribute("href") == head_feed.get_attribute("href") == "/feed/"
    # A browser shows or downloads a feed; a feed reader fetches it, as here.
    feed = reader.context.request.get(footer_feed.get_attribute("href"))
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert f"<entry><title>{MISTRAL_TITLE}</title>" in feed.text()


READING_PAGES = ["/", "/tags/mistralai/", "/search/?q=mistral"]


@JAVASCRIPT
def test_reader_who_only_reads_lists_gets_no_cookie_and_stays_on_the_site(
    open_site, browse, javascript
):
    reader = browse(open_site, javascript=javascript)
    for path in READING_PAGES:
        assert reader.page.goto(path).status == 200

    assert reader.context.cookies() == []
    pages = {open_site.url + path for path in READING_PAGES}
    static = open_site.url + "/static/"
    requested = {url for _kind, url in reader.log.requests}
    assert pages <= requested
    assert {url for url in requested - pages if not url.startswith(static)} == set()


def test_article_page_sets_only_the_secure_csrf_cookie_its_form_needs(open_site, browse):
    reader = browse(open_site)

    reader.page.goto(MISTRAL)

    cookies = reader.context.cookies()
    assert [(cookie["name"], cookie["secure"], cookie["sameSite"]) for cookie in cookies] == [
        ("csrftoken", True, "Lax")
    ]
