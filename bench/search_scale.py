"""Search at newsroom size: `python bench/search_scale.py [--articles N] [--runs R]`.

Fills a throwaway database with N published articles (10,000 by default) of 800-1,500 words
of random text from a fixed vocabulary with a Zipf-like distribution (seed 14, so every run
has the same articles), 2,000 tags, two to five tags an article, then times search pages
through the view with Django's test Client: the median of R runs of each query, with the
queries each page made. Not a test, and not the newsroom data set (`generate_newsroom`): it
measures search only. Bodies are inserted with `bulk_create` and `body_html` set to the text
in paragraphs, without Markdown, then the search index is built by
`articles.search_index.rebuild()`.

On SQLite (the default) the database is a temporary file, deleted afterwards. On PostgreSQL:
`scripts/postgres.sh .venv/bin/python bench/search_scale.py` (a throwaway cluster).
"""

import argparse
import bisect
import itertools
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 14
VOCABULARY_SIZE = 20_000
TAGS = 2_000
# Real words at fixed ranks of the Zipf vocabulary (rank 1 is the most frequent), so that
# the queries below are common, rare or absent whatever the seed.
PLACED_WORDS = {
    "the": 1, "of": 2, "and": 3, "to": 4, "in": 5, "a": 6, "is": 7, "that": 8, "for": 9,
    "it": 10, "data": 30, "european": 50, "model": 60, "open": 80, "centre": 200,
    "regulation": 400, "regulations": 900, "running": 1_500, "sovereign": 9_000,
    "sovereignty": 15_000,
}  # fmt: skip
QUERIES = {
    "common word": "data",
    "rare word": "sovereignty",
    "three words": "european data regulation",
    "phrase": '"data centre"',
    "or": "sovereignty or sovereign",
    "no match": "zeppelin",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each query")
    parser.add_argument("--query", action="append", help="time this query instead (repeat)")
    return parser.parse_args()


def vocabulary(rng):
    """VOCABULARY_SIZE distinct lower-case words, by rank, with PLACED_WORDS at theirs."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    placed = {rank: word for word, rank in PLACED_WORDS.items()}
    invented = set()
    while len(invented) < VOCABULARY_SIZE:
        word = "".join(rng.choices(syllables, k=rng.randint(2, 4)))
        if word not in PLACED_WORDS:
            invented.add(word)
    invented = sorted(invented)
    rng.shuffle(invented)
    invented = iter(invented)
    return [placed.get(rank) or next(invented) for rank in range(1, VOCABULARY_SIZE + 1)]


class Words:
    """Draws words with probability proportional to 1 / rank."""

    def __init__(self, rng, words):
        self.rng, self.words = rng, words
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))

    def draw(self, count):
        total = self.cumulative[-1]
        return [
            self.words[bisect.bisect(self.cumulative, self.rng.random() * total)]
            for _ in range(count)
        ]

    def sentence(self, count):
        words = self.draw(count)
        return " ".join([words[0].capitalize(), *words[1:]]) + "."


def populate(count):
    """Categories, tags and `count` published articles, inserted in bulk, then the index."""
    from django.db import transaction
    from taggit.models import Tag

    from articles.models import Article, Category, TaggedArticle

    rng = random.Random(SEED)  # noqa: S311 (the same articles every run, not secrets)
    words = Words(rng, vocabulary(rng))
    now = datetime.now(UTC)
    with transaction.atomic():
        categories = Category.objects.bulk_create(
            Category(name=f"Section {n}", slug=f"section-{n}") for n in range(10)
        )
        tag_words = words.words[100 : 100 + TAGS]
        tags = Tag.objects.bulk_create(Tag(name=word.capitalize(), slug=word) for word in tag_words)
        tag_choice = Words(rng, tags)
        for start in range(0, count, 500):
            batch = []
            for number in range(start, min(start + 500, count)):
                paragraphs, length = [], rng.randint(800, 1_500)
                while length > 0:
                    size = min(length, rng.randint(60, 140))
                    sentences = [words.sentence(n) for n in _split(rng, size)]
                    paragraphs.append(" ".join(sentences))
                    length -= size
                batch.append(
                    Article(
                        title=words.sentence(rng.randint(5, 10))[:-1],
                        slug=f"article-{number}",
                        summary=words.sentence(rng.randint(18, 30)),
                        byline="Bench",
                        body="\n\n".join(paragraphs),
                        body_html="".join(f"<p>{text}</p>\n" for text in paragraphs),
                        status=Article.Status.PUBLISHED,
                        published_at=now - timedelta(minutes=37 * number + 1),
                        category=categories[number % len(categories)],
                    )
                )
            articles = Article.objects.bulk_create(batch)
            if articles[0].pk is None:  # SQLite before 3.35 returns no ids
                slugs = [article.slug for article in articles]
                articles = list(Article.objects.filter(slug__in=slugs))
            TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object=article, tag=tag)
                for article in articles
                for tag in dict.fromkeys(tag_choice.draw(rng.randint(2, 5)))
            )
    started = time.perf_counter()
    try:
        from articles import search_index
    except ImportError:  # before issue 14: nothing to build
        return None
    search_index.rebuild()
    return time.perf_counter() - started


def analyze():
    """Statistics for PostgreSQL's planner, as autovacuum gathers after a bulk load. SQLite
    gets none: Django never runs ANALYZE there, so the site runs without."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _split(rng, size):
    """Sentence lengths adding up to `size` words."""
    while size > 0:
        length = min(size, rng.randint(8, 28))
        yield length
        size -= length


def time_queries(queries, runs):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rows = []
    for label, query in queries.items():
        timings, counts = [], set()
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/search/", {"q": query})
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            counts.add(len(captured))
        results = response.content.decode().split('class="results-count">', 1)[1]
        found = results.split(" result", 1)[0].strip()
        rows.append((label, query, statistics.median(timings), max(timings), counts, found))
    return rows


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/search.sqlite3"
        os.environ.update(
            DJANGO_SETTINGS_MODULE="mistralnews.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_SECURE_SSL_REDIRECT="0",
            EMAIL_URL="dummymail://",
            DEFAULT_FROM_EMAIL="news@localhost",
        )
        import django
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        # Pages link the source static files: no collectstatic for a benchmark of queries.
        settings.STATIC_ROOT = None
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        built = populate(args.articles)
        filled = time.perf_counter() - started
        analyze()
        print(f"{connection.vendor}: {args.articles:,} articles in {filled:.0f} s", end="")
        print(f" (the search index {built:.1f} s of it)" if built is not None else "")
        queries = {query: query for query in args.query} if args.query else QUERIES
        print("| query | ms (median) | ms (max) | queries | results |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, query, median, slowest, counts, found in time_queries(queries, args.runs):
            shown = f"{label}: `{query}`" if label != query else f"`{query}`"
            counts = ", ".join(map(str, sorted(counts)))
            print(f"| {shown} | {median:,.1f} | {slowest:,.1f} | {counts} | {found} |")
        connection.close()


if __name__ == "__main__":
    main()
