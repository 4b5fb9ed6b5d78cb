"""Searching the articles: what a reader finds, on PostgreSQL and SQLite alike (`make test`
and `make test-postgres`), that the index follows every change at once, and that no query
can break the page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles import search
from articles.models import Article, SearchDocument
from articles.search import FTS5Expression, fts5_expression


def search_page(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response


def found(response):
    return [article.title for article in response.context["page_obj"]]


def indexed_articles():
    """The ids of the articles the search index holds."""
    if connection.vendor == "postgresql":
        return set(SearchDocument.objects.values_list("article", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM articles_search")
        return {row[0] for row in cursor.fetchall()}


def test_finds_the_mistral_article_by_sovereign(client, mistral):
    response = search_page(client, "sovereign")

    html = response.content.decode()
    assert found(response) == [mistral.title]
    assert "1 result for “sovereign”" in html
    assert f'href="{mistral.get_absolute_url()}"' in html
    assert '<time datetime="2026-06-02T08:00:00Z">2 June 2026</time>' in html
    assert mistral.summary in html


def test_finds_an_article_by_its_tag(client, make_article):
    tagged = make_article(title="Chips", body="Silicon.", tags=["Quantum"])
    make_article(title="Clouds", body="Weather.", tags=["Climate"])

    assert found(search_page(client, "quantum")) == [tagged.title]


def test_ignores_case(client, make_article):
    article = make_article(title="Mistral Large ships")

    assert found(search_page(client, "MISTRAL large")) == [article.title]


def test_every_word_must_match(client, make_article):
    both = make_article(title="Sovereign cloud", body="Data centres in France.")
    make_article(title="Sovereign debt", body="Bonds.")
    make_article(title="Cloud gaming", body="Consoles.")

    assert found(search_page(client, "sovereign France")) == [both.title]


def test_drafts_and_scheduled_articles_are_never_found(client, make_article):
    public = make_article(title="Sovereign, public")
    make_article(title="Sovereign, draft", status=Article.Status.DRAFT)
    make_article(title="Sovereign, later", published_at=timezone.now() + timedelta(days=1))

    assert found(search_page(client, "sovereign")) == [public.title]


def test_an_article_with_many_matching_tags_is_listed_once(client, make_article):
    # Words, not parts of words: "OpenModels" would not be found by "models".
    article = make_article(title="Models", tags=["Open Models", "Model Weights", "Small Models"])

    assert found(search_page(client, "models")) == [article.title]


def test_wildcard_characters_match_only_themselves(client, make_article):
    make_article(title="Plain title", body="Nothing special.")

    assert found(search_page(client, "%")) == []
    assert found(search_page(client, "_")) == []


def test_excerpt_comes_from_the_body_when_there_is_no_summary(client, make_article):
    make_article(title="Bodies", summary="", body="**Sovereign** compute, _explained_ here.")

    html = search_page(client, "sovereign").content.decode()

    assert '<p class="result__excerpt">Sovereign compute, explained here.</p>' in html


def test_equal_matches_come_newest_first(client, make_article):
    newer = make_article(title="Sovereign one", published_at=timezone.now() - timedelta(days=1))
    older = make_article(title="Sovereign two", published_at=timezone.now() - timedelta(days=9))

    assert found(search_page(client, "sovereign")) == [newer.title, older.title]


def test_title_matches_rank_above_body_matches(client, make_article):
    in_body = make_article(title="Europe's plans", body="A sovereign approach.")
    in_title = make_article(
        title="Sovereign AI", body="Plans.", published_at=timezone.now() - timedelta(days=9)
    )

    assert found(search_page(client, "sovereign")) == [in_title.title, in_body.title]


def test_tags_rank_with_the_title_and_the_summary_above_the_body(client, make_article):
    in_body = make_article(title="One", summary="", body="Quantum chips.")
    in_summary = make_article(title="Two", summary="Quantum chips.", body="Chips.")
    in_tags = make_article(title="Three", summary="", body="Chips.", tags=["Quantum"])

    assert found(search_page(client, "quantum")) == [in_tags.title, in_summary.title, in_body.title]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("regulations", "The regulation was voted."),
        ("regulation", "New regulations were voted."),
        ("running", "They run the model at home."),
        ("models", "A model with open weights."),
        ("sovereign", "Europe wants to be sovereign."),
    ],
)
def test_finds_words_by_their_stem(client, make_article, query, text):
    article = make_article(title="Plain title", summary="", body=text)
    make_article(title="Other", summary="", body="Nothing to see.")

    assert found(search_page(client, query)) == [article.title]


def test_stems_are_not_prefixes(client, make_article):
    # Both stemmers (Porter on SQLite, English Snowball on PostgreSQL) keep "sovereignty"
    # apart from "sovereign": a reader searches for both with `or`.
    article = make_article(title="Plain title", summary="", body="Digital sovereignty.")

    assert found(search_page(client, "sovereign")) == []
    assert found(search_page(client, "sovereign or sovereignty")) == [article.title]


def test_web_search_syntax(client, make_article):
    cloud = make_article(title="Sovereign cloud", body="Data centres.")
    debt = make_article(title="Sovereign debt", body="Bonds and data.")
    make_article(title="Weather", body="Rain.")

    assert found(search_page(client, "sovereign -debt")) == [cloud.title]
    assert found(search_page(client, '"sovereign debt"')) == [debt.title]
    assert found(search_page(client, '"debt sovereign"')) == []
    assert found(search_page(client, 'sovereign -"sovereign debt"')) == [cloud.title]
    assert set(found(search_page(client, "centres or bonds"))) == {cloud.title, debt.title}
    assert set(found(search_page(client, "centres OR bonds"))) == {cloud.title, debt.title}
    assert found(search_page(client, '"sovereign debt')) == [debt.title]  # quote left open
    assert found(search_page(client, "sovereign -debt -cloud")) == []


def test_a_query_that_only_leaves_words_out_finds_the_rest_newest_first(client, make_article):
    cloud = make_article(title="Sovereign cloud", body="Data centres.")
    make_article(title="Sovereign debt", body="Bonds and data.")
    weather = make_article(title="Weather", body="Rain.")

    assert found(search_page(client, "-sovereign")) == [weather.title]
    assert found(search_page(client, "-bonds")) == [cloud.title, weather.title]
    assert found(search_page(client, "-bonds -rain")) == [cloud.title]
    assert set(found(search_page(client, "rain or -data"))) == {weather.title}
    assert set(found(search_page(client, "centres or -data"))) == {cloud.title, weather.title}


@pytest.mark.parametrize("ranked", [10, 5])  # a page of ten: ranked, or only half of it
def test_only_the_newest_matches_are_ranked_then_the_rest_come_newest_first(
    client, make_article, monkeypatch, ranked
):
    monkeypatch.setattr(search, "RANKED_MATCHES", ranked)
    long_ago = timezone.now() - timedelta(days=30)
    older_in_title = make_article(title="Sovereign", body="Plans.", published_at=long_ago)
    in_body = [
        make_article(title=f"Plans {n}", body=f"A sovereign plan, number {n}.") for n in range(10)
    ]
    newer_in_title = make_article(
        title="Sovereign too", body="Plans.", published_at=timezone.now() - timedelta(minutes=5)
    )

    first = found(search_page(client, "sovereign"))
    second = found(search_page(client, "sovereign", page=2))

    # The newest matches, best first (equal ones newest first), then the others by date: the
    # older title match does not come before newer matches in the body.
    assert first == [newer_in_title.title, *(article.title for article in in_body[:9])]
    assert second == [in_body[9].title, older_in_title.title]


def test_an_edited_article_is_found_by_its_new_words_at_once(client, make_article):
    article = make_article(title="Sovereign cloud", summary="About clouds.", body="Data centres.")

    article.title = "Quantum chips"
    article.summary = "About chips."
    article.body = "Silicon foundries."
    article.save()

    for old in ["sovereign", "clouds", "centres"]:
        assert found(search_page(client, old)) == []
    for new in ["quantum", "chips", "foundries"]:
        assert found(search_page(client, new)) == [article.title]


def test_a_retagged_article_is_found_by_its_new_tags_at_once(client, make_article):
    article = make_article(title="Plain title", body="Plain body.", tags=["Europe", "Cloud"])

    article.tags.remove("Cloud")
    article.tags.add("Quantum")

    assert found(search_page(client, "cloud")) == []
    assert found(search_page(client, "europe")) == [article.title]
    assert found(search_page(client, "quantum")) == [article.title]
    article.tags.set(["Silicon"])
    assert found(search_page(client, "europe")) == []
    assert found(search_page(client, "silicon")) == [article.title]
    article.tags.clear()
    assert found(search_page(client, "silicon")) == []


def test_a_renamed_or_deleted_tag_changes_every_article_that_has_it(client, make_article):
    tagged = [make_article(tags=["Cloud"]) for _ in range(3)]

    tag = Tag.objects.get(name="Cloud")
    tag.name = "Sovereignty"
    tag.save()

    assert found(search_page(client, "cloud")) == []
    assert set(found(search_page(client, "sovereignty"))) == {article.title for article in tagged}
    tag.delete()
    assert found(search_page(client, "sovereignty")) == []


def test_a_published_draft_is_found_at_once_and_an_unpublished_article_is_not(client, make_article):
    draft = make_article(title="Sovereign draft", status=Article.Status.DRAFT)
    assert found(search_page(client, "sovereign")) == []

    Article.objects.filter(pk=draft.pk).publish_now()
    assert found(search_page(client, "sovereign")) == [draft.title]

    Article.objects.filter(pk=draft.pk).unpublish()
    assert found(search_page(client, "sovereign")) == []


def test_a_deleted_article_leaves_the_index(client, make_article):
    article = make_article(title="Sovereign cloud", tags=["Europe"])
    kept = make_article(title="Kept")

    article.delete()

    assert found(search_page(client, "sovereign")) == []
    indexed = indexed_articles()
    assert kept.pk in indexed
    assert article.pk not in indexed


def test_results_paginate_and_keep_the_query(client, make_article):
    for number in range(15):
        make_article(title=f"Sovereign story {number}")

    first = search_page(client, "sovereign story")
    second = search_page(client, "sovereign story", page=2)

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
    html = search_page(client, query).content.decode()

    assert '<label for="search-q">' in html
    assert 'name="q" value=""' in html
    assert "result" not in html.split("<main", 1)[1].split("</form>", 1)[1]


def test_no_match_says_so(client, mistral):
    html = search_page(client, "zeppelin").content.decode()

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
    # FTS5's own syntax, which a reader's words never are (fts5_expression)
    "NEAR(",
    "NEAR(mistral sovereign, 2)",
    "*",
    "mistral*",
    "^mistral",
    "title:mistral",
    "{title summary}:mistral",
    "- title : mistral",
    "mistral AND",
    "NOT mistral",
    "mistral NOT",
    "AND OR NOT",
    '"mistral" + "sovereign"',
    '""',
    '""""',
    "\"'",
    '-"',
    '"mistral',
    'mistral"',
    "or -",
    "-mistral or",
    "mistral or or or sovereign",
    "rowid:1",
    "mistral\x00 OR 1",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_get_a_page(client, mistral, query):
    response = search_page(client, query)

    html = response.content.decode()
    assert "Search the articles" in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("sovereign", FTS5Expression('(("sovereign"))')),
        ("Sovereign cloud", FTS5Expression('(("Sovereign" AND "cloud"))')),
        ('"data centre" -debt', FTS5Expression('(("data centre") NOT ("debt"))')),
        ('a -"b c" -d', FTS5Expression('(("a") NOT ("b c" OR "d"))')),
        ("centres or bonds", FTS5Expression('(("centres")) OR (("bonds"))')),
        ("a b OR c", FTS5Expression('(("a" AND "b")) OR (("c"))')),
        ("-debt", FTS5Expression(None, '("debt")')),
        ("-a -b", FTS5Expression(None, '("a" OR "b")')),
        ("-a or -b", FTS5Expression(None, '("a") AND ("b")')),
        ("rain or -data", FTS5Expression('(("rain"))', '("data")')),
        ('"unterminated phrase', FTS5Expression('(("unterminated phrase"))')),
        ('say"hi there" now', FTS5Expression('(("say" AND "hi there" AND "now"))')),
        ("NEAR(a b, 2)", FTS5Expression('(("NEAR(a" AND "b," AND "2)"))')),
        ("title:x ^y z*", FTS5Expression('(("title:x" AND "^y" AND "z*"))')),
        ("a & b", FTS5Expression('(("a" AND "b"))')),
        ("or a or or b or", FTS5Expression('(("a")) OR (("b"))')),
        ("--a", FTS5Expression(None, '("a")')),
        (
            " ".join("abcdefghijkl"),
            FTS5Expression(f"(({' AND '.join(chr(34) + c + chr(34) for c in 'abcdefghij')}))"),
        ),
    ],
)
def test_a_query_becomes_fts5_strings_and_operators_only(query, expression):
    assert fts5_expression(query) == expression


@pytest.mark.parametrize("query", ["or", "OR or", "-", "--", '""', "&|!():*<>", "- or -"])
def test_a_query_without_words_searches_nothing(client, mistral, query):
    assert fts5_expression(query) is None
    assert "0 results" in search_page(client, query).content.decode()


def test_quotes_in_a_term_are_doubled():
    assert search._fts5_string('say "hi"') == '"say ""hi"""'


def test_long_query_is_cut(client, mistral):
    response = search_page(client, "sovereign " + "x" * 10240)

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
    html = search_page(client, "sovereign").content.decode()

    assert '<meta name="robots" content="noindex">' in html


def test_search_queries_do_not_grow(client, make_article, django_assert_num_queries):
    make_article(title="Sovereign first", tags=["Sovereign AI"])
    with django_assert_num_queries(2):  # count, page with categories
        search_page(client, "sovereign")

    for number in range(14):
        make_article(title=f"Sovereign {number}", tags=["Sovereign AI", f"tag{number}"])
    with django_assert_num_queries(2):
        assert len(found(search_page(client, "sovereign"))) == 10
    with django_assert_num_queries(2):
        assert len(found(search_page(client, "sovereign", page=2))) == 5
    with django_assert_num_queries(0):
        search_page(client, "")
