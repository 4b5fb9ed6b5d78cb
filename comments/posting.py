"""Storing a reader's new comment, after flood control and the duplicate rule."""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article
from clients import limits
from clients.identity import address_hash
from comments import moderation
from comments.commenters import Commenter
from comments.lifecycle import Event, announce
from comments.models import AddressRule, Comment
from comments.verification import is_verified_here

DUPLICATE_WINDOW = timedelta(hours=1)


class CommentRejected(Exception):
    """The comment was valid but is not stored; `message` tells the reader why."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PostingTooFast(CommentRejected):
    status = 429

    def __init__(self, retry_after, *, own):
        """`own`: the limit the reader reached is their own (this browser posted a moment
        ago, or its verified address did), not their network's."""
        if own:
            why = "You are commenting too quickly."
        else:
            why = (
                "Many comments have just come from your network (an office, a school or a "
                "mobile network can share one address). Verifying your email address gives "
                "you a limit of your own."
            )
        super().__init__(
            f"{why} Please wait {retry_after} seconds and post again; your comment is still here."
        )
        self.retry_after = retry_after


class AddressBlocked(CommentRejected):
    status = 403

    def __init__(self):
        super().__init__("The editors do not accept comments from this email address.")


class DuplicateComment(CommentRejected):
    def __init__(self):
        super().__init__("You have already posted this comment here.")


def post_comment(comment, author=None, *, staff=None, **details):
    """Store `comment` with the status the moderation policy gives it, or raise
    CommentRejected. Nothing is written when it is rejected: an address an editor blocked is
    refused, one they hold is held whatever the policy (AddressRule). `author`: the commenter
    as their browser remembers them. `staff`: the editor logged in who posts it, as themselves
    (a staff badge, published at once). `details` go with the announcement (what the author
    asked for: `receipt=True`, a copy by email), with `verified_here`: the browser holds the
    address's verification (comments.receipts sends a copy only then).

    A comment whose address is verified in this browser counts against the address's own
    limit; any other counts against its network's (the client's address)."""
    comment.render()  # Markdown runs before the write transaction, not inside it.
    rule = AddressRule.objects.for_email(comment.author_email)
    if rule and rule.kind == AddressRule.Kind.BLOCK:
        raise AddressBlocked()
    always_hold = bool(rule and rule.kind == AddressRule.Kind.HOLD)
    author = author or Commenter()
    verified_here = is_verified_here(author, comment.author_email)
    if verified_here:
        limit, client = "comment-address", address_hash(comment.author_email)
    else:
        limit, client = "comment", comment.ip_hash
    with transaction.atomic():
        if connection.features.has_select_for_update:
            # Serialises posts to one article, so two identical posts racing each other cannot
            # both pass the duplicate check (SQLite's IMMEDIATE transactions already do).
            list(Article.objects.select_for_update().filter(pk=comment.article_id).values("pk"))
        now = timezone.now()
        if Comment.objects.filter(
            article_id=comment.article_id,
            author_email=comment.author_email,
            body=comment.body,
            created_at__gt=now - DUPLICATE_WINDOW,
        ).exists():
            raise DuplicateComment()
        # Last check: flood control in Redis counts the post as it lets it through.
        if wait := limits.take(limit, client, now):
            own = verified_here or author.posted_within(limits.longest(limit))
            raise PostingTooFast(wait, own=own)
        comment.created_at = now
        if staff is not None:
            comment.by_staff, comment.author_user = True, staff
            comment.status = Comment.Status.APPROVED
        else:
            comment.status = moderation.initial_status(
                comment, verified_here=verified_here, always_hold=always_hold
            )
        comment.save()
        announce(
            Event.POSTED,
            Comment.objects.filter(pk=comment.pk),
            verified_here=verified_here,
            **details,
        )
    return comment
