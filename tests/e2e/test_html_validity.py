"""Valid HTML: the Nu Html Checker (vnu.jar, the W3C's checker, from npm's vnu-jar, run with
Java) finds no error on any kind of page, as the site serves it with realistic content.

The pages are fetched with a browser's cookies (a reader's, an editor's), saved as files in
test-artifacts/html/ (kept for reading when the test fails), and checked in one run of the
checker (one JVM start for all of them).
"""

import json
import re
import shutil
import subprocess

import pytest
from django.conf import settings

from tests.e2e.conftest import ARTIFACTS, MISTRAL, csrf_token, log_in, recorded_browser

pytestmark = pytest.mark.e2e

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ADD_ARTICLE = "/admin/articles/article/add/"
# More than a page of the front page's ten.
EXTRA_ARTICLES = 11
# Checked with the pages: the checker must report its one error, or it checked nothing.
CANARY = (
    "canary",
    '<!doctype html><html lang="en"><title>canary</title>'
    '<time datetime="2026-06-02T08:00:00.123456Z">2 June</time></html>',
    "A fraction of a second must be one, two, or three digits.",
)


def form_fields(page, path):
    """The admin form at `path` as the browser would send it untouched (inline rows and their
    management form included)."""
    page.goto(path)
    return dict(page.evaluate("[...new FormData(document.querySelector('#content-main form'))]"))


def save_article(context, path, fields):
    """Send an admin article form; it must save (302)."""
    response = context.request.post(path, form=fields, max_redirects=0)
    errors = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.text(), re.S)
    assert response.status == 302, f"{path}: {response.status} {errors}"
    return response


@pytest.fixture(scope="module")
def newsroom(discussed_site, chromium):
    """The discussed site with a newsroom's week: more articles than one page holds, one just
    published with "publish now" (its time to the microsecond), the Mistral article revised
    after it appeared, and a draft; returns the draft's slug."""
    with recorded_browser(chromium, discussed_site) as editor:
        log_in(editor.page)
        blank = form_fields(editor.page, ADD_ARTICLE)
        category = editor.page.get_by_label("Category:").locator("option", has_text="AICloud")
        for number in range(EXTRA_ARTICLES + 1):
            save_article(
                editor.context,
                ADD_ARTICLE,
                {
                    **blank,
                    "title": f"Newsroom piece {number}",
                    "slug": f"newsroom-{number}",
                    "summary": f"What happened, part {number}.",
                    "body": f"Part {number}.\n\n## Details\n\n- one\n- two\n\n[More](/about/)",
                    "category": category.get_attribute("value"),
                    "tags": "MistralAI, Newsroom",
                    # Empty: "publish now" (the last one stays a draft).
                    "status": "published" if number < EXTRA_ARTICLES else "draft",
                    "published_at_0": "",
                    "published_at_1": "",
                },
            )
        editor.page.goto("/admin/articles/article/")
        editor.page.get_by_role("link", name=re.compile("^Europe's")).click()
        change = editor.page.url.removeprefix(discussed_site.url)
        fields = form_fields(editor.page, change)
        fields["body"] += "\n\nUpdate: the valuation was confirmed."
        save_article(editor.context, change, fields)
    return f"newsroom-{EXTRA_ARTICLES}"


def fetch(context, path, status=200, **options):
    response = context.request.get(path, **options)
    assert response.status == status, f"{path}: {response.status}"
    return response.text()


def served_pages(site, chromium, draft):
    """{name: HTML as served} for every kind of page, with realistic content."""
    pages = {}
    with recorded_browser(chromium, site) as reader:
        article = fetch(reader.context, MISTRAL)
        comments = re.findall(r'<li class="comment" id="comment-(\d+)"', article)
        question = re.search(r"\?question=(\d+)", article)[1]
        assert 'class="comment__removed"' in article and '<ol class="thread">' in article
        assert "Updated <time" in article, "the revision shows"
        pages |= {
            "front": fetch(reader.context, "/"),
            "front-page-2": fetch(reader.context, "/?page=2"),
            "article-with-discussion": article,
            "article-reply-form": fetch(reader.context, f"{MISTRAL}?reply_to={comments[0]}"),
            "article-answer-form": fetch(reader.context, f"{MISTRAL}?question={question}"),
            "article-section-page": fetch(reader.context, f"{MISTRAL}?question={question}&page=1"),
            "article-thread-page": fetch(reader.context, f"{MISTRAL}?thread={comments[0]}"),
            "tag": fetch(reader.context, "/tags/mistralai/"),
            "category": fetch(reader.context, "/category/aicloud/"),
            "archive-year": fetch(reader.context, "/archive/2026/"),
            "archive-month": fetch(reader.context, "/archive/2026/06/"),
            "search-results": fetch(reader.context, "/search/?q=mistral"),
            "search-no-results": fetch(reader.context, "/search/?q=zyxwvut"),
            "search-form": fetch(reader.context, "/search/"),
            "moderation-log": fetch(reader.context, "/moderation/"),
            "guidelines": fetch(reader.context, "/guidelines/"),
            "report-form": fetch(reader.context, f"/comments/{comments[0]}/report/"),
            "not-found": fetch(reader.context, "/no-such-page/", status=404),
        }
        # A rejected comment: the article again, with the errors and what was typed.
        rejected = reader.context.request.post(
            f"{MISTRAL}comments/",
            form={
                "csrfmiddlewaretoken": csrf_token(article),
                "author_name": "Ada",
                "author_email": "not an email",
                "body": "",
                "question": "",
                "parent": "",
                "homepage": "",
            },
            max_redirects=0,
        )
        assert rejected.status == 400
        pages["article-rejected-comment"] = rejected.text()
        newest = fetch(reader.context, "/")
        just_published = re.search(r'href="(/articles/newsroom-\d+/)"', newest)[1]
        pages["article-just-published"] = fetch(reader.context, just_published)

    with recorded_browser(chromium, site) as editor:
        pages["desk-login"] = fetch(editor.context, "/admin/login/")
        log_in(editor.page)
        pages["desk-preview-of-draft"] = fetch(editor.context, f"/articles/{draft}/preview/")
        pages["desk-index"] = fetch(editor.context, "/admin/")
        pages["desk-articles"] = fetch(editor.context, "/admin/articles/article/")
        pages["desk-guidelines"] = fetch(editor.context, "/admin/comments/communityguidelines/")
        editor.page.goto("/admin/articles/article/")
        editor.page.get_by_role("link", name=re.compile("^Europe's")).click()
        pages["desk-article-change"] = fetch(editor.context, editor.page.url)
        queue = "/admin/comments/comment/?status=all"
        pages["desk-comment-queue"] = fetch(editor.context, queue)
        pages["desk-comment-change"] = fetch(
            editor.context, f"/admin/comments/comment/{comments[0]}/change/"
        )
        # The removal's confirmation, a template of ours.
        confirmation = editor.context.request.post(
            queue,
            form={
                "csrfmiddlewaretoken": csrf_token(pages["desk-comment-queue"]),
                "action": "remove",
                "index": "0",
                "select_across": "0",
                "_selected_action": comments[1],
            },
            max_redirects=0,
        )
        assert confirmation.status == 200
        pages["desk-remove-confirmation"] = confirmation.text()
    return pages


def nu_errors(folder):
    """The Nu Html Checker's errors on every file in `folder`: [(file name, line, message,
    extract)]."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: `make e2e` installs Debian's default-jre-headless")
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: `make e2e` installs it (npm ci)")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", "--stdout", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    messages = json.loads(result.stdout)["messages"]
    return [
        (
            message.get("url", "").rsplit("/", 1)[-1].removesuffix(".html"),
            message.get("lastLine"),
            message["message"],
            message.get("extract", "").strip(),
        )
        for message in messages
        if message["type"] != "info"
    ]


def test_every_page_kind_is_valid_html(newsroom, discussed_site, chromium, capsys):
    pages = served_pages(discussed_site, chromium, newsroom)
    folder = ARTIFACTS / "html"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    canary, canary_html, canary_error = CANARY
    for name, html in [*pages.items(), (canary, canary_html)]:
        (folder / f"{name}.html").write_text(html)

    errors = nu_errors(folder)

    canaries = [error for error in errors if error[0] == canary]
    errors = [error for error in errors if error[0] != canary]
    with capsys.disabled():
        print(f"\nNu Html Checker: {len(pages)} pages, {len(errors)} errors")
    assert [message.endswith(canary_error) for _page, _line, message, _extract in canaries] == [
        True
    ], f"the checker missed the canary's error: {canaries}"
    assert len(pages) == 29
    assert errors == [], "\n".join(
        f"{page}.html:{line}: {message} [{extract}]" for page, line, message, extract in errors
    )
