"""`make bench-scale`'s measurements inside the site's Django, on DATABASE_URL's database:
`python bench/scale_pages.py [--per-kind N] [--repeat N] [--posts N]` prints them as JSON.

Every kind of page (newsroom/pages.py) is requested in process through Django's test Client,
page cache off, so each request renders: each distinct page `--repeat` times after one
warm-up request per kind, each page's median taken, then the median over the kind's pages,
with its database queries (every one the database ran) and bytes. A second pass with the cache on
times the second request to the same page: a cached hit where the page kind is cached.
The desk's pages are requested as a logged-in editor. Then `--posts` comments are posted to
the article with the most comments, in process with flood control off and moderation open
(the caller's environment sets both), timed one by one; they are deleted afterwards and the
counts they changed stored again, so the database is left as it was found.

Times are in-process: no network, no server, one request at a time.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mistralnews.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from articles.models import Article, DiscussionQuestion  # noqa: E402
from comments.lifecycle import article_counts, question_counts  # noqa: E402
from comments.models import Comment, ModerationEvent  # noqa: E402
from desk.editors import EDITORS  # noqa: E402
from freshness.versions import renew  # noqa: E402
from newsroom.pages import DESK, SITEMAP, PageKind, page_kinds, sitemap_pages  # noqa: E402

EDITOR = "bench-scale-editor"
# A page slower than this (ms) is requested once; a kind is given this long (s) in all.
SLOW, KIND_SECONDS = 1000, 60
POSTED_BY = "@bench-scale.invalid"


class QueryCount:
    """Counts the queries run on the default database while it is installed: all of them,
    where CaptureQueriesContext stops at the 9,000 its log keeps."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def request(client, url):
    """One GET of `url`: milliseconds, queries, bytes and status."""
    counter = QueryCount()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, counter.count, len(response.content), response.status_code


def measure_kind(kind, client, repeat):
    """The kind's pages, each `repeat` times, or once when it takes over SLOW ms; no more
    pages once the kind has taken KIND_SECONDS (the slowest pages would take many minutes)."""
    pages, started = [], time.monotonic()
    for url in kind.urls:
        if time.monotonic() - started > KIND_SECONDS:
            break
        runs = [request(client, url)]
        if runs[0][0] < SLOW:
            runs += [request(client, url) for _ in range(repeat - 1)]
        pages.append(
            {
                "url": url,
                "ms": statistics.median(run[0] for run in runs),
                "queries": max(run[1] for run in runs),
                "bytes": runs[-1][2],
                "status": runs[-1][3],
            }
        )
    if not pages:
        return {"name": kind.name, "group": kind.group, "pages": 0}
    return {
        "name": kind.name,
        "group": kind.group,
        "pages": len(pages),
        "ms": statistics.median(page["ms"] for page in pages),
        "max_ms": max(page["ms"] for page in pages),
        "queries": max(page["queries"] for page in pages),
        "query_counts": sorted({page["queries"] for page in pages}),
        "bytes": statistics.median(page["bytes"] for page in pages),
        "max_bytes": max(page["bytes"] for page in pages),
        "statuses": sorted({page["status"] for page in pages}),
        "slowest": max(pages, key=lambda page: page["ms"])["url"],
        "urls": [page["url"] for page in pages],
    }


def cached_hit(kind, client, kind_ms):
    """The second request to up to three of the kind's pages, cache on: median ms, queries."""
    if kind_ms > 10 * SLOW:
        return {}  # not worth minutes: pages this slow are not cached pages
    hits = []
    for url in kind.urls[: 3 if kind_ms < SLOW else 1]:
        request(client, url)
        hits.append(request(client, url))
    if not hits:
        return {}
    return {
        "cached_ms": statistics.median(hit[0] for hit in hits),
        "cached_queries": max(hit[1] for hit in hits),
    }


def editor_client():
    user, _ = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"is_staff": True, "email": f"{EDITOR}@example.org"}
    )
    user.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(user)
    return client


def measure_pages(per_kind, repeat):
    kinds = page_kinds(per_kind)
    reader, editor = Client(), editor_client()
    sitemap = next(kind for kind in kinds if kind.group == SITEMAP)
    pages = sitemap_pages(reader.get(sitemap.urls[0]).content, per_kind)
    kinds.insert(kinds.index(sitemap) + 1, PageKind("sitemap page", SITEMAP, tuple(pages)))
    results = []
    with override_settings(PAGE_CACHE_TIMEOUT=0):
        for kind in kinds:  # one request per kind first: code paths and templates warm
            for url in kind.urls[:1]:
                request(editor if kind.group == DESK else reader, url)
        for kind in kinds:
            client = editor if kind.group == DESK else reader
            print(f"  {kind.name} ({len(kind.urls)} pages)", file=sys.stderr)
            results.append(measure_kind(kind, client, repeat))
    for kind, result in zip(kinds, results, strict=True):
        result |= cached_hit(kind, editor if kind.group == DESK else reader, result.get("ms", 0))
    return results


def measure_posts(count):
    """`count` comments posted to the article with the most comments, one at a time: new
    threads answering its questions, general ones and replies, each timed (ms)."""
    article = Article.objects.published().order_by("-comment_count", "pk").first()
    if article is None or count == 0:
        return {}
    questions = list(article.questions.values_list("pk", flat=True))
    parents = list(
        Comment.objects.visible()
        .filter(article=article)
        .order_by("-created_at")
        .values_list("pk", flat=True)[:100]
    )
    url = f"{article.get_absolute_url()}comments/"
    client = Client()
    times, statuses = [], {}
    try:
        for number in range(count):
            data = {
                "author_name": f"Bench reader {number % 20}",
                "author_email": f"reader{number % 20}{POSTED_BY}",
                "body": f"Post {number} of the scale benchmark: *still* reading, and replying.",
                "question": "",
                "parent": "",
                "homepage": "",
            }
            if number % 3 == 1 and parents:
                data["parent"] = parents[number % len(parents)]
            elif number % 3 == 2 and questions:
                data["question"] = questions[number % len(questions)]
            started = time.perf_counter()
            response = client.post(url, data)
            times.append((time.perf_counter() - started) * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    finally:
        forget_posts(article)
    times.sort()
    return {
        "article": article.slug,
        "posts": count,
        "p50": statistics.median(times),
        "p99": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))],
        "statuses": statuses,
    }


@transaction.atomic
def forget_posts(article):
    """Delete the benchmark's comments and store the counts they changed again."""
    posted = Comment.objects.filter(article=article, author_email__endswith=POSTED_BY)
    ModerationEvent.objects.filter(comment__in=posted).delete()
    posted.delete()
    renew(Article.objects.filter(pk=article.pk), **article_counts())
    DiscussionQuestion.objects.filter(article=article).update(**question_counts())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=10, help="distinct pages per kind")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page")
    parser.add_argument("--posts", type=int, default=200, help="comments to post")
    options = parser.parse_args()
    figures = {
        "database": connection.vendor,
        "articles": Article.objects.published().count(),
        "comments": Comment.objects.count(),
        "kinds": measure_pages(options.per_kind, options.repeat),
        "post": measure_posts(options.posts),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
