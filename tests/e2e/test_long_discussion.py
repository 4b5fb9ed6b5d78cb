"""A long discussion in Chromium, with JavaScript on and off: more answers on later pages of
their question, replies folded away and a long thread's own page, and a permalink to a
comment on a later page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL, post_comment, recorded_browser, run_axe, running_site

pytestmark = pytest.mark.e2e

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
ANSWERS = 25
REPLIES = 14


@pytest.fixture(scope="module")
def long_discussion(site_template, tmp_path_factory, chromium):
    """A site whose Mistral article has 25 answers to its first question, the first of them
    with 14 replies; returns (site, question id, answer ids, reply ids)."""
    with running_site(site_template, tmp_path_factory.mktemp("long"), "open") as site:
        with recorded_browser(chromium, site) as reader:
            html = reader.context.request.get(MISTRAL).text()
            question = re.findall(r'id="question-(\d+)"', html)[0]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]

            def post(number, **fields):
                return post_comment(
                    reader.context,
                    token=token,
                    author_name=f"Reader {number}",
                    author_email=f"reader{number}@example.com",
                    **fields,
                )

            answers = [
                post(n, question=question, body=f"Answer number {n}.") for n in range(ANSWERS)
            ]
            replies = [
                post(100 + n, parent=str(answers[0]), body=f"Reply number {n}.")
                for n in range(REPLIES)
            ]
        yield site, question, answers, replies


@JAVASCRIPT
def test_reader_pages_through_the_answers_to_a_question(long_discussion, browse, javascript):
    site, question, answers, _ = long_discussion
    page = browse(site, javascript=javascript).page
    page.goto(MISTRAL)
    section = page.locator(f"#question-{question}")
    expect(section.locator(f"#comment-{answers[9]}")).to_be_visible()
    expect(section.locator(f"#comment-{answers[10]}")).to_have_count(0)

    section.get_by_role("link", name=re.compile("15 more answers to this question")).click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page.locator(f"#comment-{answers[10]}")).to_be_visible()
    page.get_by_role("link", name="Later →").click()
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    expect(page.locator(f"#comment-{answers[-1]}")).to_be_visible()

    page.get_by_role("link", name="← The whole discussion").click()
    expect(page.locator(f"#comment-{answers[0]}")).to_be_visible()


@JAVASCRIPT
def test_folded_replies_open_and_a_long_thread_has_its_own_page(
    long_discussion, browse, javascript
):
    site, _, answers, replies = long_discussion
    page = browse(site, javascript=javascript).page
    page.goto(MISTRAL)
    thread = page.locator(f"#comment-{answers[0]}")
    folded = thread.locator("details.thread__folded").first
    hidden_reply = page.locator(f"#comment-{replies[2]}")
    expect(hidden_reply).not_to_be_visible()

    folded.locator("summary").click()
    expect(hidden_reply).to_be_visible()

    thread.get_by_role(
        "link", name=re.compile(r"Read the whole thread \(5 more comments\)")
    ).click()
    expect(page).to_have_url(re.compile(rf"\?thread={answers[0]}#comment-{answers[0]}$"))
    for reply in replies:
        expect(page.locator(f"#comment-{reply}")).to_be_visible()


@JAVASCRIPT
def test_a_permalink_opens_the_page_that_holds_the_comment(long_discussion, browse, javascript):
    site, question, answers, replies = long_discussion
    page = browse(site, javascript=javascript).page

    page.goto(f"/comments/{answers[-1]}/")

    expect(page).to_have_url(re.compile(rf"\?question={question}&page=3#comment-{answers[-1]}$"))
    assert page.evaluate("document.querySelector(':target').id") == f"comment-{answers[-1]}"
    expect(page.locator(f"#comment-{answers[-1]}")).to_be_in_viewport()

    page.goto(f"/comments/{replies[-1]}/")
    expect(page).to_have_url(re.compile(rf"\?thread={answers[0]}#comment-{replies[-1]}$"))
    expect(page.locator(f"#comment-{replies[-1]}")).to_be_in_viewport()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_of_a_long_discussion_have_no_wcag_violations(
    long_discussion, browse, axe_source, scheme
):
    site, question, answers, _ = long_discussion
    page = browse(site, color_scheme=scheme).page
    found = {}
    for path in [
        MISTRAL,
        f"{MISTRAL}?question={question}&page=2",
        f"{MISTRAL}?thread={answers[0]}",
    ]:
        page.goto(path)
        found |= {f"{path} {rule}": nodes for rule, nodes in run_axe(page, axe_source).items()}
    page.goto(MISTRAL)
    page.locator("details.thread__folded summary").first.click()
    found |= {f"open folds {rule}": nodes for rule, nodes in run_axe(page, axe_source).items()}

    assert found == {}
