"""The comment lifecycle seam (comments.lifecycle): what a change does inside its transaction,
and what waits until it commits."""

import pytest
from django.db import transaction

from articles.models import Article
from comments.cards import render_card
from comments.lifecycle import Event, _listeners, after_commit
from comments.models import Comment, ModerationEvent
from comments.moderation import moderate
from comments.posting import post_comment

Action = ModerationEvent.Action


@pytest.fixture
def heard():
    """Events announced, as an after-commit listener hears them."""
    calls = []

    def listener(event, comment_ids, **details):
        calls.append((event, comment_ids, details))

    after_commit(*Event)(listener)
    yield calls
    for listeners in _listeners.values():
        listeners.remove(listener)


def test_listeners_hear_a_change_once_it_is_committed(
    mistral, make_comment, editor, heard, django_capture_on_commit_callbacks
):
    comment = make_comment(mistral, status=Comment.Status.PENDING)
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        moderate(Comment.objects.filter(pk=comment.pk), Action.REMOVE, editor, "Off topic")
        assert heard == [], "not before the commit"

    assert len(callbacks) == len(_listeners[Event.REMOVED]), "one per listener (notices' too)"
    assert heard == [(Event.REMOVED, [comment.pk], {"reason": "Off topic"})]


def test_a_change_rolled_back_is_never_heard_and_changes_nothing(
    mistral, make_comment, editor, heard, django_capture_on_commit_callbacks
):
    comment = make_comment(mistral, status=Comment.Status.PENDING)
    version = Article.objects.get(pk=mistral.pk).version

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        moderate(Comment.objects.filter(pk=comment.pk), Action.APPROVE, editor)
        raise RuntimeError("the request failed after moderating")

    assert callbacks == [] and heard == []
    assert Article.objects.get(pk=mistral.pk).version == version
    assert Article.objects.get(pk=mistral.pk).comment_count == 0


def test_counts_and_versions_change_inside_the_writing_transaction(mistral, make_comment, editor):
    comment = make_comment(mistral, status=Comment.Status.PENDING)
    version = Article.objects.get(pk=mistral.pk).version

    with transaction.atomic():
        moderate(Comment.objects.filter(pk=comment.pk), Action.APPROVE, editor)
        stored = Article.objects.get(pk=mistral.pk)
        assert (stored.comment_count, stored.version != version) == (1, True)


def test_posting_announces_the_status_the_comment_got(mistral, heard, settings):
    settings.COMMENTS_RATE_LIMIT = "off"
    comment = Comment(article=mistral, author_name="A", author_email="a@example.com", body="Hi.")

    with transaction.atomic():
        post_comment(comment)
    assert heard == []  # the test's own transaction has not committed

    posted = Comment.objects.get()
    assert posted.status == Comment.Status.PENDING
    assert Article.objects.get(pk=mistral.pk).comment_count == 0


def test_every_action_results_in_its_own_status(mistral, make_comment, editor):
    assert (
        set(ModerationEvent.RESULTING_STATUS)
        == set(Action) - ModerationEvent.STATUS_KEEPING_ACTIONS
    )
    for action, status in ModerationEvent.RESULTING_STATUS.items():
        # From another status: returning to moderation starts from a decision.
        other = Comment.Status.APPROVED if status == Comment.Status.PENDING else None
        comment = make_comment(mistral, status=other or Comment.Status.PENDING)
        moderate(Comment.objects.filter(pk=comment.pk), action, editor, reason="Because.")
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderation_events.get().action == action


def test_cards_show_a_comment_only_while_it_is_public(mistral, make_comment, editor):
    comment = make_comment(mistral, author_name="Jonas Weber", body="My *own* words.")
    assert "Jonas Weber" in comment.card_html and "<em>own</em>" in comment.card_html

    moderate(Comment.objects.filter(pk=comment.pk), Action.REMOVE, editor, "Personal attack")
    comment.refresh_from_db()
    assert "Comment removed by the moderators (Personal attack)" in comment.card_html
    assert "Jonas" not in comment.card_html and "own" not in comment.card_html

    moderate(Comment.objects.filter(pk=comment.pk), Action.SPAM, editor)
    comment.refresh_from_db()
    assert "(spam)" in comment.card_html
    assert render_card(Comment(status=Comment.Status.PENDING, body="Not yet.")) == ""
