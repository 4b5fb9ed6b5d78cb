"""The editors' desk in Chromium (the Django admin, which needs JavaScript for its inline
rows and slug field): writing, previewing and publishing an article, and moderating comments
that readers then see moderated."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL, log_in

pytestmark = pytest.mark.e2e

TITLE = "Europe's chip plants look for engineers"
SLUG = "europes-chip-plants-look-for-engineers"
QUESTIONS = [
    "Should governments pay for the training of chip engineers?",
    "Would you move to another country to work in a chip plant?",
]


def test_editor_writes_previews_and_publishes_a_draft_with_two_questions(first_time_site, browse):
    desk = browse(first_time_site).page
    reader = browse(first_time_site).page
    log_in(desk)

    articles_row = desk.locator("tr", has=desk.locator("#articles-article"))
    articles_row.get_by_role("link", name="Add").click()
    desk.get_by_label("Title:").press_sequentially(TITLE)
    expect(desk.get_by_label("Slug:")).to_have_value(SLUG)
    desk.get_by_label("Summary:").fill("Three new plants, not enough people to run them.")
    desk.get_by_label("Body:").fill("Plants are **ready**; the people are not.\n\n## Why")
    desk.get_by_label("Category:").select_option(label="AICloud")
    desk.get_by_label("Tags:").fill("Semiconductors, EuropeanTech")
    expect(desk.get_by_label("Status:")).to_have_value("draft")
    desk.locator("#id_questions-0-position").fill("1")
    desk.locator("#id_questions-0-text").fill(QUESTIONS[0])
    desk.get_by_role("button", name="Add another Discussion question").click()
    desk.locator("#id_questions-1-position").fill("2")
    desk.locator("#id_questions-1-text").fill(QUESTIONS[1])
    desk.get_by_role("button", name="Save and continue editing").click()
    expect(desk.locator(".messagelist")).to_contain_text("was added successfully")

    assert reader.goto(f"/articles/{SLUG}/").status == 404, "a draft is not public"
    desk.get_by_role("link", name="View on site").click()
    expect(desk).to_have_url(re.compile(f"/articles/{SLUG}/preview/$"))
    expect(desk.locator(".preview-banner")).to_be_visible()
    expect(desk.get_by_role("heading", level=1)).to_have_text(TITLE)
    for number, question in enumerate(QUESTIONS, start=1):
        expect(desk.locator("section.question").nth(number - 1)).to_contain_text(question)

    desk.go_back()
    desk.get_by_label("Status:").select_option("published")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")

    reader.goto("/")
    reader.locator(".card__title").get_by_role("link", name=TITLE).click()
    expect(reader).to_have_url(re.compile(f"/articles/{SLUG}/$"))
    expect(reader.locator(".article__body h2")).to_have_text("Why")
    expect(reader.locator("section.question h3")).to_have_text([*QUESTIONS, "General discussion"])


def send_comment(page, name, email, body):
    page.goto(MISTRAL)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Comment", exact=True).fill(body)
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".notice")).to_contain_text(body)


def select_in_queue(desk, text, action):
    desk.locator("#result_list tr", has_text=text).get_by_role("checkbox").check()
    desk.get_by_label("Action:").select_option(label=action)
    desk.get_by_role("button", name="Go").click()


def test_editor_approves_a_held_comment_and_removes_another_with_a_reason(first_time_site, browse):
    welcome = "The chip plants need people who can read a datasheet."
    unwelcome = "Everyone who disagrees with me is paid to do so."
    reason = "personal attack on other readers"
    send_comment(browse(first_time_site).page, "Marie Curie", "marie@example.com", welcome)
    send_comment(browse(first_time_site).page, "Rude Rudi", "rudi@example.com", unwelcome)
    desk = browse(first_time_site).page
    log_in(desk)

    desk.locator("#comments-comment").get_by_role("link", name="Comments").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    select_in_queue(desk, welcome, "Approve selected comments")
    expect(desk.locator(".messagelist")).to_contain_text("1 comment approved.")
    select_in_queue(desk, unwelcome, "Remove selected comments…")
    desk.get_by_label("Reason:").fill(reason)
    desk.get_by_role("button", name="Remove 1 comment").click()
    expect(desk.locator(".messagelist")).to_contain_text("1 comment removed.")

    reader = browse(first_time_site).page
    reader.goto(MISTRAL)
    expect(reader.locator(".comment__text", has_text=welcome)).to_be_visible()
    expect(reader.get_by_text(unwelcome)).to_have_count(0)
    expect(reader.locator(".comment__removed")).to_contain_text(
        f"Comment removed by the moderators ({reason})."
    )
    reader.get_by_role("link", name="Moderation log").click()
    removal = reader.locator(".moderation-log__entry", has_text="Removed")
    expect(removal).to_contain_text("A comment on ")  # its author is no longer named
    expect(removal).not_to_contain_text("Rude Rudi")
    expect(removal).to_contain_text(f"Reason: {reason}")
    expect(reader.locator(".moderation-log__entry", has_text="Approved")).to_contain_text(
        "A comment by Marie Curie"
    )
    # An entry that no longer names its comment's author links the article, not the comment.
    removal.get_by_role("link").click()
    expect(reader).to_have_url(re.compile(f"{MISTRAL}$"))
    expect(reader.locator(".comment__removed")).to_contain_text(reason)
