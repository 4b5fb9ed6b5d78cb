"""Lists read published articles in their order from an index, with no sort, and a deep page
skips index entries, not rows: the query plans, on SQLite and on PostgreSQL.

With a handful of rows PostgreSQL would rather scan the table, so the plans are taken with
sequential scans off: what is asked is whether an index can give the order.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection

from articles.models import Article
from articles.views import ids_first

POSTGRES = connection.vendor == "postgresql"


def plan(queryset):
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def reads_in_order(plan_text, index):
    """The plan reads `index` and sorts nothing."""
    assert index in plan_text, plan_text
    assert "Sort" not in plan_text and "TEMP B-TREE" not in plan_text, plan_text


@pytest.fixture
def articles(make_article, category):
    return [make_article(published_at=datetime(2025, 1 + n % 12, 1, tzinfo=UTC)) for n in range(30)]


def test_published_articles_newest_first_come_from_the_listing_index(articles):
    reads_in_order(plan(Article.objects.published()[:10]), "article_listing_idx")


def test_a_year_comes_from_the_listing_index(articles):
    year = Article.objects.published().filter(published_at__year=2025)

    reads_in_order(plan(year[:50]), "article_listing_idx")


def test_a_category_comes_from_the_index_that_starts_with_it(articles, category):
    reads_in_order(
        plan(Article.objects.published().filter(category=category)[:10]), "article_category_idx"
    )


def test_a_deep_page_skips_index_entries_not_rows(articles):
    page = ids_first(Article.objects.published(), 20, 30)

    expected = "Index Only Scan using article_listing_idx" if POSTGRES else "COVERING INDEX"
    assert expected in plan(page)
    assert list(page) == list(Article.objects.published()[20:30])
