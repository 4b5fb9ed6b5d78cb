"""Lists read published articles in their order from an index, with no sort, and a deep page
skips index entries, not rows: the query plans, on SQLite and on PostgreSQL.

With a handful of rows PostgreSQL would rather scan the table or sort ten rows, so its plans
are taken with those off (they remain where nothing else would do) after ANALYZE: what is
asked is whether an index gives the order.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection

from articles.models import Article, Category
from articles.paging import ids_first

POSTGRES = connection.vendor == "postgresql"


def plan(queryset):
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            for method in ["seqscan", "bitmapscan", "sort"]:
                cursor.execute(f"SET LOCAL enable_{method} = off")
    return queryset.explain()


def reads_in_order(plan_text, index):
    """The plan reads `index` and sorts nothing."""
    assert index in plan_text, plan_text
    assert "Sort" not in plan_text and "TEMP B-TREE" not in plan_text, plan_text


@pytest.fixture
def articles(make_article, category):
    """Thirty articles over a year, in three categories."""
    categories = [category, *(Category.objects.create(name=f"C{n}", slug=f"c{n}") for n in (1, 2))]
    return [
        make_article(
            published_at=datetime(2025, 1 + n % 12, 1, tzinfo=UTC), category=categories[n % 3]
        )
        for n in range(30)
    ]


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

    # SQLite reads the ids from the index alone; PostgreSQL too once the table is vacuumed.
    assert ("using article_listing_idx" if POSTGRES else "COVERING INDEX") in plan(page)
    assert list(page) == list(Article.objects.published()[20:30])
