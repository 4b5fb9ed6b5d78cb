"""A comment withdrawn by its author: gone from the page, or a placeholder where it has
replies, logged in public as the author's action, and never brought back by an editor. The
author withdraws it, after confirming, from the browser that posted it or with the link of
its receipt, at any time; nobody else can."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments import editing
from comments.models import Comment, ModerationEvent, UsedLink
from comments.moderation import moderate, withdraw
from tests.conftest import comment_form_data, comments_url


def page(client, article):
    return client.get(article.get_absolute_url()).content.decode()


def test_a_withdrawn_comment_without_replies_disappears(client, mistral, make_comment):
    comment = make_comment(mistral, author_name="Jonas", body="Second thoughts.")

    assert withdraw(Comment.objects.filter(pk=comment.pk)) == 1

    html = page(client, mistral)
    assert f'id="comment-{comment.pk}"' not in html
    assert "Second thoughts." not in html
    assert Article.objects.get(pk=mistral.pk).comment_count == 0
    assert client.get(f"/comments/{comment.pk}/").status_code == 404


def test_a_withdrawn_comment_with_replies_leaves_a_placeholder(client, mistral, make_comment):
    comment = make_comment(mistral, author_name="Jonas", body="Second thoughts.")
    reply = make_comment(mistral, parent=comment, body="I liked it.")

    withdraw(Comment.objects.filter(pk=comment.pk))

    html = page(client, mistral)
    assert "Comment withdrawn by its author." in html
    assert "Second thoughts." not in html and "Jonas" not in html
    assert f'id="comment-{reply.pk}"' in html and "I liked it." in html


def test_a_withdrawal_is_logged_as_the_authors_action_without_their_name(
    client, mistral, make_comment
):
    comment = make_comment(mistral, author_name="Jonas")

    withdraw(Comment.objects.filter(pk=comment.pk))

    event = ModerationEvent.objects.get()
    assert (event.action, event.moderator) == (ModerationEvent.Action.WITHDRAW, None)
    log = client.get("/moderation/").content.decode()
    assert "<strong>Withdrawn by its author</strong>" in log
    assert "Jonas" not in log


def test_no_editor_brings_back_what_its_author_withdrew(mistral, make_comment, editor):
    comment = make_comment(mistral)
    withdraw(Comment.objects.filter(pk=comment.pk))

    changed = moderate(Comment.objects.filter(pk=comment.pk), "approve", editor)

    assert changed == 0
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.WITHDRAWN


# Withdrawing from the author's browser or with the receipt's link


def post(client, article, **fields):
    response = client.post(comments_url(article), comment_form_data(**fields))
    assert response.status_code == 303, response.content
    return Comment.objects.get(pk=int(response["Location"].rsplit("-", 1)[1]))


def withdraw_path(comment):
    return f"/comments/{comment.pk}/withdraw/"


def status(comment):
    return Comment.objects.get(pk=comment.pk).status


def test_the_author_confirms_then_withdraws_from_their_browser(client, mistral, open_comments):
    comment = post(client, mistral, body="Second thoughts.")

    confirm = client.get(withdraw_path(comment))

    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "no-cache" in confirm["Cache-Control"]
    assert "Withdraw your comment?" in html and "Second thoughts." in html
    assert "Withdraw my comment</button>" in html and 'name="csrfmiddlewaretoken"' in html
    assert status(comment) == Comment.Status.APPROVED, "opening the page withdraws nothing"

    done = client.post(withdraw_path(comment))

    assert done.status_code == 200
    assert "Your comment is withdrawn" in done.content.decode()
    assert status(comment) == Comment.Status.WITHDRAWN
    assert "Second thoughts." not in Client().get(mistral.get_absolute_url()).content.decode()
    event = ModerationEvent.objects.get()
    assert (event.action, event.moderator) == (ModerationEvent.Action.WITHDRAW, None)
    assert "<strong>Withdrawn by its author</strong>" in client.get("/moderation/").content.decode()


def test_withdrawing_leaves_a_placeholder_where_there_are_replies(
    client, mistral, open_comments, make_comment
):
    comment = post(client, mistral, body="Second thoughts.")
    make_comment(mistral, parent=comment, body="I liked it.")

    client.post(withdraw_path(comment))

    html = Client().get(mistral.get_absolute_url()).content.decode()
    assert "Comment withdrawn by its author." in html and "I liked it." in html
    assert "Second thoughts." not in html


def test_withdrawing_stays_possible_after_editing_closes(client, mistral, open_comments):
    comment = post(client, mistral)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=30))

    assert client.get(f"/comments/{comment.pk}/edit/").status_code == 403
    assert client.post(withdraw_path(comment)).status_code == 200
    assert status(comment) == Comment.Status.WITHDRAWN


def test_the_withdraw_link_works_in_any_browser_once(client, mistral, open_comments):
    comment = post(client, mistral)
    path = editing.withdraw_url(comment)

    assert Client().get(path).status_code == 200
    assert status(comment) == Comment.Status.APPROVED
    assert Client().post(path).status_code == 200
    assert status(comment) == Comment.Status.WITHDRAWN

    for method in ["get", "post"]:
        reused = getattr(Client(), method)(path)
        assert reused.status_code == 400
        assert "It has been used already" in reused.content.decode()
    assert ModerationEvent.objects.count() == 1


def test_the_withdraw_link_works_long_after_posting(client, mistral, open_comments, monkeypatch):
    comment = post(client, mistral)
    path = editing.withdraw_url(comment)
    later = timezone.now() + timedelta(days=365)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())

    assert Client().post(path).status_code == 200
    assert status(comment) == Comment.Status.WITHDRAWN


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path, comment: path[:-2] + ("AA" if not path.endswith("AA") else "BB"),
        lambda path, comment: editing.edit_url(comment).replace("/edit/", "/withdraw/"),
        lambda path, comment: f"{withdraw_path(comment)}?token=",
    ],
    ids=["signature", "edit-link", "empty"],
)
def test_a_tampered_withdraw_link_is_refused_and_changes_nothing(
    client, mistral, open_comments, tamper
):
    comment = post(client, mistral)
    path = tamper(editing.withdraw_url(comment), comment)

    for method in ["get", "post"]:
        response = getattr(client, method)(path)  # even in the author's browser
        assert response.status_code == 400
        assert "It is not a link we sent" in response.content.decode()
    assert status(comment) == Comment.Status.APPROVED
    assert not UsedLink.objects.exists() and not ModerationEvent.objects.exists()


def test_a_stranger_cannot_withdraw_a_comment(client, mistral, open_comments):
    comment = post(client, mistral)

    for method in ["get", "post"]:
        response = getattr(Client(), method)(withdraw_path(comment))
        assert response.status_code == 403
        assert "Only its author can change this comment" in response.content.decode()
    assert status(comment) == Comment.Status.APPROVED


def test_what_editors_removed_its_author_cannot_withdraw(client, mistral, open_comments, editor):
    comment = post(client, mistral)
    moderate(Comment.objects.filter(pk=comment.pk), "remove", editor, "Off topic")

    response = client.post(withdraw_path(comment))

    assert response.status_code == 403
    assert "Our editors removed this comment already" in response.content.decode()
    assert status(comment) == Comment.Status.REMOVED
    assert withdraw(Comment.objects.filter(pk=comment.pk)) == 0
    assert "(Off topic)" in Client().get(mistral.get_absolute_url()).content.decode()


def test_a_held_comment_can_be_withdrawn_by_its_author(client, mistral, settings):
    settings.COMMENTS_RATE_LIMIT = "off"
    comment = post(client, mistral, body="Held, then withdrawn.")

    client.post(withdraw_path(comment))

    assert status(comment) == Comment.Status.WITHDRAWN
    html = client.get(mistral.get_absolute_url()).content.decode()
    assert "Held, then withdrawn." not in html, "the awaiting-moderation notice is gone too"
