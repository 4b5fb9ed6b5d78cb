"""The one-click queue in Chromium: from the count in the header to a decided comment, by
button (no JavaScript needed) and by keyboard."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MISTRAL, log_in, run_axe
from tests.e2e.test_editor_desk import send_comment

pytestmark = pytest.mark.e2e


def test_editor_decides_three_held_comments_in_three_presses(first_time_site, browse):
    welcome = "The datasheets are public; the training is not."
    advert = "Cheap watches at my shop, follow the link."
    rude = "Only fools read this site."
    for name, email, body in [
        ("Ada Lovelace", "ada@example.com", welcome),
        ("Shop Bot", "bot@example.com", advert),
        ("Rude Rudi", "rudi@example.com", rude),
    ]:
        send_comment(browse(first_time_site).page, name, email, body)
    desk = browse(first_time_site).page
    log_in(desk)

    desk.locator(".desk-waiting").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("3 comments waiting")
    row = desk.locator(".queue-row", has_text=welcome)
    expect(row).to_contain_text("0 approved · 0 removed · 0 spam")
    row.get_by_role("button", name="Approve").click()
    expect(desk.locator(".messagelist")).to_contain_text("Ada Lovelace's comment: approved.")

    expect(desk.locator(".queue-keys")).to_be_visible()  # the keys work once it shows
    desk.keyboard.press("s")  # the first row is now the advert
    expect(desk.locator(".messagelist")).to_contain_text("Shop Bot's comment: marked as spam.")
    expect(desk.locator(".queue-keys")).to_be_visible()
    desk.keyboard.press("r")  # opens the reasons of the one row left, the first focused
    expect(desk.get_by_role("button", name="Off-topic")).to_be_focused()
    desk.get_by_role("button", name="Personal attack").click()
    expect(desk.locator(".messagelist")).to_contain_text("Rude Rudi's comment: removed.")
    expect(desk.get_by_text("Nothing is waiting.")).to_be_visible()
    expect(desk.locator(".queue-keys")).to_be_visible()
    desk.keyboard.press("u")  # undo: Rudi's comment waits again
    expect(desk.locator(".messagelist")).to_contain_text("comment: returned to moderation.")
    expect(desk.locator(".queue-row", has_text=rude)).to_be_visible()
    desk.locator(".queue-row", has_text=rude).get_by_text("Remove…").click()
    desk.get_by_role("button", name="Personal attack").click()
    expect(desk.get_by_text("Nothing is waiting.")).to_be_visible()

    reader = browse(first_time_site).page
    reader.goto(MISTRAL)
    expect(reader.locator(".comment__text", has_text=welcome)).to_be_visible()
    expect(reader.get_by_text(advert)).to_have_count(0)
    expect(reader.locator(".comment__removed")).to_contain_text("Personal attack")


def test_the_queue_works_without_javascript(first_time_site, browse):
    body = "Without scripts, the buttons are forms."
    send_comment(browse(first_time_site).page, "Grace Hopper", "grace@example.com", body)
    desk = browse(first_time_site, javascript=False).page
    log_in(desk)

    desk.goto("/admin/desk/queue/")
    desk.locator(".queue-row", has_text=body).get_by_role("button", name="Approve").click()

    expect(desk.locator(".messagelist")).to_contain_text("Grace Hopper's comment: approved.")


def test_the_queue_and_alerts_pages_have_no_accessibility_violations(
    first_time_site, browse, axe_source
):
    reader = browse(first_time_site).page
    reader.goto(MISTRAL)
    reader.get_by_label("Name", exact=True).fill("Alan Turing")
    reader.get_by_label("Email", exact=True).fill("alan@example.com")
    reader.get_by_label("Comment", exact=True).fill("> A quoted line.\n\nSee [it](/archive/).")
    reader.get_by_role("button", name="Post comment").click()
    expect(reader.locator(".notice")).to_contain_text("A quoted line.")
    desk = browse(first_time_site).page
    log_in(desk)

    found = {}
    desk.goto("/admin/desk/queue/")
    for summary in desk.locator(".queue-row summary").all():
        summary.click()  # the reasons and the rule's form too
    found["queue"] = run_axe(desk, axe_source)
    desk.goto("/admin/desk/alerts/")
    found["alerts"] = run_axe(desk, axe_source)
    desk.goto("/admin/")
    found["desk home"] = run_axe(desk, axe_source)

    assert found == {"queue": {}, "alerts": {}, "desk home": {}}
