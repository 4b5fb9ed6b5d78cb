"""The archive: a year's articles by month, and a month's articles."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article


def on(year, month, day):
    return datetime(year, month, day, 9, tzinfo=UTC)


@pytest.fixture
def spread(make_article):
    """Articles across two years, with a draft that must never show."""
    return {
        "jun": make_article(title="June story", published_at=on(2025, 6, 20)),
        "mar": make_article(title="March story", published_at=on(2025, 3, 2)),
        "mar_early": make_article(title="Early March story", published_at=on(2025, 3, 1)),
        "old": make_article(title="Old story", published_at=on(2023, 11, 5)),
        "draft": make_article(
            title="Draft story", published_at=on(2025, 6, 1), status=Article.Status.DRAFT
        ),
    }


def test_year_lists_its_articles_by_month_newest_first(client, spread, make_comment):
    make_comment(spread["jun"])
    make_comment(spread["jun"])

    response = client.get("/archive/2025/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>2025</h1>" in html
    assert html.index(">June</a></h2>") < html.index(">March</a></h2>")
    assert '<a href="/archive/2025/06/">June</a>' in html
    assert '<a href="/archive/2025/03/">March</a>' in html
    titles = ["June story", "March story", "Early March story"]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "2 comments" in html
    assert "Old story" not in html
    assert "Draft story" not in html


def test_year_links_to_every_year_with_articles(client, spread):
    html = client.get("/archive/2025/").content.decode()

    assert '<span aria-current="page">2025</span>' in html
    assert '<a href="/archive/2023/">2023</a>' in html
    assert '<a href="/archive/2024/">' not in html


def test_month_lists_its_articles_with_neighbouring_months(client, spread):
    response = client.get("/archive/2025/03/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>March 2025</h1>" in html
    assert [article.title for article in response.context["page_obj"]] == [
        "March story",
        "Early March story",
    ]
    assert '<article class="card">' in html
    assert 'rel="prev" href="/archive/2023/11/">← November 2023</a>' in html
    assert 'rel="next" href="/archive/2025/06/">June 2025 →</a>' in html


@pytest.mark.parametrize(
    "url",
    [
        "/archive/2024/",  # no article that year
        "/archive/2025/05/",  # no article that month
        "/archive/2025/13/",
        "/archive/2025/3/",
        "/archive/25/",
        "/archive/9999/",
    ],
)
def test_empty_or_impossible_archive_pages_are_404(client, spread, url):
    assert client.get(url).status_code == 404


def test_future_articles_stay_out_of_the_archive(client, make_article):
    now = timezone.now()
    make_article(title="Tomorrow's story", published_at=now + timedelta(days=1))

    html = client.get(f"/archive/{now.year}/").content.decode()

    assert "Tomorrow&#x27;s story" not in html
    next_year = client.get(f"/archive/{now.year + 1}/")
    assert next_year.status_code == 404


def test_this_year_has_a_page_before_its_first_article(client, db):
    year = timezone.now().year

    response = client.get(f"/archive/{year}/")

    assert response.status_code == 200
    assert f"Nothing published in {year} yet." in response.content.decode()


def test_footer_links_to_this_years_archive_and_the_feed(client, db):
    html = client.get("/").content.decode()
    footer = html.split('<footer class="site-footer">')[1]

    assert f'<a href="/archive/{timezone.now().year}/">Archive</a>' in footer
    assert '<a href="/feed/">Feed</a>' in footer


def test_year_queries_do_not_grow(
    client, make_article, make_comment, django_assert_num_queries, page_cache_off
):
    first = make_article(published_at=on(2025, 1, 10), tags=["One"])
    make_comment(first)
    # any articles, months, first and last year, years, count, page with categories (comment
    # counts are stored)
    with django_assert_num_queries(6):
        client.get("/archive/2025/")

    for number in range(14):
        make_comment(make_article(published_at=on(2025, 1 + number % 12, 11), tags=["Two"]))
    with django_assert_num_queries(6):
        response = client.get("/archive/2025/")
    assert len(response.context["page_obj"]) == 15


def test_month_queries_do_not_grow(client, make_article, django_assert_num_queries, page_cache_off):
    make_article(published_at=on(2025, 3, 10), tags=["One"])
    # any articles, days, next and previous month, count, page, tags (comment counts are stored)
    with django_assert_num_queries(7):
        client.get("/archive/2025/03/")

    for number in range(14):
        make_article(published_at=on(2025, 3, 11 + number), tags=["One", "Two"])
    with django_assert_num_queries(7):
        response = client.get("/archive/2025/03/")
    assert len(response.context["page_obj"]) == 10
