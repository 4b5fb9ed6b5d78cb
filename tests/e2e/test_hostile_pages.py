"""The hostile corpus (tests/hostile_corpus.py) in Chromium: every body posted as a comment
and saved as an article body, and every page that shows them loaded by the browser, once as
the sanitizer alone protects it (CSP bypassed, so a leak would run) and once as production
serves it (CSP enforced, so a leak would be reported).

Nothing may run: no dialog, no call to alert/confirm/prompt/print/console (hooked before the
page's scripts), no CSP violation but the external images articles may show. The DOM the
browser built must be clean: no script but the JSON-LD block, no on* attribute, no
javascript:/data:/vbscript: URL, nothing in user text that the sanitizer's profile forbids.
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from comments.discussion import THREADS_PER_PAGE
from mistralnews.markup import ARTICLE, COMMENT
from tests.e2e.conftest import MISTRAL, csrf_token, log_in, post_comment, recorded_browser, settle
from tests.hostile_corpus import (
    COMMENT_BODIES,
    HOSTILE_BODIES,
    Element,
    dangerous_urls,
    event_handlers,
    foreign_elements,
    script_elements,
    url_scheme,
)

pytestmark = pytest.mark.e2e

# Every fifth body is saved by typing into the admin's article form in Chromium; the others
# are sent through the same form by an HTTP client with the editor's session.
THROUGH_THE_BROWSER = HOSTILE_BODIES[::5]
ADD_ARTICLE = "/admin/articles/article/add/"
# What the article form says of a body showing images from other sites, which it refuses.
IMAGES_REFUSED = "The body shows images from other sites"
# Each element of the page: its tag, its attributes, whether it sits inside user text, and
# the id of the comment it belongs to.
ELEMENTS = """(userText) => [...document.querySelectorAll('*')].map((el) => [
  el.localName,
  [...el.attributes].map((attribute) => [attribute.name, attribute.value]),
  Boolean(el.parentElement && el.parentElement.closest(userText)),
  el.closest('[id^="comment-"]')?.id ?? '',
])"""


@dataclass(frozen=True)
class Target:
    """A page showing hostile bodies, and where on it they are."""

    path: str
    user_text: str  # CSS selector of the containers of rendered user text
    allowed_tags: frozenset  # what may be in them: the profile of the sanitizer they went through
    vector: str = ""  # the body the page shows, when it shows one


@dataclass
class Snapshot:
    elements: list


def dom_leaks(page, target, comment_vectors):
    """What the browser's DOM has that the sanitizer should have kept out, by vector."""
    rows = page.evaluate(ELEMENTS, target.user_text)
    by_owner = {}
    for tag, attrs, in_user_text, owner in rows:
        element = Element(tag, tuple(tuple(pair) for pair in attrs), in_user_text)
        by_owner.setdefault(owner, []).append(element)
    leaks = []
    for owner, elements in by_owner.items():
        snapshot = Snapshot(elements)
        found = [
            *(f"<{element.tag}> runs" for element in script_elements(snapshot)),
            *(f"<{tag} {name}>" for tag, name in event_handlers(snapshot)),
            *(f"<{tag} {name}={value!r}>" for tag, name, value in dangerous_urls(snapshot)),
            *(f"<{tag}> in user text" for tag in foreign_elements(snapshot, target.allowed_tags)),
        ]
        vector = comment_vectors.get(owner) or target.vector or target.path
        leaks += [f"{vector}: {leak}" for leak in found]
    return leaks


LEAKY_PAGE = """<!doctype html><title>leaky</title>
<ol><li id="comment-7"><div class="comment__text"><p>fine</p><iframe></iframe>
<img onerror=alert(1)><a href="jav&#x09;ascript:alert(1)">x</a></div></li></ol>
<script>alert(1)</script><script type="application/ld+json">{}</script>"""


def test_dom_check_catches_what_it_looks_for(open_site, browse):
    page = browse(open_site, javascript=False).page
    page.route("**/leaky/", lambda route: route.fulfill(content_type="text/html", body=LEAKY_PAGE))
    page.goto("/leaky/")

    leaks = dom_leaks(page, Target("/leaky/", ".comment__text", COMMENT.tags), {"comment-7": "v"})

    assert sorted(leaks) == [
        "/leaky/: <script> runs",
        "v: <a href='jav\\tascript:alert(1)'>",
        "v: <iframe> in user text",
        "v: <img onerror>",
        "v: <img> in user text",
    ]


@pytest.fixture(scope="module")
def comment_vectors(open_site, chromium):
    """Every body posted as a comment on the Mistral article through the real endpoint;
    returns ({"comment-<id>": vector name}, the poster's cookies, which show the held ones)."""
    vectors = {}
    with recorded_browser(chromium, open_site) as poster:
        token = csrf_token(poster.context.request.get(MISTRAL).text())
        for number, (name, body) in enumerate(COMMENT_BODIES):
            comment = post_comment(
                poster.context,
                token=token,
                author_name=f"Attacker {number}",
                author_email=f"attacker{number}@example.com",
                body=body,
            )
            vectors[f"comment-{comment}"] = name
        cookies = poster.context.cookies()
    return vectors, cookies


def article_form_fields(page):
    """The admin's add-article form as the browser would send it untouched."""
    page.goto(ADD_ARTICLE)
    return dict(page.evaluate("[...new FormData(document.getElementById('article_form'))]"))


def slug_for(number, name):
    return f"hostile-{number:03d}-{name}"


def save_in_the_browser(page, number, name, body):
    """Type the body into a new article in the admin, save it, and check the change page
    shows it back as text."""
    page.goto(ADD_ARTICLE)
    # The slug first: the admin then stops deriving it from the title.
    page.get_by_label("Slug:").fill(slug_for(number, name))
    page.get_by_label("Title:").fill(f"Hostile body {number}: {name}")
    page.get_by_label("Body:").fill(body)
    page.get_by_label("Status:").select_option("published")
    page.get_by_label("Category:").select_option(label="AICloud")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist, .errornote")).to_be_visible()
    if page.locator(".errorlist", has_text=IMAGES_REFUSED).count():
        return False
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_label("Body:")).to_have_value(body.strip())
    return True


def save_over_http(context, fields, number, name, body):
    response = context.request.post(
        ADD_ARTICLE,
        form={
            **fields,
            "title": f"Hostile body {number}: {name}",
            "slug": slug_for(number, name),
            "body": body,
            "status": "published",
        },
        max_redirects=0,
    )
    errors = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.text(), re.S)
    if response.status == 200 and [IMAGES_REFUSED in error for error in errors] == [True]:
        return False
    assert response.status == 302, f"{name}: {response.status} {errors}"
    return True


@pytest.fixture(scope="module")
def article_vectors(open_site, chromium):
    """Every body saved as a published article's body through the admin's article form;
    returns (the articles' Targets, the admin change pages it checked in the browser, the
    vectors refused at save for showing images from other sites)."""
    admin_pages = 0
    targets, refused = [], []
    with recorded_browser(chromium, open_site) as editor:
        page = editor.page
        log_in(page)
        fields = article_form_fields(page)
        category = page.get_by_label("Category:").locator("option", has_text="AICloud")
        fields["category"] = category.get_attribute("value")
        for number, (name, body) in enumerate(HOSTILE_BODIES):
            if (name, body) in THROUGH_THE_BROWSER:
                saved = save_in_the_browser(page, number, name, body)
                admin_pages += 1
            else:
                saved = save_over_http(editor.context, fields, number, name, body)
            if saved:
                path = f"/articles/{slug_for(number, name)}/"
                targets.append(Target(path, ".article__body", ARTICLE.tags, name))
            else:
                refused.append(name)
    return targets, admin_pages, refused


def test_hostile_bodies_run_nothing_in_chromium(
    open_site, browse, comment_vectors, article_vectors, capsys
):
    vectors, poster_cookies = comment_vectors
    article_targets, admin_pages, refused = article_vectors
    # The comments answer no question: the general discussion's pages hold them, ten
    # threads a page, and the poster's held ones show on every page.
    comment_pages = [
        Target(
            f"{MISTRAL}?question=general&page={number}",
            ".comment__text, .notice__text",
            COMMENT.tags,
        )
        for number in range(1, -(-len(vectors) // THREADS_PER_PAGE) + 1)
    ]
    # Lists show articles' summaries and excerpts as plain text.
    lists = [
        Target(path, ".card__summary, .result__excerpt", frozenset())
        for path in ["/", "/search/?q=alert"]
    ]
    targets = [*comment_pages, *lists, *article_targets]
    leaks, recorded, external_images = [], [], set()

    for bypass_csp in (True, False):
        reader = browse(open_site, bypass_csp=bypass_csp)
        reader.context.add_cookies(poster_cookies)
        page = reader.page
        shown = set()
        for target in comment_pages:
            assert page.goto(target.path).status == 200
            shown.update(
                page.evaluate(
                    """(ids) => ids.filter((id) => document.querySelector(
                         `#${id} .comment__text, #${id}.notice .notice__text`))""",
                    list(vectors),
                )
            )
        assert sorted(shown) == sorted(vectors), "every hostile comment is on a page"
        held = page.locator(".notice").count()
        for target in targets:
            assert page.goto(target.path).status == 200
            if bypass_csp:  # the same DOM either way, unless a script ran and changed it
                leaks += dom_leaks(page, target, vectors if target in comment_pages else {})
        settle(page)
        external_images |= accept_external_images(reader.log)
        recorded += reader.log.problems + [
            f"request to {url}" for _, url in reader.log.foreign_requests
        ]

    def count(prefix):
        return sum(problem.startswith(prefix) for problem in recorded)

    with capsys.disabled():
        print(
            f"\nhostile corpus in Chromium: {len(HOSTILE_BODIES)} vectors, as {len(vectors)} "
            f"comments on {len(comment_pages)} pages ({held} held, shown in their poster's "
            f"notice) and as article bodies ({len(THROUGH_THE_BROWSER)} typed into the "
            f"admin's form, the others sent through it over HTTP): {len(article_targets)} "
            f"saved, {len(refused)} refused for showing images from other sites "
            f"({', '.join(refused)}); {len(targets)} pages checked twice, with CSP bypassed "
            "and enforced, "
            f"and {admin_pages} admin change pages. Found: {count('dialog')} dialogs, "
            f"{count('script ran')} scripts run, {count('CSP violation')} CSP violations, "
            f"{len(recorded)} browser problems in all, {len(leaks)} DOM leaks "
            f"(external images stopped as designed: {len(external_images)})"
        )
    assert leaks == []
    assert recorded == []
    # The form refuses only bodies that show an image from another site.
    refused_bodies = [body for name, body in HOSTILE_BODIES if name in refused]
    assert all(re.search(r"<img|!\[", body, re.I) for body in refused_bodies)


def accept_external_images(log):
    """Article bodies may show images from other hosts (the ARTICLE profile allows them; a
    comment with one would be a DOM leak). The browser's route, or else the CSP, stops them
    before the network: take them, and what the browser said about them, out of the log."""
    images = {url for kind, url in log.foreign_requests if kind == "image"}
    assert {url_scheme(url) for url in images} <= {"http", "https"}
    log.foreign_requests[:] = [(kind, url) for kind, url in log.foreign_requests if kind != "image"]
    log.problems[:] = [
        problem for problem in log.problems if not any(map(problem.__contains__, images))
    ]
    return images
