"""A comment withdrawn by its author: gone from the page, or a placeholder where it has
replies, logged in public as the author's action, and never brought back by an editor."""

from articles.models import Article
from comments.models import Comment, ModerationEvent
from comments.moderation import moderate, withdraw


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
