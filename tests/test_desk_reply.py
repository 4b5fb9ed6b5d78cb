"""Replying from the queue: an editor answers a held comment where they decide on it. The reply
is posted as staff, as on the article page, and the comment it answers is approved with it;
a reply that cannot be posted leaves the comment waiting."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from comments.models import Comment, ModerationEvent
from tests.test_desk_queue import QUEUE

Status = Comment.Status
BADGE = '<span class="badge badge--staff">staff</span>'


def reply_url(comment):
    return f"{QUEUE}{comment.pk}/reply/"


@pytest.fixture
def held(mistral, make_comment):
    return make_comment(mistral, author_name="Camille", status=Status.PENDING)


@pytest.fixture
def editor_named(editor):
    editor.first_name, editor.last_name = "Léa", "Martin"
    editor.save()
    return editor


def test_each_row_of_the_queue_has_a_reply_form(editor_client, held):
    html = editor_client.get(QUEUE).content.decode()

    assert f'<form class="queue-reply" method="post" action="{reply_url(held)}">' in html
    assert f'<label for="reply-{held.pk}">' in html
    assert f'<textarea id="reply-{held.pk}" name="body"' in html


def test_an_editor_replies_as_staff_and_the_held_comment_is_approved(
    editor_client, editor_named, held, mistral
):
    response = editor_client.post(
        reply_url(held), {"body": "Thanks: we fixed the figure.", "next": f"{QUEUE}?page=1"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?page=1"
    held.refresh_from_db()
    assert held.status == Status.APPROVED
    assert ModerationEvent.objects.get(comment=held).moderator == editor_named
    reply = Comment.objects.get(parent=held)
    assert (reply.by_staff, reply.author_user, reply.status) == (
        True,
        editor_named,
        Status.APPROVED,
    )
    assert reply.author_name == "Léa Martin"
    page = Client().get(mistral.get_absolute_url()).content.decode()
    assert "Thanks: we fixed the figure." in page
    assert "<b>Léa Martin</b> " + BADGE in page
    queue = editor_client.get(QUEUE).content.decode()
    assert "Camille&#x27;s comment: approved, and replied to as staff." in queue


def test_replying_to_an_approved_comment_only_adds_the_reply(editor_client, mistral, make_comment):
    shown = make_comment(mistral)

    editor_client.post(reply_url(shown), {"body": "Good question."})

    assert not ModerationEvent.objects.exists()
    assert Comment.objects.get(parent=shown).by_staff


def test_an_empty_reply_is_refused_and_the_comment_stays_waiting(editor_client, held):
    response = editor_client.post(reply_url(held), {"body": "  "})

    assert response.status_code == 400
    assert "Please write your comment." in response.content.decode()
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert not ModerationEvent.objects.exists()
    assert Comment.objects.count() == 1


def test_a_removed_comment_cannot_be_replied_to(editor_client, mistral, make_comment):
    removed = make_comment(mistral, status=Status.REMOVED)

    response = editor_client.post(reply_url(removed), {"body": "Hello?"})

    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_no_reply_where_comments_are_closed(editor_client, held, mistral):
    mistral.comments_open = False
    mistral.save()

    response = editor_client.post(reply_url(held), {"body": "Too late."})

    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert Comment.objects.count() == 1


def test_staff_who_cannot_moderate_get_403(held):
    intern = Client()
    intern.force_login(User.objects.create_user("intern", is_staff=True))

    response = intern.post(reply_url(held), {"body": "I am staff too."})

    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert Comment.objects.count() == 1


def test_a_moderator_outside_the_editors_may_reply(held):
    helper = User.objects.create_user("helper", "helper@example.com", is_staff=True)
    helper.user_permissions.add(Permission.objects.get(codename="change_comment"))
    browser = Client()
    browser.force_login(helper)

    assert browser.post(reply_url(held), {"body": "Noted."}).status_code == 302
    assert Comment.objects.get(parent=held).author_user == helper


def test_a_reply_needs_the_csrf_token(editor, held):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)

    response = browser.post(reply_url(held), {"body": "Forged."})

    assert response.status_code == 403
    assert Comment.objects.count() == 1


def test_a_get_is_not_a_reply(editor_client, held):
    assert editor_client.get(reply_url(held)).status_code == 405
