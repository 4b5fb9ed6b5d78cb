"""Moderation: the policy for new comments (published at once or held), and the editors'
decisions on them, each logged as a ModerationEvent."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, ModerationEvent

POLICIES = {
    "first-time": "hold comments from an email with no approved comment yet",
    "all": "hold every comment",
    "open": "publish every comment at once",
}
# Comments with this many links are held whatever the policy: the mark of most spam.
HELD_LINK_COUNT = 3


def policy():
    name = settings.COMMENTS_MODERATION
    if name not in POLICIES:
        raise ImproperlyConfigured(
            f"COMMENTS_MODERATION is {name!r}; use one of: {', '.join(POLICIES)}."
        )
    return name


def initial_status(comment):
    """The status a new comment gets under the moderation policy."""
    name = policy()
    if name == "all" or comment.link_count >= HELD_LINK_COUNT:
        return Comment.Status.PENDING
    if name == "open":
        return Comment.Status.APPROVED
    known_author = Comment.objects.visible().filter(author_email=comment.author_email).exists()
    return Comment.Status.APPROVED if known_author else Comment.Status.PENDING


@transaction.atomic
def moderate(comments, action, moderator, reason=""):
    """Give `comments` (a queryset) the status that `action` names and log a ModerationEvent
    for every comment whose status changes; return how many changed. A removal needs a
    reason: it is shown to readers in the comment's place."""
    reason = reason.strip()
    if action == ModerationEvent.Action.REMOVE and not reason:
        raise ValueError("Removing a comment needs a reason.")
    changing = list(
        Comment.objects.select_for_update()
        .filter(pk__in=comments.values("pk"))
        .exclude(status=action)
        .values_list("pk", flat=True)
    )
    Comment.objects.filter(pk__in=changing).update(status=action, moderation_reason=reason)
    if changing:
        Article.objects.filter(comments__in=changing).touch()
    now = timezone.now()
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            comment_id=pk, action=action, reason=reason, moderator=moderator, created_at=now
        )
        for pk in changing
    )
    return len(changing)
