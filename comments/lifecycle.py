"""A comment's public life, announced in one place.

Every service that changes a comment (posting, moderation, and the next ones: editing,
withdrawing, picking, reporting) writes its change and then calls `announce(event, comments)`
in the same transaction. What the database keeps about it happens right there: the comments'
cards are made again, their articles' stored counts and versions renewed (so no cached page
outlives the change). Work outside the database (email, tasks) is registered with
`@after_commit(event, ...)` and runs once the transaction has committed, never for a
transaction rolled back.
"""

from collections import defaultdict
from enum import StrEnum
from functools import cache

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from articles.models import Article, DiscussionQuestion
from comments.cards import render_card
from comments.models import Comment
from freshness.versions import MODERATION_LOG, renew


class Event(StrEnum):
    POSTED = "posted"  # stored, with the status the moderation policy gave it
    APPROVED = "approved"
    REMOVED = "removed"
    MARKED_SPAM = "marked-spam"
    REOPENED = "reopened"  # an editor undid a decision: held again
    EDITED = "edited"
    WITHDRAWN = "withdrawn"
    PICKED = "picked"
    UNPICKED = "unpicked"
    REPORTED = "reported"  # held for review after readers' reports
    KEPT = "kept"  # an editor approved a reported comment that was already public


_listeners = defaultdict(list)


def after_commit(*events):
    """Register the decorated `function(event, comment_ids, **details)` to run after the
    transaction that announces any of `events` commits."""

    def register(function):
        for event in events:
            _listeners[Event(event)].append(function)
        return function

    return register


def announce(event, comments, **details):
    """Announce that `event` happened to `comments` (a queryset), from inside the transaction
    that wrote it. Answers the announced comments."""
    event = Event(event)
    rows = list(comments.select_related(None))
    if event != Event.POSTED:
        # Their status or text changed through an update, which made no card.
        for comment in rows:
            comment.card_html = render_card(comment)
        Comment.objects.bulk_update(rows, ["card_html"])
    # A comment posted and held shows only on its author's own page, which is never cached.
    public = [
        comment
        for comment in rows
        if not (event == Event.POSTED and comment.status == Comment.Status.PENDING)
    ]
    if public:
        # Count again what the articles and questions show, renewing the articles' versions
        # in the same statement.
        renew(
            Article.objects.filter(pk__in={comment.article_id for comment in public}),
            # The public log shows the comments' events and, while a comment is visible, its
            # author: anything but a new comment may change it.
            lists=[MODERATION_LOG] if event != Event.POSTED else [],
            **article_counts(),
        )
        if questions := {comment.question_id for comment in public} - {None}:
            DiscussionQuestion.objects.filter(pk__in=questions).update(**question_counts())
    ids = [comment.pk for comment in rows]
    for listener in _listeners[event]:
        transaction.on_commit(lambda listener=listener: listener(event, ids, **details))
    return rows


def article_counts():
    """The counts stored on an article, as expressions for the UPDATE that stores them: its
    approved comments, the approved answers to its questions (threads' first comments) and
    the approved comments its editors picked. Anything that writes comments in bulk stores
    them with these too."""
    return {
        "comment_count": _approved_count("article"),
        "answer_count": _approved_count("article", question__isnull=False, parent__isnull=True),
        "pick_count": _approved_count("article", picked_at__isnull=False),
    }


def question_counts():
    """The counts stored on a discussion question, as expressions for the UPDATE that stores
    them: its approved answers (threads' first comments), the approved replies in them and
    the approved comments under it its editors picked."""
    return {
        "answer_count": _approved_count("question", parent__isnull=True),
        "reply_count": _approved_count("question", parent__isnull=False),
        "pick_count": _approved_count("question", picked_at__isnull=False),
    }


@cache
def _approved_count(owner, **among):
    """The approved comments (`among` them) of each row of `owner` ("article" or "question"),
    counted in the UPDATE that stores the count. Built once: an UPDATE copies the expressions
    it is given, and building them again took a third of the time a post holds the write
    lock."""
    count = (
        Comment.objects.visible()
        .filter(**{owner: OuterRef("pk")}, **among)
        .order_by()
        .values(owner)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))
