"""Writing in the desk, in Chromium: a lead image uploaded through the article form and shown
to readers, a bad upload's error, the live preview following the editor's typing, an image
from the library inserted at the cursor, replying from the queue, and the two-factor login.
Every desk page visited has no axe-core violation.

Uploaded images are served as in production: nginx serves MEDIA_ROOT in front of gunicorn.
"""

import re
import time
from base64 import b32decode
from contextlib import contextmanager
from io import BytesIO

import pytest
from django_otp.oath import TOTP
from PIL import Image
from playwright.sync_api import expect

from tests import servers
from tests.e2e.conftest import (
    EDITOR,
    MISTRAL,
    Site,
    log_in,
    run_axe,
    running_site,
)
from tests.e2e.test_editor_desk import send_comment

pytestmark = pytest.mark.e2e

NGINX = "/usr/sbin/nginx"
LIBRARY = "/admin/articles/bodyimage/"
# In front of gunicorn as deploy/nginx.conf is, without TLS: MEDIA_ROOT from disk, the rest
# proxied with the Host the browser sent.
NGINX_SITE = """\
server {{
    listen 127.0.0.1:{port};
    client_max_body_size 12m;
    location /media/ {{
        alias {media}/;
    }}
    location / {{
        proxy_pass {gunicorn};
        proxy_set_header Host $http_host;
    }}
}}
"""


@contextmanager
def site_with_media(template, folder, moderation, **settings):
    """`running_site` with uploads kept in `folder`/media and served by nginx; yields the Site
    at nginx's address."""
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    media = folder / "media"
    media.mkdir()
    settings = {"DJANGO_MEDIA_ROOT": str(media), "DJANGO_SITE_URL": url, **settings}
    with running_site(template, folder, moderation, **settings) as gunicorn:
        conf = folder / "site.conf"
        conf.write_text(NGINX_SITE.format(port=port, media=media, gunicorn=gunicorn.url))
        nginx_folder = folder / "nginx"
        nginx_folder.mkdir()
        with servers.nginx(NGINX, nginx_folder, conf, port):
            yield Site(url)


@pytest.fixture(scope="module")
def desk_site(site_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("writing")
    with site_with_media(site_template, folder, "first-time") as site:
        yield site


def png(path, width=640, height=360, colour=(40, 90, 160)):
    """A real PNG, as an editor's screenshot or chart would be."""
    out = BytesIO()
    image = Image.new("RGB", (width, height), colour)
    image.paste((230, 180, 40), (0, 0, width // 2, height // 4))
    image.save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def open_mistral_in_the_desk(desk):
    desk.goto("/admin/articles/article/")
    desk.get_by_role("link", name=re.compile("^Europe's \\$23 Billion")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Change article")


def image_loaded(locator):
    return locator.evaluate("(image) => image.complete && image.naturalWidth > 0")


def test_a_lead_image_uploaded_in_the_form_is_shown_to_readers(desk_site, browse, tmp_path):
    desk = browse(desk_site).page
    log_in(desk)
    open_mistral_in_the_desk(desk)

    desk.get_by_label("Lead image:").set_input_files(png(tmp_path / "paris-office.png"))
    desk.get_by_label("Alt text:").fill("Mistral AI's office in Paris")
    desk.get_by_label("Caption:").first.fill("The Paris office.")
    desk.get_by_role("button", name="Save and continue editing").click()
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")

    reader = browse(desk_site).page
    reader.goto(MISTRAL)
    lead = reader.get_by_role("img", name="Mistral AI's office in Paris")
    expect(lead).to_have_attribute("src", "/media/lead-images/paris-office.png")
    expect(lead).to_have_attribute("width", "640")
    expect(lead).to_have_attribute("height", "360")
    assert image_loaded(lead)
    expect(reader.locator("figcaption")).to_contain_text("The Paris office.")


def test_a_text_file_named_jpg_gets_a_clear_form_error(desk_site, browse, tmp_path, axe_source):
    notes = tmp_path / "photo.jpg"
    notes.write_text("Notes from the interview, not a photo.\n")
    desk = browse(desk_site).page
    log_in(desk)
    open_mistral_in_the_desk(desk)

    desk.get_by_label("Lead image:").set_input_files(notes)
    desk.get_by_label("Alt text:").fill("A photo")
    desk.get_by_role("button", name="Save and continue editing").click()

    expect(desk.locator(".errornote")).to_be_visible()
    expect(desk.locator(".field-lead_image .errorlist")).to_have_text(
        "This file is not a JPEG, PNG or WebP image (whatever its name says)."
    )
    assert run_axe(desk, axe_source, preload=False) == {}


def test_the_live_preview_follows_the_editor_and_a_library_image_is_inserted_at_the_cursor(
    desk_site, browse, tmp_path, axe_source
):
    desk = browse(desk_site).page
    log_in(desk)
    found = {}

    desk.goto(f"{LIBRARY}add/")
    desk.get_by_label("Image:").set_input_files(png(tmp_path / "revenue-chart.png", 800, 450))
    desk.get_by_label("Alt text:").fill("Mistral's revenue by year, rising")
    desk.get_by_label("Caption:").fill("Revenue, 2023 to 2025.")
    found["image library: add"] = run_axe(desk, axe_source, preload=False)
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was added successfully")
    snippet = desk.locator(".library-snippet").first
    expect(snippet).to_contain_text("![Mistral's revenue by year, rising](/media/body-images/")
    found["image library"] = run_axe(desk, axe_source, preload=False)

    desk.goto("/admin/")
    articles_row = desk.locator("tr", has=desk.locator("#articles-article"))
    articles_row.get_by_role("link", name="Add").click()
    # The form focuses the title as it opens: type there first, as editors do.
    expect(desk.get_by_label("Title:")).to_be_focused()
    desk.get_by_label("Title:").press_sequentially("Mistral's revenue")
    body = desk.get_by_label("Body:")
    preview = desk.get_by_role("region", name="Live preview")
    body.click()
    body.press_sequentially("Revenue **tripled**.")
    expect(preview.locator("strong")).to_have_text("tripled")
    body.press("End")
    body.press_sequentially("\n\nMore to come.")
    expect(preview).to_contain_text("More to come.")

    # The cursor between the two paragraphs: the image goes there.
    body.evaluate("(area) => area.setSelectionRange(20, 20)")
    desk.get_by_role("button", name="Insert image…").click()
    found["article form, the library open"] = run_axe(desk, axe_source, preload=False)
    desk.get_by_role("button", name="Mistral's revenue by year, rising").click()

    value = body.input_value()
    assert re.fullmatch(
        r"Revenue \*\*tripled\*\*\.\n\n!\[Mistral's revenue by year, rising\]"
        r"\(/media/body-images/revenue-chart\w*\.png\)\n\*Revenue, 2023 to 2025\.\*"
        r"\n\nMore to come\.",
        value,
    ), value
    shown = preview.get_by_role("img", name="Mistral's revenue by year, rising")
    expect(shown).to_have_attribute("width", "800")
    expect(shown).to_have_attribute("height", "450")
    expect(preview.locator("em")).to_have_text("Revenue, 2023 to 2025.")
    expect(shown).to_have_js_property("complete", True)
    assert image_loaded(shown)
    found["article form, the preview showing the image"] = run_axe(desk, axe_source, preload=False)

    assert {page: rules for page, rules in found.items() if rules} == {}


def test_the_library_lists_snippets_to_paste_without_javascript(desk_site, browse, tmp_path):
    desk = browse(desk_site).page
    log_in(desk)
    desk.goto(f"{LIBRARY}add/")
    desk.get_by_label("Image:").set_input_files(png(tmp_path / "team.png", 300, 200))
    desk.get_by_label("Alt text:").fill("The founding team")
    desk.get_by_role("button", name="Save", exact=True).click()

    plain = browse(desk_site, javascript=False).page
    log_in(plain)
    plain.goto(LIBRARY)
    row = plain.locator("#result_list tr", has_text="The founding team")
    expect(row.locator(".library-snippet")).to_have_text(
        re.compile(r"^!\[The founding team\]\(/media/body-images/team\w*\.png\)$")
    )
    open_mistral_in_the_desk(plain)
    expect(plain.get_by_role("button", name="Insert image…")).to_have_count(0)
    expect(plain.get_by_role("link", name="image library")).to_have_attribute("href", LIBRARY)


def test_an_editor_replies_from_the_queue_and_readers_see_both(desk_site, browse, axe_source):
    question = "Where does the revenue figure come from?"
    send_comment(browse(desk_site).page, "Ada Lovelace", "ada@example.com", question)
    desk = browse(desk_site).page
    log_in(desk)

    desk.goto("/admin/desk/queue/")
    row = desk.locator(".queue-row", has_text=question)
    row.get_by_text("Reply as staff…").click()
    row.get_by_label(re.compile("^Your reply")).fill("From the annual report, page 12.")
    assert run_axe(desk, axe_source, preload=False) == {}
    row.get_by_role("button", name="Approve and reply").click()
    expect(desk.locator(".messagelist")).to_contain_text(
        "Ada Lovelace's comment: approved, and replied to as staff."
    )

    reader = browse(desk_site).page
    reader.goto(MISTRAL)
    expect(reader.locator(".comment__text", has_text=question)).to_be_visible()
    reply = reader.locator(".comment", has_text="From the annual report, page 12.")
    expect(reply.locator(".badge--staff")).to_have_text("staff")


# --- Two-factor login -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_factor_site(site_template, tmp_path_factory):
    """The site as production runs it: staff give a code after their password."""
    folder = tmp_path_factory.mktemp("two-factor")
    with running_site(site_template, folder, "first-time", DJANGO_DESK_REQUIRE_2FA="1") as site:
        yield site


def code(key, period):
    """The code an authenticator app shows for `key` (as the set-up page prints it) in the
    30-second `period` (counted from 1970)."""
    app = TOTP(b32decode(key.replace(" ", "")))
    app.time = period * 30
    return f"{app.token():06d}"


def now():
    return int(time.time() // 30)


def test_two_factor_set_up_and_login(two_factor_site, browse, axe_source):
    desk = browse(two_factor_site).page
    found = {}

    log_in_with_password(desk)
    expect(desk.get_by_role("heading", level=1)).to_have_text("Set up two-factor login")
    found["set-up"] = run_axe(desk, axe_source, preload=False)
    key = desk.locator(".two-factor__key").inner_text()
    first = now()
    desk.get_by_label("Code from your authenticator app").fill(code(key, first))
    desk.get_by_role("button", name="Confirm and continue").click()
    expect(desk).to_have_url(re.compile(r"/admin/$"))

    desk.get_by_role("button", name="Log out").click()
    log_in_with_password(desk)
    expect(desk.get_by_role("heading", level=1)).to_have_text("Two-factor login")
    found["code"] = run_axe(desk, axe_source, preload=False)
    desk.goto("/admin/desk/queue/")  # nothing of the desk before the code
    expect(desk.get_by_role("heading", level=1)).to_have_text("Two-factor login")
    # A code is taken once: the next period's if this is still the first one's (the site
    # takes the codes of the periods beside its own, for clocks a little apart).
    desk.get_by_label("Code from your authenticator app").fill(code(key, max(first + 1, now())))
    desk.get_by_role("button", name="Continue").click()
    expect(desk).to_have_url(re.compile(r"/admin/desk/queue/$"))

    assert found == {"set-up": {}, "code": {}}


def log_in_with_password(page):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(EDITOR.username)
    page.get_by_label("Password").fill(EDITOR.password)
    page.get_by_role("button", name="Log in").click()
