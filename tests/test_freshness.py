"""Freshness: every change readers can see renews the versions its pages are cached under
(freshness.versions.renew), and pages are shared or per-reader by one rule (freshness.pages).

A reader sees a version through the page's ETag: the same reader gets the same ETag exactly
while the page's cache key is the same.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from taggit.models import Tag

from articles.models import Article
from comments import editing
from comments.curation import pick, unpick
from comments.models import Comment, ModerationEvent
from comments.moderation import moderate
from comments.posting import post_comment
from freshness.pages import Audience, audience
from mistralnews.article_page import READER_COOKIES
from tests.conftest import comment_form_data, comments_url

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
Action = ModerationEvent.Action


def etag(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


def cache_control(response):
    return {directive.strip() for directive in response["Cache-Control"].split(",")}


PRIVATE = {"private", "no-cache"}


def fresh_html(url):
    """The page as a new reader gets it, rendered afresh."""
    with override_cache_off():
        return TOKEN.sub("", Client().get(url).content.decode())


class override_cache_off:
    def __enter__(self):
        self.timeout = settings.PAGE_CACHE_TIMEOUT
        settings.PAGE_CACHE_TIMEOUT = 0

    def __exit__(self, *exc):
        settings.PAGE_CACHE_TIMEOUT = self.timeout


def held(article):
    return Comment(
        article=article, author_name="Newcomer", author_email="new@example.com", body="Held."
    )


def posted(article, **fields):
    comment = Comment(
        article=article, author_name="Poster", author_email="poster@example.com", **fields
    )
    return post_comment(comment)


# Every change to an article's page the project can make: (name, change(article, helpers)).
PUBLIC_CHANGES = {
    "article edited": lambda a, h: _edit(a, title="A new headline"),
    "article unpublished and published again": lambda a, h: (
        Article.objects.filter(pk=a.pk).unpublish(),
        Article.objects.filter(pk=a.pk).publish_now(),
    ),
    "comment posted and published": lambda a, h: posted(a, body="Published at once."),
    "comment approved": lambda a, h: moderate(h["pending"], Action.APPROVE, h["editor"]),
    "comment removed": lambda a, h: moderate(h["visible"], Action.REMOVE, h["editor"], "Rude"),
    "comment marked as spam": lambda a, h: moderate(h["visible"], Action.SPAM, h["editor"]),
    "comment edited by its author": lambda a, h: editing.edit(
        h["visible"].get(), "Edited since.", verified_here=True
    ),
    "comment withdrawn by its author": lambda a, h: editing.withdraw(h["visible"].get()),
    "approval undone": lambda a, h: moderate(h["visible"], Action.REOPEN, h["editor"]),
    "comment picked": lambda a, h: pick(h["visible"], h["editor"]),
    "editors' pick withdrawn": lambda a, h: unpick(h["picked"], h["editor"]),
    "question edited": lambda a, h: _edit(h["question"], text="Is sovereignty worth it?"),
    "question added": lambda a, h: a.questions.create(text="A third question?", position=3),
    "question deleted": lambda a, h: h["question"].delete(),
    "tag added": lambda a, h: a.tags.add("OpenWeights"),
    "tag removed": lambda a, h: a.tags.remove("MistralAI"),
    "tag renamed": lambda a, h: _edit(Tag.objects.get(name="MistralAI"), name="Mistral"),
    "category renamed": lambda a, h: _edit(a.category, name="AI and the cloud"),
    "correction published": lambda a, h: a.corrections.create(text="It was 2023, not 2022."),
    "correction edited": lambda a, h: _edit(h["correction"], text="It was March, not May."),
    "correction deleted": lambda a, h: h["correction"].delete(),
}


def _edit(row, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()


@pytest.fixture
def helpers(mistral, make_comment, editor, settings):
    settings.COMMENTS_MODERATION = "open"
    settings.COMMENTS_RATE_LIMIT = "off"
    picked = Comment.objects.filter(pk=make_comment(mistral, body="Picked.").pk)
    pick(picked, editor)
    return {
        "editor": editor,
        "question": mistral.questions.first(),
        "correction": mistral.corrections.create(text="A first correction."),
        "pending": Comment.objects.filter(
            pk=make_comment(mistral, status=Comment.Status.PENDING, body="Waiting.").pk
        ),
        "visible": Comment.objects.filter(pk=make_comment(mistral, body="Shown for now.").pk),
        "picked": picked,
    }


@pytest.mark.parametrize("change", list(PUBLIC_CHANGES), ids=list(PUBLIC_CHANGES))
def test_every_public_change_renews_the_article_page(client, mistral, helpers, change):
    url = mistral.get_absolute_url()
    before_tag, before_html = etag(client, url), fresh_html(url)

    with transaction.atomic():
        PUBLIC_CHANGES[change](mistral, helpers)

    mistral.refresh_from_db()
    after_html = fresh_html(mistral.get_absolute_url())
    assert after_html != before_html, "the change shows on the page"
    assert etag(client, mistral.get_absolute_url()) != before_tag, "and renews its version"
    assert TOKEN.sub("", client.get(url).content.decode()) == after_html, "nothing stale is served"


def test_a_comment_held_for_moderation_renews_nothing(client, mistral, settings):
    settings.COMMENTS_RATE_LIMIT = "off"
    url = mistral.get_absolute_url()
    before = etag(client, url)

    post_comment(held(mistral))

    assert etag(client, url) == before


def test_a_comment_renews_its_article_not_the_other_articles_in_a_list(
    client, make_article, make_comment, django_assert_num_queries
):
    articles = [make_article() for _ in range(3)]
    home = etag(client, "/")
    others = [etag(client, article.get_absolute_url()) for article in articles[1:]]

    make_comment(articles[0], body="A comment on the first.")

    assert etag(client, "/") != home, "the list shows the first article's comment count"
    assert [etag(client, article.get_absolute_url()) for article in articles[1:]] == others
    assert "1 comment</a>" in client.get("/").content.decode()
    with django_assert_num_queries(1):  # the listed articles and their versions
        client.get("/")


def test_a_comment_leaves_other_list_pages_cached(client, make_article, make_comment):
    tagged = make_article(tags=["Europe"])
    untagged = make_article(tags=["Other"])
    tag_page = etag(client, "/tags/europe/")

    make_comment(untagged)

    assert etag(client, "/tags/europe/") == tag_page
    make_comment(tagged)
    assert etag(client, "/tags/europe/") != tag_page


def test_an_article_leaving_a_later_page_renews_the_first(client, make_article):
    articles = [make_article() for _ in range(11)]  # newest first: the last is on page 2
    assert "Page 1 of 2" in client.get("/").content.decode()

    Article.objects.filter(pk=articles[-1].pk).unpublish()

    assert "Page 1 of 2" not in client.get("/").content.decode()


# The rule for shared and per-reader pages


def test_reply_forms_are_per_reader_pages(client, mistral, make_comment):
    comment = make_comment(mistral)
    client.get(mistral.get_absolute_url())  # the shared copy is cached

    response = client.get(mistral.get_absolute_url(), {"reply_to": comment.pk})

    assert cache_control(response) == PRIVATE
    assert "ETag" not in response
    assert "Replying to" in response.content.decode()


def test_a_reader_with_comments_awaiting_moderation_gets_a_page_of_their_own(client, mistral):
    client.post(comments_url(mistral), comment_form_data(body="Mine, for now."))

    response = client.get(mistral.get_absolute_url())

    assert cache_control(response) == PRIVATE
    assert "Mine, for now." in response.content.decode()


def test_a_logged_in_editor_gets_pages_of_their_own(
    editor_client, mistral, django_assert_num_queries
):
    shared = Client().get("/")
    assert cache_control(shared) == {"no-cache"}

    response = editor_client.get("/")

    assert cache_control(response) == PRIVATE
    assert "ETag" not in response
    assert cache_control(editor_client.get(mistral.get_absolute_url())) == PRIVATE


def test_cookies_the_site_does_not_set_keep_pages_shared(mistral, django_assert_num_queries):
    reader = Client()
    reader.cookies["_ga"] = "GA1.2.3"
    reader.get(mistral.get_absolute_url())

    with django_assert_num_queries(1):  # served from the cache
        response = reader.get(mistral.get_absolute_url())

    assert cache_control(response) == PRIVATE  # it holds the reader's CSRF token
    assert "ETag" in response


def test_a_question_link_is_a_shared_page_of_its_own(client, mistral, django_assert_num_queries):
    question = mistral.questions.last()
    url = f"{mistral.get_absolute_url()}?question={question.pk}"
    client.get(url)

    with django_assert_num_queries(2):  # the article, its questions (to check the one named)
        answering = client.get(url).content.decode()
    plain = client.get(mistral.get_absolute_url()).content.decode()

    assert f'<option value="{question.pk}" selected>' in answering
    assert f'<option value="{question.pk}" selected>' not in plain
    junk = client.get(mistral.get_absolute_url(), {"question": "99999"}).content.decode()
    assert TOKEN.sub("", junk) == TOKEN.sub("", plain), "an unknown question gets the plain copy"


ARTICLE = READER_COOKIES  # the cookies the article page reads


@pytest.mark.parametrize(
    ("query", "cookies", "reads", "expected"),
    [
        ({}, {}, (), Audience.SHARED),
        ({"page": "2", "utm_source": "feed"}, {"csrftoken": "x", "_ga": "y"}, (), Audience.SHARED),
        ({"question": "3", "thread": "4"}, {"csrftoken": "x"}, ARTICLE, Audience.SHARED),
        ({"reply_to": "3"}, {}, ARTICLE, Audience.PER_READER),
        ({}, {"pending_comments": "x"}, ARTICLE, Audience.PER_READER),
        ({}, {"commenter": "x"}, ARTICLE, Audience.PER_READER),
        ({}, {"pending_comments": "x", "commenter": "y"}, (), Audience.SHARED),  # a list
        ({}, {settings.SESSION_COOKIE_NAME: "x"}, (), Audience.PER_READER),
    ],
)
def test_one_rule_says_which_pages_are_shared(rf, query, cookies, reads, expected):
    request = rf.get("/", query)
    request.COOKIES.update(cookies)

    assert audience(request, reads=frozenset(reads)) is expected


def test_text_in_a_comment_never_becomes_a_readers_csrf_token(mistral, open_comments):
    lookalikes = "csrf-token-filled-in-for-each-reader csrfmiddlewaretoken NOTPROVIDED"
    posted(mistral, body=f"Sneaky: {lookalikes}")
    reader = Client()
    reader.get(mistral.get_absolute_url())  # cached with one reader's token

    html = reader.get(mistral.get_absolute_url()).content.decode()
    token = TOKEN.search(html)[1]

    assert f"Sneaky: {lookalikes}" in html
    forms = html.count(f'name="csrfmiddlewaretoken" value="{token}"')
    assert forms == 3, "the comment form's, the follow form's and the recommend form's"
    assert html.count(token) == forms, "the token is in the forms and nowhere else"


# A new writer that forgets the versions fails here


# Functions that write with a queryset method that fires no signal but renew nothing
# themselves, and why that is right.
RENEWS_NOTHING = {
    "freshness/versions.py:renew": "it is the function that renews",
    "clients/limits.py:_take_in_database": "rate-limit counters are on no page",
    "comments/cards.py:render_all_cards": "renews its articles by update (migrations' models)",
    "comments/retention.py:erase_expired": "erases IP hashes and addresses, never on a page",
    "articles/search_index.py:_store_vectors": "search pages are not cached; writers renew",
    "notices/queueing.py:owe_replies": "notices owed are on no page",
    "notices/queueing.py:owe_follows": "notices owed are on no page",
    "notices/sending.py:send_replies": "notices sent are on no page",
    "notices/sending.py:send_follow_digest": "notices sent are on no page",
    "notices/stopping.py:unsubscribe": "a comment's notice opt-ins are never on a page",
    "notices/stopping.py:forget": "addresses are never on a page; withdrawing announces",
    "notices/sending.py:send_report_decisions": "reports are never on a page",
    "comments/moderation.py:reopen_reports": "reports are never on a page",
}
QUERYSET_WRITES = {"update", "bulk_update", "bulk_create"}
RENEWERS = {"renew", "announce"}
PROJECT = Path(settings.BASE_DIR)
# newsroom is left out: it writes a whole data set in bulk in one transaction, and renews
# every version at its end (newsroom/generate.py).
APPS = [
    "articles",
    "comments",
    "desk",
    "freshness",
    "clients",
    "mistralnews",
    "snapshots",
    "notices",
]


def _called_names(function):
    return {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
    }


def _writes_a_queryset(call):
    """`X.objects.….update(…)`, `queryset.update(…)`: not a dict's or a set's update."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in QUERYSET_WRITES):
        return False
    receiver = ast.unparse(call.func.value)
    return ".objects" in receiver or receiver in {"queryset", "self", "comments", "articles"}


def test_every_queryset_write_renews_versions_or_says_why_not():
    forgetful = []
    for app in APPS:
        for path in sorted((PROJECT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef):
                    continue
                writes = [
                    node
                    for node in ast.walk(function)
                    if isinstance(node, ast.Call) and _writes_a_queryset(node)
                ]
                name = f"{path.relative_to(PROJECT)}:{function.name}"
                if (
                    writes
                    and not (RENEWERS & _called_names(function))
                    and (name not in RENEWS_NOTHING)
                ):
                    forgetful.append(name)
    assert forgetful == [], "call freshness.versions.renew (or comments.lifecycle.announce)"
