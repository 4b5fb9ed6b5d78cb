"""The curated discussion in Chromium, without JavaScript: an editor picks an answer from the
article page; a reader sees it at the top of its question, sorts the discussion, recommends a
comment and reports one; axe-core (which needs JavaScript, so in a browser of its own) finds no
WCAG 2.1 A or AA violation on those pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL, log_in, run_axe

pytestmark = pytest.mark.e2e


def test_an_editor_picks_and_a_reader_sorts_recommends_and_reports(
    discussed_site, browse, axe_source
):
    editor = browse(discussed_site, javascript=False).page
    log_in(editor)
    editor.goto(MISTRAL)
    editor.get_by_role("button", name="Pick the comment by Ada Lovelace").first.click()
    expect(editor).to_have_url(re.compile(r"#comment-\d+$"))

    reader = browse(discussed_site, javascript=False).page
    reader.goto(MISTRAL)
    picks = reader.locator(".picks")
    expect(picks).to_have_count(1)
    expect(picks.get_by_role("heading", name="Editors' Picks")).to_be_visible()
    expect(picks).to_contain_text("A lab that answers to European law")
    expect(reader.locator(".badge--pick")).to_have_count(2)  # in the picks, and in its thread
    expect(reader.get_by_role("button", name=re.compile("^Pick"))).to_have_count(0)
    checked = {"article with a pick": reader.url}

    reader.get_by_role("link", name="Newest first").click()
    expect(reader).to_have_url(re.compile(r"\?sort=newest#discussion$"))
    expect(reader.locator('.discussion__sort [aria-current="true"]')).to_have_text("Newest first")
    checked["sorted newest first"] = reader.url

    reader.get_by_role("button", name=re.compile("^Recommend the comment by Grace Hopper")).click()
    expect(reader).to_have_url(re.compile(r"#comment-\d+$"))

    # Back at the whole discussion: the recommendation led to the section that holds it.
    reader.goto(MISTRAL)
    reader.get_by_role("link", name="Report the comment by Alan Turing").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Report a comment")
    checked["report form"] = reader.url
    reader.get_by_label("Off-topic").check()
    reader.get_by_role("button", name="Send report").click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("your report was received")

    axe = browse(discussed_site).page
    found = {}
    for name, url in checked.items():
        axe.goto(url)
        found[name] = run_axe(axe, axe_source)
    assert {page: rules for page, rules in found.items() if rules} == {}
