"""A reader's discussion in Chromium, with JavaScript on and off: answering a question,
replying, a comment held for moderation, and a form sent with mistakes."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL

pytestmark = pytest.mark.e2e

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def send_comment(page, *, name="", email="", body=""):
    # The page's form, wherever the discussion's script opened it.
    form = page.locator("form:has(#id_body)")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Comment", exact=True).fill(body)
    form.get_by_role("button", name="Post comment").click()


def permalink_id(page):
    """The comment id in the URL's #comment-<id>, once the browser is there."""
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    return int(page.url.rsplit("-", 1)[1])


@JAVASCRIPT
def test_reader_answers_question_one_then_replies_to_the_answer(open_site, browse, javascript):
    page = browse(open_site, javascript=javascript).page
    answer = f"Sovereignty matters when the law changes ({javascript=})."
    reply = f"Agreed, and audits should be public ({javascript=})."

    page.goto("/")
    page.locator(".card__title").get_by_role("link", name=re.compile("Mistral")).click()
    expect(page).to_have_url(re.compile(f"{MISTRAL}$"))
    question = page.locator("section.question").first
    expect(question.locator(".kicker")).to_have_text("Question 1")
    question_pk = question.get_attribute("id").removeprefix("question-")
    question.get_by_role("link", name="Answer this question").click()
    expect(page.get_by_label("Answering")).to_have_value(question_pk)
    send_comment(page, name="Ada Lovelace", email="ada@example.com", body=answer)

    answer_id = permalink_id(page)
    answer_item = page.locator(f"#question-{question_pk} #comment-{answer_id}")
    expect(answer_item).to_contain_text(answer)
    expect(answer_item).to_be_in_viewport()

    answer_item.get_by_role("link", name="Reply to Ada Lovelace").click()
    if javascript:  # the form opens under the answer, and the reply goes there in place
        expect(answer_item.locator(".comment-form__to")).to_have_text("Replying to Ada Lovelace")
        send_comment(page, name="Grace Hopper", email="grace@example.com", body=reply)
        nested = page.locator(f"#comment-{answer_id} ol .comment", has_text=reply)
        expect(nested).to_be_focused()
        expect(page).to_have_url(re.compile(rf"#comment-{answer_id}$"))
        return
    expect(page.locator(".replying-to")).to_contain_text("Replying to Ada Lovelace")
    send_comment(page, name="Grace Hopper", email="grace@example.com", body=reply)

    reply_id = permalink_id(page)
    nested = page.locator(f"#comment-{answer_id} ol #comment-{reply_id}")
    expect(nested).to_contain_text(reply)
    expect(nested).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == f"comment-{reply_id}"


@JAVASCRIPT
def test_held_comment_is_shown_to_its_author_and_nobody_else(first_time_site, browse, javascript):
    author = browse(first_time_site, javascript=javascript).page
    body = f"My first comment here, held until an editor reads it ({javascript=})."

    author.goto(MISTRAL)
    send_comment(author, name="Niki Lauda", email=f"niki-{javascript}@example.com", body=body)

    notice = author.locator(".notice")
    expect(notice).to_contain_text("Your comment is awaiting moderation.")
    expect(notice).to_contain_text(body)
    expect(author.locator(".comment__text", has_text=body)).to_have_count(0)
    someone_else = browse(first_time_site, javascript=javascript).page
    someone_else.goto(MISTRAL)
    expect(someone_else.locator("#discussion")).to_be_visible()
    expect(someone_else.get_by_text(body)).to_have_count(0)
    expect(someone_else.locator(".notice")).to_have_count(0)


FIELD_ERRORS = {
    "Name": "Please enter your name.",
    "Email": "Please enter your email address; it is never shown.",
    "Comment": "Please write your comment.",
}


@JAVASCRIPT
def test_empty_form_shows_errors_beside_fields_and_focuses_the_summary(
    open_site, browse, javascript
):
    page = browse(open_site, javascript=javascript).page
    page.goto(MISTRAL)

    send_comment(page)

    expect(page).to_have_url(re.compile(r"/comments/#error-summary$"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Your comment was not posted")
    for label, message in FIELD_ERRORS.items():
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(message)))
        beside = page.locator(".field--invalid", has=field).locator(".errorlist")
        expect(beside).to_have_text(message)
        expect(summary.get_by_role("link", name=f"{label}: {message}")).to_be_visible()

    # Half put right: what the reader typed stays, the summary takes the focus again.
    page.get_by_label("Answering").select_option(index=2)
    send_comment(page, name="Ada Lovelace", email="ada-at-example", body="Kept, every word.")

    expect(summary).to_be_focused()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ada Lovelace")
    expect(page.get_by_label("Email", exact=True)).to_have_value("ada-at-example")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("Kept, every word.")
    expect(page.get_by_label("Answering").locator("option:checked")).to_have_text(
        re.compile("^Question 2: ")
    )
    summary.get_by_role("link", name=re.compile("^Email: ")).click()
    expect(page.get_by_label("Email", exact=True)).to_be_focused()
