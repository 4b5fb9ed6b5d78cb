"""Emails readers ask for, in Chromium, with JavaScript on and off: the verification link's
landing page, following a discussion (the form under it, the emailed link, the confirmation)
and stopping it, the page that manages an address's emails, and forgetting the address.

No worker runs: the emails wait in the site's outbox, and the test reads them from its
database, as a reader opens them in their mailbox."""

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL, run_axe, running_site

pytestmark = pytest.mark.e2e

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


@pytest.fixture(scope="module")
def notices_site(site_template, tmp_path_factory):
    """The open site, and its database file, where the emails wait."""
    folder = tmp_path_factory.mktemp("notices")
    with running_site(site_template, folder, "open", NOTICES_FOLLOW_RATE_LIMIT="off") as site:
        yield site, folder / "news.sqlite3"


def emailed_link(database, to, path):
    """The link to `path`… in the newest email to `to`, as a path on the site."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            'SELECT text FROM outbox_email WHERE "to" = ? ORDER BY id DESC LIMIT 1', (to,)
        ).fetchall()
    assert rows, f"no email to {to}"
    return re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]*)", rows[0][0])[1]


def rows(database, query, *parameters):
    with sqlite3.connect(database) as db:
        return db.execute(query, parameters).fetchall()


@JAVASCRIPT
def test_the_verification_link_asks_then_verifies(notices_site, browse, javascript):
    site, database = notices_site
    email = f"ada-{javascript}@example.com".lower()  # as the site stores it
    page = browse(site, javascript=javascript).page
    page.goto(MISTRAL)
    form = page.locator("#post-comment form")
    form.get_by_label("Name", exact=True).fill("Ada Lovelace")
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Comment", exact=True).fill(f"Tell me of replies ({javascript=}).")
    form.get_by_label("Email me when someone replies").check()
    form.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))

    page.goto(emailed_link(database, email, "/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your email address")
    page.get_by_role("button", name=f"Verify {email}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your email address is verified")
    assert rows(database, "SELECT 1 FROM comments_verifiedaddress WHERE email = ?", email)
    page.get_by_role("link", name=re.compile("^Back to “")).click()
    expect(page).to_have_url(re.compile(f"{MISTRAL}#discussion$"))


@JAVASCRIPT
def test_a_reader_follows_a_question_then_stops(notices_site, browse, javascript):
    site, database = notices_site
    email = f"follower-{javascript}@example.com".lower()  # as the site stores it
    page = browse(site, javascript=javascript).page
    page.goto(MISTRAL)

    form = page.locator("#follow-discussion")
    form.get_by_label("Your email").fill(email)
    form.get_by_label("Follow", exact=True).select_option(index=1)
    form.get_by_role("button", name="Follow by email").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("status")).to_contain_text(email)
    page.goto(emailed_link(database, email, "/notices/follow/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow this discussion")
    assert not rows(database, "SELECT 1 FROM notices_follow WHERE email = ?", email)
    page.get_by_role("button", name="Follow by email").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You follow this discussion")
    assert rows(
        database, "SELECT 1 FROM notices_follow WHERE email = ? AND question_id IS NOT NULL", email
    )
    page.get_by_role("link", name="Stop following it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop these emails")
    assert rows(database, "SELECT 1 FROM notices_follow WHERE email = ?", email), "asked only"
    page.get_by_role("button", name="Stop these emails").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Stopped")
    assert not rows(database, "SELECT 1 FROM notices_follow WHERE email = ?", email)


def test_a_mistake_in_the_follow_form_is_shown_and_focused(notices_site, browse):
    site, _ = notices_site
    page = browse(site).page
    page.goto(MISTRAL)

    page.locator("#follow-discussion").get_by_role("button", name="Follow by email").click()

    summary = page.locator("#follow-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your email: Please enter your email address.")
    expect(page.get_by_label("Your email")).to_have_attribute("aria-invalid", "true")


@JAVASCRIPT
def test_the_manage_page_and_forgetting_an_address(notices_site, browse, javascript, axe_source):
    site, database = notices_site
    email = f"forget-{javascript}@example.com".lower()  # as the site stores it
    page = browse(site, javascript=javascript).page
    page.goto(MISTRAL)
    form = page.locator("#post-comment form")
    form.get_by_label("Name", exact=True).fill("Forget Me")
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Comment", exact=True).fill(f"Soon withdrawn ({javascript=}).")
    form.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    page.locator("#follow-discussion").get_by_label("Your email").fill(email)
    page.locator("#follow-discussion").get_by_role("button", name="Follow by email").click()
    page.goto(emailed_link(database, email, "/notices/follow/confirm/"))
    page.get_by_role("button", name="Follow by email").click()

    page.get_by_role("link", name=f"Manage every email to {email}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your emails from mistralnews")
    expect(page.locator(".notice-list")).to_contain_text("the whole discussion")
    if javascript:
        assert run_axe(page, axe_source) == {}
    page.get_by_role("link", name="forget me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Forget {email}")
    if javascript:
        assert run_axe(page, axe_source) == {}
    assert rows(database, "SELECT 1 FROM comments_comment WHERE author_email = ?", email)
    page.get_by_role("button", name=f"Forget {email}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Forgotten")
    for table, column in [
        ("comments_comment", "author_email"),
        ("comments_verifiedaddress", "email"),
        ("notices_follow", "email"),
        ("outbox_email", '"to"'),
    ]:
        query = f"SELECT 1 FROM {table} WHERE {column} = ?"  # noqa: S608 (names of our own)
        assert not rows(database, query, email), table
    page.goto(MISTRAL)
    expect(page.get_by_text(f"Soon withdrawn ({javascript=}).")).to_have_count(0)
