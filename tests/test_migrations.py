from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit:
        pytest.fail(f"Models changed without a migration:\n{out.getvalue()}")


# The last migrations of the page-cache and moderation-log era, before the desk app.
BEFORE_THE_DESK = [
    ("articles", "0003_page_cache"),
    ("comments", "0003_editors_group"),
    ("freshness", None),
    ("desk", None),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_from_before_the_desk_app_migrates_with_its_data():
    """A database that ran the old migrations (the Editors group made by comments.0003,
    moderation actions named after statuses, no cards or stored counts) comes through whole."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_DESK)
    old = executor.loader.project_state(BEFORE_THE_DESK[:2]).apps
    Group, Permission = old.get_model("auth", "Group"), old.get_model("auth", "Permission")
    Group.objects.filter(name="Editors").delete()  # as if desk.0001 had never run
    editors = Group.objects.create(name="Editors")
    editors.permissions.set(Permission.objects.filter(codename="view_comment"))
    category = old.get_model("articles", "Category").objects.create(name="AI", slug="ai")
    article = old.get_model("articles", "Article").objects.create(
        title="Old", slug="old", body="Body.", body_html="<p>Body.</p>", status="published",
        published_at=timezone.now(), category=category, cache_token="0123456789abcdef",
    )  # fmt: skip
    Comment = old.get_model("comments", "Comment")
    shown, removed = (
        Comment.objects.create(
            article=article,
            author_name=name,
            author_email="a@example.com",
            body=body,
            body_html=f"<p>{body}</p>",
            status=status,
            moderation_reason=reason,
        )
        for name, body, status, reason in [
            ("Ada", "Shown.", "approved", ""),
            ("Bob", "Gone.", "removed", "Rude"),
        ]
    )
    ModerationEvent = old.get_model("comments", "ModerationEvent")
    for comment, action in [(shown, "approved"), (removed, "removed")]:
        ModerationEvent.objects.create(comment=comment, action=action)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from articles.models import Article
    from comments.models import Comment, ModerationEvent

    migrated = Article.objects.get(slug="old")
    assert (migrated.version, migrated.comment_count) != ("0123456789abcdef", 0)
    assert migrated.comment_count == 1
    assert "Ada" in Comment.objects.get(pk=shown.pk).card_html
    assert (
        "Comment removed by the moderators (Rude)" in Comment.objects.get(pk=removed.pk).card_html
    )
    assert sorted(ModerationEvent.objects.values_list("action", flat=True)) == ["approve", "remove"]
    assert Group.objects.filter(name="Editors").count() == 1
    assert "change_article" in set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )


BEFORE_THE_SEARCH_INDEX = [("articles", "0004_versions_and_comment_count")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_search_index_is_made_with_the_articles_there_are(client):
    """articles.0005 makes the index of this database (a GIN-indexed vector on PostgreSQL,
    an FTS5 table on SQLite) and fills it: older articles are found by their words and tags."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_SEARCH_INDEX)
    old = executor.loader.project_state(BEFORE_THE_SEARCH_INDEX).apps
    category = old.get_model("articles", "Category").objects.create(name="AI", slug="ai")
    article = old.get_model("articles", "Article").objects.create(
        title="Older article", slug="older", body="Regulations.", body_html="<p>Regulations.</p>",
        status="published", published_at=timezone.now(), category=category,
    )  # fmt: skip
    tag = old.get_model("taggit", "Tag").objects.create(name="Quantum", slug="quantum")
    old.get_model("articles", "TaggedArticle").objects.create(content_object=article, tag=tag)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    for query in ["regulation", "quantum"]:
        page = client.get("/search/", {"q": query}).context["page_obj"]
        assert [found.title for found in page] == ["Older article"]
