"""Searching the published articles: full-text on PostgreSQL, every-term matching elsewhere."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from articles.models import Article, TaggedArticle
from mistralnews.characters import drop_control_characters

# A reader's query is cut to this much before it reaches the database.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
SEARCH_CONFIG = "english"


def clean_query(raw):
    """The part of a reader's query that is searched: no control characters, single
    spaces, at most MAX_QUERY_LENGTH characters."""
    # Control characters (NUL among them, which PostgreSQL refuses in text) count as spaces.
    text = " ".join(drop_control_characters(raw or "", replacement=" ").split())
    return text[:MAX_QUERY_LENGTH].strip()


def search_articles(query):
    """Published articles matching the cleaned `query`.

    On PostgreSQL: web-search syntax ("quoted phrases", or, -not) over title, tags, summary
    and body, best match first. Elsewhere: every term must appear in the title, summary,
    body or a tag name, ignoring case, newest first.
    """
    articles = Article.objects.published().select_related("category")
    if connection.vendor == "postgresql":
        return _ranked(articles, query)
    return _every_term(articles, query.split()[:MAX_TERMS])


def _every_term(articles, terms):
    for term in terms:
        tagged = TaggedArticle.objects.filter(
            content_object=OuterRef("pk"), tag__name__icontains=term
        )
        articles = articles.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(body__icontains=term)
            | Exists(tagged)
        )
    return articles


def _ranked(articles, query):
    # Imported here: it needs psycopg, which only a PostgreSQL installation has.
    from django.contrib.postgres.aggregates import StringAgg

    # Computed per query rather than stored: no index to keep in step, and fast at our size.
    tag_names = Subquery(
        TaggedArticle.objects.filter(content_object=OuterRef("pk"))
        .values("content_object")
        .annotate(names=StringAgg("tag__name", " "))
        .values("names")
    )
    document = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(
            Coalesce(tag_names, Value(""), output_field=TextField()),
            weight="A",
            config=SEARCH_CONFIG,
        )
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )
    search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        articles.annotate(document=document)
        .filter(document=search)
        .annotate(rank=SearchRank(F("document"), search))
        .order_by("-rank", "-published_at", "-id")
    )
