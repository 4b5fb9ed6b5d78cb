"""The search index (articles/search_index.py): on PostgreSQL a stored tsvector per article
with a GIN index and the function that reads it (articles.search.PostgresMatches), on
SQLite the FTS5 table `articles_search`, each made on its own database only, then filled
with the articles there are.

The GIN index is not in SearchDocument's Meta, where SQLite would be asked to make it; the
FTS5 table is a virtual table, which Django cannot make."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from articles import search_index

GIN_INDEX = "article_search_vector_idx"
# Planned with sequential scans off: the planner does not count reading the TOASTed vectors
# and would read all of them rather than the GIN index (articles.search.PostgresMatches).
MATCHES_FUNCTION = """
    CREATE FUNCTION articles_search_matches(query tsquery) RETURNS TABLE (article_id integer)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_seqscan = off
    AS $$ SELECT article_id FROM articles_searchdocument WHERE vector @@ query $$
"""
# Porter stemming over Unicode 6.1 word characters, without diacritics: "régulations" is
# found by "regulation". Written and read by articles/search_index.py and search.py.
FTS5_TABLE = """
    CREATE VIRTUAL TABLE articles_search USING fts5(
        title, tags, summary, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )
"""


def make_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(
            apps.get_model("articles", "SearchDocument"),
            GinIndex(fields=["vector"], name=GIN_INDEX),
        )
        schema_editor.execute(MATCHES_FUNCTION)
    else:
        schema_editor.execute(FTS5_TABLE)
    search_index.rebuild(apps=apps)


def drop_index(apps, schema_editor):
    # On PostgreSQL the index goes with SearchDocument's table.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION articles_search_matches(tsquery)")
    else:
        schema_editor.execute("DROP TABLE articles_search")


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_question_counts'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='articles.article')),
                ('vector', django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunPython(make_index, drop_index),
    ]
