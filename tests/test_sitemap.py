"""What a search engine's crawler is told: the sitemap index, the sitemaps it names, and
robots.txt."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Category
from articles.sitemaps import SiteSitemap

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
INDEX = "/sitemap.xml"
SECTIONS = ["pages", "articles", "archives", "categories", "tags"]


def read_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own sitemap)


def sitemaps_listed(client):
    """The index's entries: {sitemap address: its lastmod}."""
    index = read_xml(client, INDEX)
    return {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in index.findall("sm:sitemap", NS)
    }


def sitemap_entries(client, sitemaps=None):
    """Every address in every sitemap the index names (or in `sitemaps`): {loc: lastmod}."""
    entries = {}
    for location in sitemaps or sitemaps_listed(client):
        path = location.removeprefix("http://testserver")
        for url in read_xml(client, path).findall("sm:url", NS):
            loc = url.findtext("sm:loc", namespaces=NS)
            assert loc not in entries, f"{loc} is listed twice"
            entries[loc] = url.findtext("sm:lastmod", namespaces=NS)
    return entries


def on(year, month, day):
    return datetime(year, month, day, 9, tzinfo=UTC)


@pytest.fixture
def small_pages(monkeypatch):
    """Sitemap pages of two addresses, so a few articles fill several."""
    monkeypatch.setattr(SiteSitemap, "limit", 2)


def test_sitemaps_list_every_public_page(client, mistral, make_article):
    secret = Category.objects.create(name="Secret", slug="secret")
    make_article(slug="draft", status=Article.Status.DRAFT, tags=["DraftOnly"], category=secret)
    make_article(slug="later", published_at=timezone.now() + timedelta(days=1), tags=["Later"])

    entries = sitemap_entries(client)

    tags = ["mistralai", "europeantech", "sovereignai", "enterpriseai"]
    tags += ["aidevelopment", "techinnovation", "aistrategy"]
    assert set(entries) == {
        "http://testserver/",
        f"http://testserver{mistral.get_absolute_url()}",
        "http://testserver/archive/2026/",
        "http://testserver/archive/2026/06/",
        "http://testserver/category/aicloud/",
        *(f"http://testserver/tags/{slug}/" for slug in tags),
    }
    assert entries[f"http://testserver{mistral.get_absolute_url()}"] == (
        mistral.modified_at.date().isoformat()
    )
    assert entries["http://testserver/category/aicloud/"] == "2026-06-02"


def test_index_lists_every_section_and_each_of_its_pages(client, make_article, small_pages):
    for number in range(5):
        make_article(tags=[f"Tag{number}"], published_at=on(2025, 6, 1 + number))

    listed = sitemaps_listed(client)

    expected = [f"http://testserver/sitemap-{section}.xml" for section in SECTIONS]
    for section, pages in [("articles", 3), ("tags", 3)]:
        expected += [f"http://testserver/sitemap-{section}.xml?p={p}" for p in range(2, pages + 1)]
    assert sorted(listed) == sorted(expected)
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    articles = sitemap_entries(client, [loc for loc in listed if "articles" in loc])
    assert set(articles) == {
        f"http://testserver{article.get_absolute_url()}" for article in Article.objects.published()
    }


def test_every_sitemap_url_answers(client, mistral):
    for url in sitemap_entries(client):
        assert client.get(url).status_code == 200, url


def test_archives_with_articles_are_listed_and_no_others(client, make_article):
    make_article(published_at=on(2025, 6, 20))
    make_article(published_at=on(2025, 3, 2))
    make_article(published_at=on(2023, 11, 5))
    make_article(published_at=on(2024, 2, 1), status=Article.Status.DRAFT)

    entries = sitemap_entries(client, ["/sitemap-archives.xml"])

    assert entries == {
        "http://testserver/archive/2023/": "2023-11-05",
        "http://testserver/archive/2025/": "2025-06-20",
        "http://testserver/archive/2023/11/": "2023-11-05",
        "http://testserver/archive/2025/03/": "2025-03-02",
        "http://testserver/archive/2025/06/": "2025-06-20",
    }


def test_drafts_and_scheduled_articles_never_appear(client, make_article, small_pages):
    make_article(slug="live")
    make_article(slug="draft", status=Article.Status.DRAFT, published_at=on(2024, 2, 1))
    make_article(slug="later", published_at=timezone.now() + timedelta(days=40))

    entries = " ".join(sitemap_entries(client))

    assert "/articles/live/" in entries
    assert "/articles/draft/" not in entries
    assert "/articles/later/" not in entries
    assert "/archive/2024/" not in entries
    later = timezone.now() + timedelta(days=40)  # another month than the live article's
    assert f"/archive/{later:%Y}/{later:%m}/" not in entries


def test_lastmod_is_the_revision_readers_saw(client, make_article):
    revised = make_article(slug="revised", published_at=on(2025, 3, 2))
    Article.objects.filter(pk=revised.pk).update(revised_at=on(2025, 4, 9))
    revised_first = make_article(slug="revised-first", published_at=on(2025, 5, 1))
    Article.objects.filter(pk=revised_first.pk).update(revised_at=on(2025, 4, 20))

    entries = sitemap_entries(client)

    assert entries["http://testserver/articles/revised/"] == "2025-04-09"
    assert entries["http://testserver/articles/revised-first/"] == "2025-05-01"
    assert entries["http://testserver/archive/2025/03/"] == "2025-04-09"
    assert entries["http://testserver/archive/2025/"] == "2025-05-01"
    latest = sitemaps_listed(client)["http://testserver/sitemap-articles.xml"]
    assert latest.startswith("2025-05-01T09:00:00")


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (INDEX, 6),
        ("/sitemap-articles.xml", 2),
        ("/sitemap-archives.xml", 1),
        ("/sitemap-categories.xml", 2),
        ("/sitemap-tags.xml", 2),
    ],
)
def test_a_sitemap_costs_the_same_queries_for_any_number_of_articles(
    client, make_article, django_assert_num_queries, url, queries
):
    """The index asks each sitemap for its latest lastmod in one query, and an article's
    lastmod needs no query of its own, revised or not."""
    make_article(tags=["One"])
    with django_assert_num_queries(queries):
        client.get(url)

    for number in range(12):
        article = make_article(
            tags=[f"Tag{number}"], published_at=on(2020 + number % 4, 1 + number, 1)
        )
        Article.objects.filter(pk=article.pk).update(revised_at=on(2025, 1, 1))
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_index_reads_no_article_rows(client, make_article, django_assert_num_queries):
    """Django's index would load every item of a sitemap to find its latest lastmod."""
    for _ in range(3):
        make_article()

    with django_assert_num_queries(6) as captured:
        client.get(INDEX)

    assert not [query for query in captured if '"articles_article"."slug"' in query["sql"]]


def test_robots_names_the_sitemap_index_and_keeps_crawlers_out_of_admin_and_search(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert read_xml(client, "/sitemap.xml").tag == f"{{{NS['sm']}}}sitemapindex"


def test_robots_names_the_sitemap_on_the_sites_origin_whatever_was_asked(client, db, settings):
    settings.SITE_URL = "https://news.example.org"

    response = client.get("/robots.txt", secure=True, HTTP_HOST="localhost")

    assert "Sitemap: https://news.example.org/sitemap.xml" in response.content.decode().splitlines()
