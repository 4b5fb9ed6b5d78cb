"""A commenter changing their mind in Chromium, with JavaScript on and off: editing their
comment from the article page's Edit link, withdrawing it after confirming, and a stranger
turned away from both."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL, run_axe

pytestmark = pytest.mark.e2e

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def send_comment(page, *, name, email, body):
    form = page.locator("#post-comment form")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Comment", exact=True).fill(body)
    form.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    return page.locator(f"#comment-{page.url.rsplit('-', 1)[1]}")


@JAVASCRIPT
def test_the_author_edits_their_comment_from_the_page(open_site, browse, axe_source, javascript):
    page = browse(open_site, javascript=javascript).page
    first = f"I think the funding is the story ({javascript=})."
    second = f"On reflection, the *mission* is the story ({javascript=})."
    page.goto(MISTRAL)
    comment = send_comment(page, name="Ada Lovelace", email="ada@example.com", body=first)
    expect(comment.locator(".comment__edited")).to_have_count(0)

    comment.get_by_role("link", name="Edit your comment").click()

    expect(page).to_have_url(re.compile(r"/comments/\d+/edit/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your comment")
    box = page.get_by_label("Comment", exact=True)
    expect(box).to_have_value(first)
    expect(page.locator(".page-header__lede time")).to_be_visible()
    if javascript:  # axe-core is a script: it runs only where scripts do
        assert run_axe(page, axe_source) == {}
    box.fill(second)
    page.get_by_role("button", name="Save my edit").click()

    expect(page).to_have_url(re.compile(rf"{MISTRAL}#comment-\d+$"))
    expect(comment.locator(".comment__text")).to_contain_text("On reflection, the mission")
    expect(comment.locator(".comment__text em")).to_have_text("mission")
    edited = comment.locator(".comment__edited")
    expect(edited).to_contain_text("edited")
    expect(edited.locator("time")).to_have_attribute("datetime", re.compile(r"Z$"))
    expect(comment).not_to_contain_text(first)


@JAVASCRIPT
def test_the_author_withdraws_their_comment_after_confirming(open_site, browse, javascript):
    page = browse(open_site, javascript=javascript).page
    body = f"Something I would rather not have said ({javascript=})."
    page.goto(MISTRAL)
    comment = send_comment(page, name="Grace Hopper", email="grace@example.com", body=body)
    comment_id = comment.get_attribute("id")

    comment.get_by_role("link", name="Withdraw your comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your comment?")
    expect(page.locator(".withdraw__text")).to_contain_text(body)
    page.get_by_role("link", name="Keep it").click()
    expect(page.locator(f"#{comment_id} .comment__text")).to_contain_text(body)

    page.locator(f"#{comment_id}").get_by_role("link", name="Withdraw your comment").click()
    page.get_by_role("button", name="Withdraw my comment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your comment is withdrawn")
    page.get_by_role("link", name=re.compile("^Back to")).click()
    expect(page.locator("#discussion")).to_be_visible()
    expect(page.locator(f"#{comment_id}")).to_have_count(0)
    expect(page.get_by_text(body)).to_have_count(0)


@JAVASCRIPT
def test_a_stranger_is_turned_away_from_someone_elses_comment(open_site, browse, javascript):
    author = browse(open_site, javascript=javascript)
    author.page.goto(MISTRAL)
    body = f"Mine to change, and nobody else can ({javascript=})."
    comment = send_comment(author.page, name="Hedy Lamarr", email="hedy@example.com", body=body)
    comment_id = comment.get_attribute("id").removeprefix("comment-")
    stranger = browse(open_site, javascript=javascript)
    page = stranger.page

    page.goto(MISTRAL)
    expect(page.locator(f"#comment-{comment_id} .comment__text")).to_contain_text(body)
    expect(page.get_by_role("link", name="Edit your comment")).to_have_count(0)
    expect(page.get_by_role("link", name="Withdraw your comment")).to_have_count(0)
    for action in ["edit", "withdraw"]:
        response = page.goto(f"/comments/{comment_id}/{action}/")
        assert response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Only its author can change this comment"
        )
        expect(page.get_by_role("button")).to_have_count(1)  # the site's search, nothing else

    page.goto(MISTRAL)
    expect(page.locator(f"#comment-{comment_id} .comment__text")).to_have_text(body)
