"""The search index: each article's title, tag names, summary and body as full-text search
reads them (articles.search queries it).

- PostgreSQL: a `SearchDocument` per article, one stored tsvector (English configuration;
  title and tag names weight A, summary B, body C) with a GIN index.
- SQLite: a row per article in the FTS5 table `articles_search`, its rowid the article's id
  (`porter unicode61` tokenizer: English stemming, any script, diacritics ignored). Raw SQL:
  the ORM has no virtual tables (a model of it, even unmanaged, would be dumped by
  `dumpdata` on PostgreSQL too, where there is no such table).

Every writer that changes what the index holds calls `update()` in its writing transaction:
`Article.save()`, and articles/signals.py for taggings, tag renames, deletions and fixtures.
Drafts are indexed too; searches keep to `Article.objects.published()`, so publishing or
unpublishing changes nothing here.

Why SQLite's table keeps its own copy of the text (83 MB at 10,000 articles, about what
their bodies take): FTS5 can drop an article's entry by rowid alone only from a table with
content. A contentless table can from SQLite 3.43 (`contentless_delete=1`); Debian 12's
Python has 3.40. Before that, contentless and external-content tables drop an entry only
when given the exact words it was indexed with, which every writer would have to read
before it writes, or triggers on the articles and tags tables: Django's SQLite table
rebuilds in later migrations drop those without a word (and fail on a view over them).
One writer that forgot would leave an article's old words in the index for good.
"""

from collections import defaultdict

from django.apps import apps as installed_apps
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import TextField, Value

SEARCH_CONFIG = "english"
# Articles read and written per statement when many change at once (a tag rename, rebuild).
BATCH_SIZE = 500


def update(article_ids, *, apps=installed_apps):
    """Make the search index hold these articles as they are stored now: their title, tag
    names, summary and body, or nothing for those that no longer exist. `apps` is a
    migration's historical apps when a migration calls it."""
    ids = sorted(set(article_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        texts = _texts(apps, batch)
        if connection.vendor == "postgresql":
            _store_vectors(apps, batch, texts)
        else:
            _store_fts5_rows(batch, texts)


def rebuild(*, apps=installed_apps):
    """Index every article afresh, dropping whatever the index held before (on SQLite, words
    of articles that are gone: `manage.py flush` empties the articles, not the FTS5 table)."""
    Article = apps.get_model("articles", "Article")
    if connection.vendor == "postgresql":
        apps.get_model("articles", "SearchDocument").objects.all().delete()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM articles_search")
    update(Article.objects.values_list("pk", flat=True), apps=apps)


def _texts(apps, ids):
    """{article id: (title, tag names, summary, body)} of those of `ids` that exist."""
    Article = apps.get_model("articles", "Article")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    names = defaultdict(list)
    taggings = TaggedArticle.objects.filter(content_object__in=ids).order_by("tag__name")
    for article_id, name in taggings.values_list("content_object", "tag__name"):
        names[article_id].append(name)
    rows = Article.objects.filter(pk__in=ids).values_list("pk", "title", "summary", "body")
    return {pk: (title, " ".join(names[pk]), summary, body) for pk, title, summary, body in rows}


def _store_vectors(apps, ids, texts):
    SearchDocument = apps.get_model("articles", "SearchDocument")
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(article_id=pk, vector=document_vector(*text))
            for pk, text in texts.items()
        ],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["vector"],
    )
    # A deleted article's document went with it (CASCADE); this is for callers that ask.
    SearchDocument.objects.filter(article__in=set(ids) - texts.keys()).delete()


def document_vector(title, tags, summary, body):
    """The tsvector PostgreSQL indexes an article by, from its stored text."""
    weighted = [(title, "A"), (tags, "A"), (summary, "B"), (body, "C")]
    vectors = [
        SearchVector(Value(text, output_field=TextField()), weight=weight, config=SEARCH_CONFIG)
        for text, weight in weighted
    ]
    document = vectors[0]
    for vector in vectors[1:]:
        document += vector
    return document


def _store_fts5_rows(ids, texts):
    # Raw SQL: FTS5's table (see the module's docstring); every value is a parameter.
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM articles_search WHERE rowid = %s", [(pk,) for pk in ids])
        cursor.executemany(
            "INSERT INTO articles_search (rowid, title, tags, summary, body)"
            " VALUES (%s, %s, %s, %s, %s)",
            [(pk, *text) for pk, text in texts.items()],
        )
