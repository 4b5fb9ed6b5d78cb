"""The Editors group, the create_editor command, and who may enter the desk."""

import importlib
import re
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.test_article_admin import article_form_data

DESK_PERMISSIONS = {
    *(f"articles.{action}_{model}"
      for model in ["article", "category", "discussionquestion", "correction", "bodyimage"]
      for action in ["add", "change", "delete", "view"]),
    *(f"taggit.{action}_tag" for action in ["add", "change", "delete", "view"]),
    "comments.change_comment",
    "comments.view_comment",
    "comments.view_moderationevent",
    *(f"comments.{action}_addressrule" for action in ["add", "change", "delete", "view"]),
    "comments.change_communityguidelines",
    "comments.view_communityguidelines",
    *(f"desk.{action}_removalreason" for action in ["add", "change", "delete", "view"]),
    "outbox.view_email",
    "outbox.view_refusedaddress",
}  # fmt: skip


def group_permissions():
    group = Group.objects.get(name="Editors")
    return {
        f"{label}.{codename}"
        for label, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_editors_group_has_exactly_the_desk_permissions(db):
    assert group_permissions() == DESK_PERMISSIONS


def test_editors_group_migration_is_idempotent_and_makes_missing_permissions(db):
    migration = importlib.import_module("desk.migrations.0008_editors_use_the_image_library")
    Permission.objects.filter(codename="view_moderationevent").delete()
    schema_editor = SimpleNamespace(connection=connection)

    migration.let_editors_use_the_image_library(apps, schema_editor)
    migration.let_editors_use_the_image_library(apps, schema_editor)

    assert Group.objects.filter(name="Editors").count() == 1
    assert group_permissions() == DESK_PERMISSIONS
    assert Permission.objects.filter(codename="view_moderationevent").count() == 1


def create_editor(*args, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", StringIO(stdin))
    out = StringIO()
    call_command("create_editor", *args, stdout=out)
    return out.getvalue()


def log_in(client, username, password):
    """Log in through the desk's login form, as an editor does: whether it let them in.
    (`client.login()` calls authenticate() without a request, which django-axes refuses.)"""
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_create_editor_prints_a_generated_password_that_logs_in(client, db):
    output = create_editor("alice", "--email", "alice@example.com")

    password = re.search(r"Password, shown only now: (\S+)", output).group(1)
    alice = User.objects.get(username="alice")
    assert alice.email == "alice@example.com"
    assert alice.is_staff and not alice.is_superuser
    assert list(alice.groups.values_list("name", flat=True)) == ["Editors"]
    assert len(password) >= 20
    assert log_in(client, "alice", password)
    assert client.get("/admin/comments/comment/").status_code == 200


def test_generated_passwords_differ(db):
    first = create_editor("alice", "--email", "alice@example.com")
    second = create_editor("bruno", "--email", "bruno@example.com")

    assert (
        first.split("Password, shown only now: ")[1].split()[0]
        != (second.split("Password, shown only now: ")[1].split()[0])
    )


def test_create_editor_reads_the_password_from_stdin(client, db, monkeypatch):
    output = create_editor(
        "alice",
        "--email",
        "alice@example.com",
        "--password-stdin",
        stdin="Lighthouse-keeper-of-Brest-1987\n",
        monkeypatch=monkeypatch,
    )

    assert "Lighthouse" not in output
    assert "Password" not in output
    assert log_in(client, "alice", "Lighthouse-keeper-of-Brest-1987")


@pytest.mark.parametrize(
    ("password", "message"),
    [("password\n", "too common"), ("Xy7\n", "too short"), ("\n", "too short")],
)
def test_create_editor_applies_the_password_validators(db, monkeypatch, password, message):
    with pytest.raises(CommandError, match=message):
        create_editor(
            "alice", "--email", "a@example.com", "--password-stdin", stdin=password,
            monkeypatch=monkeypatch,
        )  # fmt: skip

    assert not User.objects.exists()


def test_create_editor_refuses_an_existing_username(db):
    User.objects.create_user("alice", "first@example.com", "An-old-passphrase-0001")

    with pytest.raises(CommandError, match="already exists"):
        create_editor("alice", "--email", "second@example.com")

    alice = User.objects.get()
    assert alice.email == "first@example.com"
    assert not alice.is_staff
    assert alice.check_password("An-old-passphrase-0001")


def test_create_editor_refuses_an_invalid_email(db):
    with pytest.raises(CommandError, match="valid email"):
        create_editor("alice", "--email", "not-an-email")

    assert not User.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/articles/category/",
        "/admin/taggit/tag/",
        "/admin/comments/comment/",
        "/admin/comments/moderationevent/",
    ],
)
def test_editor_can_open_the_desk(editor_client, url):
    assert editor_client.get(url).status_code == 200


def test_editor_can_open_an_article(editor_client, mistral):
    assert editor_client.get(f"/admin/articles/article/{mistral.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_editor_cannot_reach_users_or_groups(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_editors_desk_does_not_list_users_or_groups(editor_client):
    html = editor_client.get("/admin/").content.decode()

    assert 'href="/admin/comments/comment/"' in html
    assert 'href="/admin/auth/user/"' not in html
    assert 'href="/admin/auth/group/"' not in html


def test_editor_cannot_make_themselves_superuser(editor_client, editor):
    response = editor_client.post(
        f"/admin/auth/user/{editor.pk}/change/", {"is_superuser": "on", "username": "editor"}
    )

    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser


@pytest.mark.parametrize("url", ["/admin/", "/admin/comments/comment/", "/admin/auth/user/"])
def test_anonymous_visitors_are_sent_to_the_admin_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_logged_in_reader_without_staff_gets_the_login_page_not_data(client, mistral, make_comment):
    make_comment(mistral, body="A private pending comment.", status=Comment.Status.PENDING)
    reader = User.objects.create_user("reader", "reader@example.com", "Reader-passphrase-77")
    client.force_login(reader)

    response = client.get("/admin/comments/comment/", follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert "You are authenticated as reader, but are not authorized to access this page" in html
    assert "A private pending comment." not in html
    assert "reader1@example.com" not in html


def test_a_new_editor_writes_schedules_publishes_and_moderates(
    client, mistral, make_comment, category
):
    output = create_editor("alice", "--email", "alice@example.com")
    password = re.search(r"Password, shown only now: (\S+)", output).group(1)
    assert log_in(client, "alice", password)
    held = make_comment(mistral, status=Comment.Status.PENDING, body="Held for review.")
    reader = Client()

    draft = article_form_data(
        title="Le Chat in parliament",
        slug="le-chat-in-parliament",
        body="Germany's parliament pilots Le Chat.",
        category=str(category.pk),
        **{
            "questions-TOTAL_FORMS": "1",
            "questions-0-position": "1",
            "questions-0-text": "Who audits it?",
        },
    )
    assert client.post("/admin/articles/article/add/", draft).status_code == 302
    article = Article.objects.get(slug="le-chat-in-parliament")
    preview = client.get(article.get_preview_url()).content.decode()
    assert "Draft: not visible to readers." in preview and "Who audits it?" in preview

    tomorrow = timezone.now() + timedelta(days=1)
    scheduled = article_form_data(
        article,
        status=Article.Status.PUBLISHED,
        published_at_0=tomorrow.strftime("%Y-%m-%d"),
        published_at_1=tomorrow.strftime("%H:%M:%S"),
    )
    assert (
        client.post(f"/admin/articles/article/{article.pk}/change/", scheduled).status_code == 302
    )
    assert (
        "Scheduled: appears to readers on" in client.get(article.get_preview_url()).content.decode()
    )
    assert reader.get(article.get_absolute_url()).status_code == 404

    client.post(
        "/admin/articles/article/", {"action": "publish_now", "_selected_action": [article.pk]}
    )
    assert reader.get(article.get_absolute_url()).status_code == 200

    client.post("/admin/comments/comment/", {"action": "approve", "_selected_action": [held.pk]})
    assert "Held for review." in reader.get(mistral.get_absolute_url()).content.decode()
    assert "<strong>Approved</strong>" in reader.get("/moderation/").content.decode()
