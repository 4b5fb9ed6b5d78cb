"""What a reader sees on each page."""

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from articles.models import Category


def test_home_lists_the_mistral_article(client, mistral):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Europe&#x27;s $23 Billion AI Powerhouse Mistral" in html
    assert mistral.get_absolute_url() in html
    assert mistral.summary in html
    assert '<time datetime="2026-06-02T08:00:00Z">2 June 2026</time>' in html
    assert 'href="/category/aicloud/"' in html
    assert html.count('rel="tag"') == 7


def test_article_page_shows_everything_the_article_is(client, mistral):
    response = client.get(mistral.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Europe&#x27;s $23 Billion AI Powerhouse Mistral is Growing Fast" in html
    assert "By mistralnews staff" in html
    assert '<time datetime="2026-06-02T08:00:00Z">' in html
    assert html.count("<p>Mistral") + html.count("<p>Instead") + html.count("<p>Unlike") >= 3
    assert mistral.body_html in html
    assert 'Filed under: <a href="/category/aicloud/">AICloud</a>' in html
    for slug in [
        "mistralai",
        "europeantech",
        "sovereignai",
        "enterpriseai",
        "aidevelopment",
        "techinnovation",
        "aistrategy",
    ]:
        assert f'href="/tags/{slug}/"' in html
    assert '<h2 id="discussion-heading">Discussion' in html
    for question in mistral.questions.all():
        assert question.text.replace('"', "&quot;").replace("'", "&#x27;") in html
    assert "Post a Comment" not in mistral.body_html


def test_tag_page_lists_its_articles_only(client, make_article):
    tagged = make_article(tags=["SovereignAI"])
    other = make_article(tags=["Other"])

    html = client.get("/tags/sovereignai/").content.decode()

    assert "<h1>#SovereignAI</h1>" in html
    assert tagged.title in html
    assert other.title not in html


def test_tag_used_only_by_drafts_is_not_public(client, make_article):
    make_article(tags=["Secret"], status="draft")

    assert client.get("/tags/secret/").status_code == 404


@pytest.mark.parametrize(
    "unpublished",
    [{"status": "draft"}, {"published_at": timezone.now() + timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_category_used_only_by_drafts_or_scheduled_articles_is_not_public(
    client, make_article, unpublished
):
    secret = Category.objects.create(name="Secret plans", slug="secret", description="Hush.")
    make_article(category=secret, **unpublished)

    for url in ["/category/secret/", "/category/secret/feed/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Secret plans" not in response.content.decode()
        assert "Hush." not in response.content.decode()


def test_category_page_lists_its_articles_only(client, make_article):
    mine = make_article()
    elsewhere = make_article(category=Category.objects.create(name="Policy", slug="policy"))

    html = client.get("/category/aicloud/").content.decode()

    assert "<h1>AICloud</h1>" in html
    assert mine.title in html
    assert elsewhere.title not in html


@pytest.mark.parametrize("url", ["/tags/nope/", "/category/nope/", "/articles/nope/", "/nope/"])
def test_unknown_pages_get_the_friendly_404(client, db, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html


def test_lists_paginate_ten_per_page_newest_first(client, make_article):
    articles = [make_article() for _ in range(25)]  # each older than the one before

    first = client.get("/")
    third = client.get("/?page=3")

    assert first.context["page_obj"].object_list == articles[:10]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert third.context["page_obj"].object_list == articles[20:]
    assert 'rel="prev" href="?page=2"' in third.content.decode()
    assert "Page 3 of 3" in third.content.decode()
    assert client.get("/?page=4").status_code == 404
    assert client.get("/?page=junk").status_code == 404


def test_home_query_count_does_not_grow_with_articles(
    client, make_article, django_assert_num_queries, page_cache_off
):
    make_article(tags=["One"])
    with django_assert_num_queries(3):  # count, page, tags (comment counts are stored)
        client.get("/")

    for _ in range(14):
        make_article(tags=["One", "Two", "Three"])
    with django_assert_num_queries(3):
        client.get("/")
    with django_assert_num_queries(3):
        client.get("/?page=2")


def test_article_query_count_does_not_grow_with_tags_or_questions(
    client, make_article, django_assert_num_queries
):
    bare = make_article()
    rich = make_article(tags=[f"tag{n}" for n in range(10)], questions=[f"Q{n}?" for n in range(5)])

    # article, category, tags, questions, the threads, the newest comments (metadata); no
    # replies to read without threads
    with django_assert_num_queries(6):
        client.get(bare.get_absolute_url())
    with django_assert_num_queries(6):
        client.get(rich.get_absolute_url())


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in {"href", "src", "action"} and value]


def test_no_page_references_another_host(client, mistral):
    pages = ["/", mistral.get_absolute_url(), "/tags/mistralai/", "/category/aicloud/", "/nope/"]
    for page in pages:
        response = client.get(page)
        collector = LinkCollector()
        collector.feed(response.content.decode())
        assert collector.urls, page
        for url in collector.urls:
            assert urlsplit(url).netloc in {"", "testserver"}, f"{page} references {url}"
        assert b"@import" not in response.content


def test_the_site_name_comes_from_one_setting(client, editor_client, mistral, settings):
    settings.SITE_NAME = "Le Quotidien"
    pages = {
        url: Client().get(url).content.decode()
        for url in ["/", mistral.get_absolute_url(), "/feed/", "/moderation/", "/nope/"]
    }

    for url, html in pages.items():
        assert "Le Quotidien" in html, url
        assert "mistralnews" not in html.replace("mistralnews staff", ""), url
    assert "Le Quotidien desk" in editor_client.get("/admin/").content.decode()
