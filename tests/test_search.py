"""Searching the articles: what a reader finds, and that no query can break the page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only"
)
not_on_postgresql = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL ranks instead"
)


def search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response


def found(response):
    return [article.title for article in response.context["page_obj"]]


def test_finds_the_mistral_article_by_sovereign(client, mistral):
    response = search(client, "sovereign")

    html = response.content.decode()
    assert found(response) == [mistral.title]
    assert "1 result for “sovereign”" in html
    assert f'href="{mistral.get_absolute_url()}"' in html
    assert '<time datetime="2026-06-02T08:00:00Z">2 June 2026</time>' in html
    assert mistral.summary in html


def test_finds_an_article_by_its_tag(client, make_article):
    tagged = make_article(title="Chips", body="Silicon.", tags=["Quantum"])
    make_article(title="Clouds", body="Weather.", tags=["Climate"])

    assert found(search(client, "quantum")) == [tagged.title]


def test_ignores_case(client, make_article):
    article = make_article(title="Mistral Large ships")

    assert found(search(client, "MISTRAL large")) == [article.title]


def test_every_word_must_match(client, make_article):
    both = make_article(title="Sovereign cloud", body="Data centres in France.")
    make_article(title="Sovereign debt", body="Bonds.")
    make_article(title="Cloud gaming", body="Consoles.")

    assert found(search(client, "sovereign France")) == [both.title]


def test_drafts_and_scheduled_articles_are_never_found(client, make_article):
    public = make_article(title="Sovereign, public")
    make_article(title="Sovereign, draft", status=Article.Status.DRAFT)
    make_article(title="Sovereign, later", published_at=timezone.now() + timedelta(days=1))

    assert found(search(client, "sovereign")) == [public.title]


def test_an_article_with_many_matching_tags_is_listed_once(client, make_article):
    article = make_article(title="Models", tags=["OpenModels", "ModelWeights", "SmallModels"])

    assert found(search(client, "models")) == [article.title]


def test_wildcard_characters_match_only_themselves(client, make_article):
    make_article(title="Plain title", body="Nothing special.")

    assert found(search(client, "%")) == []
    assert found(search(client, "_")) == []


def test_excerpt_comes_from_the_body_when_there_is_no_summary(client, make_article):
    make_article(title="Bodies", summary="", body="**Sovereign** compute, _explained_ here.")

    html = search(client, "sovereign").content.decode()

    assert '<p class="result__excerpt">Sovereign compute, explained here.</p>' in html


@not_on_postgresql
def test_results_come_newest_first(client, make_article):
    newer = make_article(title="Sovereign one", published_at=timezone.now() - timedelta(days=1))
    older = make_article(title="Sovereign two", published_at=timezone.now() - timedelta(days=9))

    assert found(search(client, "sovereign")) == [newer.title, older.title]


@on_postgresql
def test_title_matches_rank_above_body_matches(client, make_article):
    in_body = make_article(title="Europe's plans", body="A sovereign approach.")
    in_title = make_article(
        title="Sovereign AI", body="Plans.", published_at=timezone.now() - timedelta(days=9)
    )

    assert found(search(client, "sovereign")) == [in_title.title, in_body.title]


@on_postgresql
def test_web_search_syntax(client, make_article):
    cloud = make_article(title="Sovereign cloud", body="Data centres.")
    debt = make_article(title="Sovereign debt", body="Bonds and data.")

    assert found(search(client, "sovereign -debt")) == [cloud.title]
    assert found(search(client, '"sovereign debt"')) == [debt.title]
    assert set(found(search(client, "centres or bonds"))) == {cloud.title, debt.title}


def test_results_paginate_and_keep_the_query(client, make_article):
    for number in range(15):
        make_article(title=f"Sovereign story {number}")

    first = search(client, "sovereign story")
    second = search(client, "sovereign story", page=2)

    assert len(found(first)) == 10
    assert len(found(second)) == 5
    assert 'rel="next" href="?q=sovereign+story&amp;page=2"' in first.content.decode()
    assert 'rel="prev" href="?q=sovereign+story&amp;page=1"' in second.content.decode()
    assert "15 results for “sovereign story”" in second.content.decode()


def test_page_past_the_end_is_404(client, make_article):
    make_article(title="Sovereign")

    assert client.get("/search/", {"q": "sovereign", "page": 2}).status_code == 404


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_query_shows_the_form_only(client, mistral, query):
    html = search(client, query).content.decode()

    assert '<label for="search-q">' in html
    assert 'name="q" value=""' in html
    assert "result" not in html.split("<main", 1)[1].split("</form>", 1)[1]


def test_no_match_says_so(client, mistral):
    html = search(client, "zeppelin").content.decode()

    assert "0 results for “zeppelin”" in html
    assert "No published article matches." in html


HOSTILE_QUERIES = [
    '"',
    '"unterminated phrase',
    "''",
    "OR",
    "mistral OR",
    "OR OR OR",
    "-",
    "-mistral",
    "--",
    "'; DROP TABLE articles_article; --",
    "' OR 1=1 --",
    "%",
    "%%%_%",
    "_",
    "\\",
    "\x00",
    "sovereign\x00ai",
    "&|!():*<>",
    "!(mistral | ai)",
    "mistral:*",
    "((((((",
    "<script>alert(1)</script>",
    "Ünïcödé 🇪🇺 主权 سيادة",
    "\u202eevil",
    "a " * 500,
    "x" * 10240,
    "mistral " * 2000,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_get_a_page(client, mistral, query):
    response = search(client, query)

    html = response.content.decode()
    assert "Search the articles" in html
    assert "<script>alert(1)</script>" not in html


def test_long_query_is_cut(client, mistral):
    response = search(client, "sovereign " + "x" * 10240)

    value = re.search(
        r'id="search-q" type="search" name="q" value="([^"]*)"', response.content.decode()
    )
    assert len(value.group(1)) == 200
    assert value.group(1).startswith("sovereign xxx")


def test_header_has_a_labelled_search_box(client, db):
    html = client.get("/").content.decode()

    assert '<form class="site-search" action="/search/" method="get" role="search">' in html
    assert '<label class="visually-hidden" for="site-search-q">Search articles</label>' in html
    assert '<input id="site-search-q" type="search" name="q"' in html


def test_search_pages_are_not_indexed(client, mistral):
    html = search(client, "sovereign").content.decode()

    assert '<meta name="robots" content="noindex">' in html


def test_search_queries_do_not_grow(client, make_article, django_assert_num_queries):
    make_article(title="Sovereign first", tags=["SovereignAI"])
    with django_assert_num_queries(2):  # count, page with categories
        search(client, "sovereign")

    for number in range(14):
        make_article(title=f"Sovereign {number}", tags=["SovereignAI", f"tag{number}"])
    with django_assert_num_queries(2):
        assert len(found(search(client, "sovereign"))) == 10
    with django_assert_num_queries(2):
        assert len(found(search(client, "sovereign", page=2))) == 5
    with django_assert_num_queries(0):
        search(client, "")
