"""Staff in the thread: an editor logged in on the site posts as themselves, with a "staff"
badge and their display name, no email asked and no first-time hold; JSON-LD makes them a
member of the site's organisation. Only the session makes a comment staff's: a reader who
types an editor's name and email gets neither badge nor privilege."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.conftest import comment_form_data, comments_url
from tests.test_metadata import article_json_ld

BADGE = '<span class="badge badge--staff">staff</span>'


@pytest.fixture
def first_time(settings):
    settings.COMMENTS_MODERATION = "first-time"
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"


@pytest.fixture
def editor_named(editor):
    editor.first_name, editor.last_name = "Léa", "Martin"
    editor.save()
    return editor


def test_an_editor_is_not_asked_for_a_name_or_email(editor_client, editor_named, mistral):
    html = editor_client.get(mistral.get_absolute_url()).content.decode()
    form = html[html.index('id="post-comment"') :]

    assert "Posting as <b>Léa Martin</b> " + BADGE in form
    assert 'name="author_name"' not in form and 'name="author_email"' not in form


def test_an_editor_posts_as_staff_without_the_first_time_hold(
    editor_client, editor_named, mistral, make_comment, first_time
):
    answered = make_comment(mistral, author_name="Camille")

    response = editor_client.post(
        comments_url(mistral),
        {"body": "We checked: the figure is from the annual report.", "parent": answered.pk},
    )

    assert response.status_code == 303
    comment = Comment.objects.get(by_staff=True)
    assert (comment.author_name, comment.author_email) == ("Léa Martin", "editor@example.com")
    assert comment.author_user == editor_named
    assert comment.status == Comment.Status.APPROVED
    assert comment.parent == answered
    assert "commenter" not in response.cookies, "the session says who they are"
    html = Client().get(mistral.get_absolute_url()).content.decode()
    assert "<b>Léa Martin</b> " + BADGE in html


def test_a_staff_comment_is_the_organisations_in_json_ld(
    client, editor_client, editor_named, mistral, make_comment, first_time
):
    make_comment(mistral, author_name="A reader")
    editor_client.post(comments_url(mistral), {"body": "From the newsroom."})

    comments = {
        c["author"]["name"]: c["author"] for c in article_json_ld(Client(), mistral)["comment"]
    }

    assert comments["Léa Martin"]["memberOf"] == {"@type": "Organization", "name": "mistralnews"}
    assert "memberOf" not in comments["A reader"]


def test_a_reader_cannot_post_as_an_editor(client, editor_named, mistral, first_time):
    forged = comment_form_data(
        author_name="Léa Martin", author_email="editor@example.com", body="Trust me, I'm staff."
    )

    client.post(comments_url(mistral), {**forged, "by_staff": "on", "author_user": editor_named.pk})

    comment = Comment.objects.get()
    assert comment.by_staff is False and comment.author_user is None
    assert comment.status == Comment.Status.PENDING, "held like any first comment"
    comment.status = Comment.Status.APPROVED
    comment.save()
    assert BADGE not in comment.card_html
    assert BADGE not in client.get(mistral.get_absolute_url()).content.decode()
