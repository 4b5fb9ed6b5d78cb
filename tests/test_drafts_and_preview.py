"""Drafts and scheduled articles: the staff-only preview, and "Updated" after publication."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from articles.models import Article
from tests.test_article_admin import article_form_data, change_url


@pytest.mark.parametrize(
    ("fields", "banner"),
    [
        ({"status": Article.Status.DRAFT, "published_at": None}, "Draft: not visible to readers."),
        (
            {"published_at": timezone.now() + timedelta(days=2)},
            "Scheduled: appears to readers on",
        ),
        ({}, "Published article, editor's preview."),
    ],
)
def test_editor_previews_any_article_with_a_banner(editor_client, make_article, fields, banner):
    article = make_article(title="Le Chat in parliament", questions=["Who audits it?"], **fields)

    response = editor_client.get(article.get_preview_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert banner in html
    assert "Only editors can see this preview." in html
    assert "<h1>Le Chat in parliament</h1>" in html
    assert article.body_html in html
    assert "Who audits it?" in html
    assert f'href="{change_url(article)}">Edit in the desk</a>' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_preview_is_private_and_never_cached(editor_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)

    response = editor_client.get(draft.get_preview_url())

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= directives
    assert "public" not in directives
    assert "Cookie" in response["Vary"]


def test_preview_has_no_comment_form(editor_client, make_article, make_comment):
    draft = make_article(status=Article.Status.DRAFT, questions=["Who audits it?"])

    html = editor_client.get(draft.get_preview_url()).content.decode()

    assert '<form method="post"' not in html
    assert "Post a Comment" not in html
    assert "The comment form is not shown in a preview." in html
    assert "Answer this question" not in html


def test_preview_shows_comments_without_reply_links(editor_client, make_article, make_comment):
    article = make_article()
    make_comment(article, body="An approved comment.")

    html = editor_client.get(article.get_preview_url()).content.decode()

    assert "An approved comment." in html
    assert "reply_to=" not in html


@pytest.mark.parametrize("who", ["anonymous", "reader", "staff without article access"])
def test_preview_is_404_for_everyone_else(client, make_article, who):
    draft = make_article(status=Article.Status.DRAFT, title="Secret draft")
    if who != "anonymous":
        user = User.objects.create_user("someone", is_staff=who != "reader")
        client.force_login(user)

    response = client.get(draft.get_preview_url())

    assert response.status_code == 404
    assert "Secret draft" not in response.content.decode()


def test_public_page_of_a_draft_is_404_even_for_editors(editor_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)

    assert editor_client.get(draft.get_absolute_url()).status_code == 404


def test_preview_of_an_unknown_article_is_404(editor_client):
    assert editor_client.get("/articles/no-such-article/preview/").status_code == 404


def updated_line(article):
    return f'Updated <time datetime="{article.revised_at:%Y-%m-%dT%H:%M:%SZ}">'


def test_editing_a_published_article_shows_updated_to_readers(client, editor_client, mistral):
    data = article_form_data(mistral, body=mistral.body + "\n\nCorrection: the raise was $3.5bn.")

    response = editor_client.post(change_url(mistral), data)

    assert response.status_code == 302
    mistral.refresh_from_db()
    assert mistral.revised_at is not None
    html = client.get(mistral.get_absolute_url()).content.decode()
    assert updated_line(mistral) in html
    assert "Correction: the raise was $3.5bn." in html


def test_saving_a_published_article_unchanged_is_not_an_update(client, editor_client, mistral):
    # Browsers send a textarea's line breaks as CRLF.
    data = article_form_data(mistral, body=mistral.body.replace("\n", "\r\n"))

    editor_client.post(change_url(mistral), data)

    mistral.refresh_from_db()
    assert mistral.revised_at is None
    assert "Updated" not in client.get(mistral.get_absolute_url()).content.decode()


def test_publishing_a_draft_is_not_an_update(client, editor_client, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    data = article_form_data(draft, status=Article.Status.PUBLISHED, body="Edited as it goes out.")

    editor_client.post(change_url(draft), data)

    draft.refresh_from_db()
    assert draft.is_published
    assert draft.revised_at is None
    assert "Updated" not in client.get(draft.get_absolute_url()).content.decode()


def test_edits_before_a_scheduled_article_appears_are_not_updates(
    client, editor_client, make_article, monkeypatch
):
    publish_at = timezone.now() + timedelta(hours=2)
    scheduled = make_article(published_at=publish_at)

    editor_client.post(change_url(scheduled), article_form_data(scheduled, body="Final text."))
    monkeypatch.setattr(timezone, "now", lambda: publish_at + timedelta(minutes=1))

    scheduled.refresh_from_db()
    assert scheduled.revised_at is None
    html = client.get(scheduled.get_absolute_url()).content.decode()
    assert "Final text." in html
    assert "Updated" not in html


def test_republishing_after_an_update_drops_the_old_updated_line(
    client, editor_client, make_article
):
    article = make_article()
    editor_client.post(change_url(article), article_form_data(article, body="Revised."))
    editor_client.post(
        "/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
    )
    editor_client.post(
        "/admin/articles/article/", {"action": "publish_now", "_selected_action": [article.pk]}
    )

    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()
