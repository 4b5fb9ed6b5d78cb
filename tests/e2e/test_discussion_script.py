"""The discussion's script in Chromium (comments/static/comments/discussion.js): Reply opens the
form under the comment and posts it in place, by mouse or keyboard alone; Recommend counts
without a reload, and the counts shown are the ones of now, not of the cached page's making;
sorting and reporting still work; axe-core finds nothing with the form open. Every browser's
log must be clean (tests/e2e/conftest.py): no request leaves the site, no console error, no
CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL, run_axe

pytestmark = pytest.mark.e2e

SCRIPT = "comments/discussion.js"


def comment_of(page, name):
    """The list item of `name`'s comment in its thread (its Reply link's parent)."""
    return page.get_by_role("link", name=f"Reply to {name}", exact=True).locator("xpath=..")


def comment_id(item):
    return item.get_attribute("id").removeprefix("comment-")


def test_a_reply_opens_under_its_comment_and_posts_in_place(discussed_site, browse):
    reader = browse(discussed_site)
    page = reader.page
    page.goto(MISTRAL)
    page.evaluate("window.sameDocument = true")
    alan = comment_of(page, "Alan Turing")
    reader.log.expect_error(f"{discussed_site.url}{MISTRAL}comments/", 400)

    alan.get_by_role("link", name="Reply to Alan Turing").click()

    box = alan.locator(".comment-form--reply")
    expect(box.locator(".comment-form__to")).to_have_text("Replying to Alan Turing")
    expect(box.get_by_label("Name", exact=True)).to_be_focused()
    expect(page.locator("#post-comment form")).to_have_count(0)
    expect(page.get_by_label("Answering")).to_be_hidden()
    expect(page.locator("#id_parent")).to_have_value(comment_id(alan))

    box.get_by_label("Comment", exact=True).fill("Which ones do, though?")
    box.get_by_role("button", name="Post comment").click()
    summary = box.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("link", name=re.compile("^Name: "))).to_be_visible()
    expect(box.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(box.get_by_label("Comment", exact=True)).to_have_value("Which ones do, though?")

    box.get_by_label("Name", exact=True).fill("Margaret Hamilton")
    box.get_by_label("Email", exact=True).fill("margaret@example.com")
    box.get_by_role("button", name="Post comment").click()

    reply = alan.locator("ol.thread > li.comment", has_text="Which ones do, though?")
    expect(reply).to_be_focused()
    expect(reply.locator(".comment__meta")).to_contain_text("Margaret Hamilton")
    expect(alan.locator(".comment-form--reply")).to_have_count(0)
    expect(page.locator("#post-comment form")).to_have_count(1)
    expect(page.locator("#id_parent")).to_have_value("")
    assert page.evaluate("window.sameDocument") is True, "the reader never left the page"
    expect(page).to_have_url(re.compile(f"{MISTRAL}$"))

    page.reload()  # the server placed it where the script did
    expect(comment_of(page, "Alan Turing").locator("ol.thread")).to_contain_text(
        "Which ones do, though?"
    )
    posts = [url for kind, url in reader.log.requests if url.endswith("/comments/")]
    assert len(posts) == 2 and all(url.startswith(discussed_site.url) for url in posts)


def test_a_reply_with_the_keyboard_alone(discussed_site, browse):
    page = browse(discussed_site).page
    page.goto(MISTRAL)
    link = comment_of(page, "Hedy Lamarr").get_by_role("link", name="Reply to Hedy Lamarr")
    link.focus()

    page.keyboard.press("Enter")
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    expect(link).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(page.locator(".comment-form--reply")).to_have_count(0)
    expect(link).to_be_focused()
    expect(link).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    page.keyboard.type("Katherine Johnson")
    page.keyboard.press("Tab")
    page.keyboard.type("katherine@example.com")
    for _ in range(10):  # past the privacy link to the comment's box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "body":
            break
    page.keyboard.type("Publish the data, too.")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Cancel":
            break
    page.keyboard.press("Enter")  # Cancel
    expect(link).to_be_focused()
    expect(page.locator(".comment-form--reply")).to_have_count(0)

    page.keyboard.press("Enter")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("Publish the data, too.")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Post comment":
            break
    page.keyboard.press("Enter")
    reply = comment_of(page, "Hedy Lamarr").locator("ol.thread > li.comment")
    expect(reply).to_contain_text("Publish the data, too.")
    expect(reply).to_be_focused()


def test_recommending_counts_without_a_reload_and_counts_are_of_now(discussed_site, browse):
    stale = browse(discussed_site, javascript=False).page
    stale.goto(MISTRAL)  # the shared page is made, and cached, before the recommendation
    grace = "Recommend the comment by Grace Hopper"
    counts = comment_of(stale, "Grace Hopper").locator(":scope > .comment__recommends")
    expect(counts).to_have_count(0)

    reader = browse(discussed_site)
    page = reader.page
    page.goto(MISTRAL)
    page.evaluate("window.sameDocument = true")
    button = page.get_by_role("button", name=re.compile(f"^{grace}"))
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    shown = comment_of(page, "Grace Hopper").locator(":scope > .comment__recommends")
    expect(shown).to_have_text("1 recommendation")
    assert page.evaluate("window.sameDocument") is True

    stale.reload()
    expect(counts).to_have_count(0)  # without the script: the cached page, as of its making
    other = browse(discussed_site).page
    other.goto(MISTRAL)
    other_counts = comment_of(other, "Grace Hopper").locator(":scope > .comment__recommends")
    expect(other_counts).to_have_text("1 recommendation")
    other_button = other.get_by_role("button", name=re.compile(f"^{grace}"))
    expect(other_button).to_have_attribute("aria-pressed", "false")

    page.reload()  # the reader's own recommendation, remembered
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(shown).to_have_count(0)
    counted = [url for _, url in reader.log.requests if "/comments/recommendations/" in url]
    assert len(counted) == 2, "the counts are asked for once per page load"


def test_sorting_and_reporting_work_with_the_script(discussed_site, browse):
    page = browse(discussed_site).page
    page.goto(MISTRAL)

    page.get_by_role("link", name="Newest first").click()
    expect(page).to_have_url(re.compile(r"\?sort=newest#discussion$"))
    expect(page.locator('.discussion__sort [aria-current="true"]')).to_have_text("Newest first")

    page.get_by_role("link", name="Report the comment by Alan Turing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a comment")


def test_the_page_with_the_form_open_is_accessible_small_and_local(
    discussed_site, browse, axe_source
):
    reader = browse(discussed_site)
    reader.log.expect_error(f"{discussed_site.url}{MISTRAL}comments/", 400)
    page = reader.page
    page.goto(MISTRAL)
    comment_of(page, "Ada Lovelace").get_by_role("link", name="Reply to Ada Lovelace").click()
    expect(page.locator(".comment-form--reply")).to_be_visible()
    page.locator(".comment-form--reply").get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-form--reply .error-summary")).to_be_focused()

    assert run_axe(page, axe_source) == {}

    source = page.locator(f'script[src*="{SCRIPT.split("/")[1].split(".")[0]}"]')
    expect(source).to_have_attribute("defer", "")
    script = page.request.get(source.get_attribute("src"))
    assert script.ok and len(script.body()) <= 10 * 1024
    assert reader.log.requests and all(
        reader.log.is_ours(url) and url.startswith("http://127.0.0.1:")
        for _, url in reader.log.requests
    )
    assert reader.log.csp_violations == []
