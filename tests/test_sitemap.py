"""What a search engine's crawler is told: the sitemap and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, Category

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def test_sitemap_lists_every_public_page(client, mistral, make_article):
    secret = Category.objects.create(name="Secret", slug="secret")
    make_article(slug="draft", status=Article.Status.DRAFT, tags=["DraftOnly"], category=secret)
    make_article(slug="later", published_at=timezone.now() + timedelta(days=1), tags=["Later"])

    entries = sitemap_entries(client)

    tags = ["mistralai", "europeantech", "sovereignai", "enterpriseai"]
    tags += ["aidevelopment", "techinnovation", "aistrategy"]
    assert set(entries) == {
        "http://testserver/",
        f"http://testserver{mistral.get_absolute_url()}",
        "http://testserver/category/aicloud/",
        *(f"http://testserver/tags/{slug}/" for slug in tags),
    }
    assert entries[f"http://testserver{mistral.get_absolute_url()}"] == (
        mistral.modified_at.date().isoformat()
    )
    assert entries["http://testserver/category/aicloud/"] == "2026-06-02"


def test_every_sitemap_url_answers(client, mistral):
    for url in sitemap_entries(client):
        assert client.get(url).status_code == 200, url


def test_robots_names_the_sitemap_and_keeps_crawlers_out_of_admin_and_search(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_names_the_sitemap_on_the_sites_origin_whatever_was_asked(client, db, settings):
    settings.SITE_URL = "https://news.example.org"

    response = client.get("/robots.txt", secure=True, HTTP_HOST="localhost")

    assert "Sitemap: https://news.example.org/sitemap.xml" in response.content.decode().splitlines()
