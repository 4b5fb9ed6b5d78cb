"""Cached pages: cheap to serve, and never out of date.

Pages are kept under the versions of what they show, which every change readers could see renews
(freshness/); these tests change each kind of thing and look at the very next page.
"""

import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag

from articles.models import Article, Category
from comments.discussion import THREADS_PER_PAGE
from comments.models import Comment
from comments.moderation import moderate
from tests import servers
from tests.conftest import MISTRAL_SLUG, comment_form_data, comments_url

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# What a cached page costs


@pytest.mark.parametrize("comments", [0, 200, 2000])
def test_cached_article_page_costs_one_query_for_any_number_of_comments(
    client, mistral, make_comment, django_assert_num_queries, comments
):
    for number in range(comments):
        make_comment(mistral, question=mistral.question_list[number % 2] if number % 3 else None)
    # The article, its category, tags, questions, the threads (with their sections' sizes), their
    # replies (when there are threads), the newest comments (metadata).
    with django_assert_num_queries(7 if comments else 6):
        first = page(client, mistral.get_absolute_url())
    with django_assert_num_queries(1):  # the article, with its version
        second = page(client, mistral.get_absolute_url())

    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    # Each section's first threads: all of them up to a page's worth.
    assert second.count('<li class="comment"') == min(comments, 3 * THREADS_PER_PAGE)


def test_cached_list_pages_cost_one_query(client, make_article, django_assert_num_queries):
    now = timezone.now()
    for number in range(12):
        make_article(tags=["One"], published_at=now - timedelta(hours=number))
    archives = [f"/archive/{now:%Y}/", f"/archive/{now:%Y/%m}/"]
    for url in ["/", "/?page=2", "/tags/one/", "/category/aicloud/", *archives]:
        first = page(client, url)
        with django_assert_num_queries(1):  # the listed articles' versions
            assert page(client, url) == first


def test_cached_archive_pages_show_a_comment_at_once(client, make_article, make_comment):
    article = make_article(published_at=timezone.now() - timedelta(minutes=5))
    year, month = f"/archive/{article.published_at:%Y}/", f"/archive/{article.published_at:%Y/%m}/"
    assert "0 comments" in page(client, year) and "0 comments" in page(client, month)

    make_comment(article)

    assert "1 comment<" in page(client, year)
    assert "1 comment</a>" in page(client, month)


# Every reader gets their own CSRF token, never another's


def test_each_reader_gets_a_csrf_token_for_their_own_cookie(mistral, settings):
    settings.COMMENTS_MODERATION = "open"
    settings.COMMENTS_RATE_LIMIT = "off"
    readers = [Client(enforce_csrf_checks=True) for _ in range(3)]
    tokens = [TOKEN.search(page(reader, mistral.get_absolute_url()))[1] for reader in readers]

    assert len(set(tokens)) == 3
    assert "csrf-token-filled-in" not in page(readers[0], mistral.get_absolute_url())
    for number, (reader, token) in enumerate(zip(readers, tokens, strict=True)):
        data = comment_form_data(body=f"Reader {number}.", csrfmiddlewaretoken=token)
        assert reader.post(comments_url(mistral), data).status_code == 303
    stranger = Client(enforce_csrf_checks=True)
    data = comment_form_data(body="With someone else's token.", csrfmiddlewaretoken=tokens[0])
    assert stranger.post(comments_url(mistral), data).status_code == 403


# Nothing is stale: each change shows on the next view


@pytest.fixture
def cached(client, mistral):
    """The Mistral article's page and the home page, both cached."""
    page(client, mistral.get_absolute_url())
    page(client, "/")
    return mistral


def test_edited_article_shows_at_once(client, cached):
    cached.title = "A new headline"
    cached.save()

    assert "A new headline" in page(client, cached.get_absolute_url())
    assert "A new headline" in page(client, "/")


def test_new_comment_shows_at_once(client, cached, make_comment):
    make_comment(cached, body="Just posted.")

    assert "Just posted." in page(client, cached.get_absolute_url())
    assert "1 comment</a>" in page(client, "/")


def test_posted_comment_shows_at_once(client, cached, open_comments):
    client.post(comments_url(cached), comment_form_data(body="Posted through the form."))

    assert "Posted through the form." in page(client, cached.get_absolute_url())


def test_approval_and_removal_show_at_once(client, cached, make_comment, editor):
    held = make_comment(cached, status=Comment.Status.PENDING, body="Waiting for an editor.")
    page(client, cached.get_absolute_url())

    moderate(Comment.objects.filter(pk=held.pk), "approve", editor)
    assert "Waiting for an editor." in page(client, cached.get_absolute_url())

    moderate(Comment.objects.filter(pk=held.pk), "remove", editor, reason="Off topic")
    html = page(client, cached.get_absolute_url())
    assert "Waiting for an editor." not in html
    assert "Comment removed by the moderators (Off topic)" in html
    assert "0 comments</a>" in page(client, "/")


def test_tag_changes_show_at_once(client, cached):
    cached.tags.add("OpenWeights")
    assert 'href="/tags/openweights/"' in page(client, cached.get_absolute_url())

    cached.tags.remove("AIStrategy")
    assert 'href="/tags/aistrategy/"' not in page(client, cached.get_absolute_url())

    tag = Tag.objects.get(name="MistralAI")
    tag.name = "Mistral"
    tag.save()
    assert "#Mistral<" in page(client, cached.get_absolute_url())
    assert "#Mistral<" in page(client, "/")


def test_question_changes_show_at_once(client, cached):
    question = cached.questions.first()
    question.text = "Is sovereignty worth its price?"
    question.save()
    assert "Is sovereignty worth its price?" in page(client, cached.get_absolute_url())

    cached.questions.create(text="What should Mistral build next?", position=3)
    assert "What should Mistral build next?" in page(client, cached.get_absolute_url())


def test_category_rename_shows_at_once(client, cached):
    category = Category.objects.get(slug="aicloud")
    category.name = "AI and the cloud"
    category.save()

    assert "AI and the cloud" in page(client, cached.get_absolute_url())
    assert "AI and the cloud" in page(client, "/")


def test_unpublished_and_deleted_articles_leave_at_once(client, cached, make_article):
    other = make_article(title="Another story")
    assert "Another story" in page(client, "/")

    Article.objects.filter(pk=cached.pk).unpublish()
    assert client.get(cached.get_absolute_url()).status_code == 404
    assert escape(cached.title) not in page(client, "/")

    other.delete()
    assert "Another story" not in page(client, "/")

    Article.objects.filter(pk=cached.pk).publish_now()
    assert escape(cached.title) in page(client, "/")


def test_scheduled_article_appears_in_cached_lists_at_its_time(client, make_article, monkeypatch):
    scheduled = make_article(
        title="Scheduled story", published_at=timezone.now() + timedelta(hours=1)
    )
    assert "Scheduled story" not in page(client, "/")

    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "Scheduled story" in page(client, "/")
    assert "Scheduled story" in page(client, scheduled.get_absolute_url())


# What belongs to one reader is never cached or shared


def test_held_notice_is_for_its_author_only(client, mistral, settings):
    settings.COMMENTS_RATE_LIMIT = "off"
    stranger = Client()
    page(stranger, mistral.get_absolute_url())  # cached before
    client.post(comments_url(mistral), comment_form_data(body="My first comment."))

    assert "Your comment is awaiting moderation." in page(client, mistral.get_absolute_url())
    assert "My first comment." not in page(stranger, mistral.get_absolute_url())
    assert "awaiting moderation" not in page(Client(), mistral.get_absolute_url())


def test_reply_and_answer_links_get_their_own_form(client, cached, make_comment):
    comment = make_comment(cached, author_name="Jonas Weber")
    question = cached.questions.last()

    replying = page(client, f"{cached.get_absolute_url()}?reply_to={comment.pk}")
    answering = page(client, f"{cached.get_absolute_url()}?question={question.pk}")
    plain = page(client, cached.get_absolute_url())

    assert "Replying to" in replying and "Jonas Weber" in replying
    assert f'<option value="{question.pk}" selected>' in answering
    assert "Replying to" not in plain
    assert f'<option value="{question.pk}" selected>' not in plain


# Conditional GET


def test_article_page_answers_304_until_it_changes(client, mistral, make_comment):
    first = client.get(mistral.get_absolute_url())
    etag = first["ETag"]
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]

    assert client.get(mistral.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304

    make_comment(mistral)
    changed = client.get(mistral.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_another_readers_etag_gets_the_page(client, mistral):
    etag = client.get(mistral.get_absolute_url())["ETag"]
    other = Client()
    page(other, mistral.get_absolute_url())

    response = other.get(mistral.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200  # their copy holds their CSRF token, not ours


def test_list_pages_answer_304_until_something_changes(client, mistral, make_article):
    etag = client.get("/")["ETag"]

    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    make_article()
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


# The same on Redis, and across server processes


@pytest.mark.redis
def test_redis_cache_is_never_stale(client, mistral, make_comment, redis_cache):
    page(client, mistral.get_absolute_url())
    assert redis.Redis.from_url(redis_cache).keys("*page:*"), "the page is cached in Redis"

    make_comment(mistral, body="Shown from Redis.")

    assert "Shown from Redis." in page(client, mistral.get_absolute_url())


def test_every_server_process_shows_a_change_at_once(tmp_path):
    """Two gunicorn workers: after a comment is posted through one, neither serves a copy of
    the page without it. Gunicorn's access log shows that both workers answered, before the
    change and after. (Each worker once had a memory cache of its own; the versions in the
    database keep any number of caches fresh, as test_scaleout shows with two machines.)"""
    with servers.fresh_database(tmp_path) as database:
        env = servers.production_env(
            DJANGO_SECRET_KEY="tests-only-not-a-secret",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SITE_URL="http://127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DATABASE_URL=database,
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DJANGO_CACHE_DIR=str(tmp_path / "cache"),
            COMMENTS_MODERATION="open",
            COMMENTS_RATE_LIMIT="off",
        )
        servers.manage("collectstatic", "--no-input", env=env)
        servers.manage("migrate", "--no-input", env=env)
        servers.manage("seed", env=env)
        with servers.Gunicorn(
            env, tmp_path / "gunicorn.log", workers=WORKERS, access_log=tmp_path / "access.log"
        ) as server:
            article_url = f"{server.url}/articles/{MISTRAL_SLUG}/"
            from_every_worker(server, article_url)  # each worker has the page in its cache

            html, cookie = fetch(article_url)
            token = TOKEN.search(html)[1]
            data = comment_form_data(body="Seen by every worker.", csrfmiddlewaretoken=token)
            request = urllib.request.Request(
                article_url + "comments/",
                urllib.parse.urlencode(data).encode(),
                {"Cookie": f"csrftoken={cookie}"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.url.startswith(article_url)  # followed the redirect
            server.answered(3)  # the form, the post and the redirect

            pages = from_every_worker(server, article_url)
            assert all("Seen by every worker." in html for html in pages)


def test_the_workers_of_one_machine_share_the_file_cache(tmp_path):
    """Without Redis, pages are cached in files every worker reads: the page one worker
    stored is the one the other serves, and neither stores it again."""
    cache = tmp_path / "cache"
    with servers.fresh_database(tmp_path) as database:
        env = servers.production_env(
            DJANGO_SECRET_KEY="tests-only-not-a-secret",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SITE_URL="http://127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DATABASE_URL=database,
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DJANGO_CACHE_DIR=str(cache),
        )
        servers.manage("collectstatic", "--no-input", env=env)
        servers.manage("migrate", "--no-input", env=env)
        servers.manage("seed", env=env)
        with servers.Gunicorn(
            env, tmp_path / "gunicorn.log", workers=WORKERS, access_log=tmp_path / "access.log"
        ) as server:
            article_url = f"{server.url}/articles/{MISTRAL_SLUG}/"
            before = cached_files(cache)
            fetch(article_url)
            server.answered(1)
            stored = cached_files(cache)
            assert len(stored) > len(before)  # the article page and its fragments

            from_every_worker(server, article_url)

            assert cached_files(cache) == stored, "the other worker stored nothing"


def cached_files(folder):
    """Each cache file with what changes when it is written again: its inode and time."""
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.glob("*.djcache")
    }


def test_a_crawl_leaves_the_hot_page_cached(client, make_article, settings, tmp_path):
    """A crawl of distinct pages fills the cache with files, outside the server's memory (an
    article page is four: the page and the fragments per-reader copies reuse), and the page
    readers keep asking for stays cached while the cache holds them all: the default holds
    20,000 entries, two and a half times a crawl of 2,000 article pages. (Full, it deletes a
    third of its files at random: a page deleted is made again at its next request.)"""
    folder = tmp_path / "cache"
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": str(folder),
            "OPTIONS": {"MAX_ENTRIES": 250, "CULL_FREQUENCY": 3},
        }
    }
    hot, *others = [make_article() for _ in range(51)]
    client.get(hot.get_absolute_url())
    per_page = len(list(folder.glob("*.djcache")))

    for article in others:
        assert client.get(article.get_absolute_url()).status_code == 200

    assert len(list(folder.glob("*.djcache"))) == 51 * per_page <= 250
    with CaptureQueriesContext(connection) as queries:
        assert client.get(hot.get_absolute_url()).status_code == 200
    assert len(queries) == 1  # its version: the page itself came from the cache


WORKERS = 2
AT_ONCE = 8


def from_every_worker(server, url):
    """`url` fetched AT_ONCE times at once, again until every worker has answered it (at most
    20 times): the pages served."""
    pages, workers = [], set()
    request = f"GET {urllib.parse.urlsplit(url).path} HTTP/1.1"
    for _ in range(20):
        with ThreadPoolExecutor(AT_ONCE) as pool:
            pages += [html for html, _ in pool.map(fetch, [url] * AT_ONCE)]
        answers = server.answered(AT_ONCE)
        assert {(status, line) for _, status, line in answers} == {(200, request)}
        workers |= {pid for pid, _, _ in answers}
        if len(workers) == WORKERS:
            return pages
    pytest.fail(f"only worker {workers} answered {len(pages)} requests, {AT_ONCE} at once")


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", ""))
        return response.read().decode(), cookie and cookie[1]


def test_query_strings_a_list_does_not_read_share_its_copy(
    client, make_article, django_assert_num_queries
):
    make_article(title="Listed once")
    page(client, "/")

    for junk in range(5):
        with django_assert_num_queries(1):  # served from the home page's one copy
            assert "Listed once" in page(client, f"/?utm_source=feed{junk}")
