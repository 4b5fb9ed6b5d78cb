"""Editors' Picks: editors pick the answers worth reading first. A pick leaves the comment's
status as it is; it is logged in public as a positive action and announced like every change
to a comment (comments.lifecycle), which renews the badge on its card, the stored pick counts
and the pages that show them."""

from django.db import transaction
from django.utils import timezone

from comments.lifecycle import Event, announce
from comments.models import Comment, ModerationEvent

Action = ModerationEvent.Action


def is_editor(user):
    """Whether `user` may pick comments and post as staff: a staff member who may moderate."""
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("comments.change_comment")
    )


@transaction.atomic
def pick(comments, editor):
    """Pick the visible comments among `comments` (a queryset) not picked yet; return how
    many were."""
    return _curate(comments.filter(picked_at__isnull=True), editor, Action.PICK, timezone.now())


@transaction.atomic
def unpick(comments, editor):
    """Withdraw the editors' pick of the picked ones among `comments`; return how many."""
    return _curate(comments.filter(picked_at__isnull=False), editor, Action.UNPICK, None)


def _curate(comments, editor, action, picked_at):
    changing = list(
        Comment.objects.select_for_update()
        .visible()
        .filter(pk__in=comments.values("pk"))
        .values_list("pk", flat=True)
    )
    if not changing:
        return 0
    Comment.objects.filter(pk__in=changing).update(picked_at=picked_at)
    now = timezone.now()
    ModerationEvent.objects.bulk_create(
        ModerationEvent(comment_id=pk, action=action, moderator=editor, created_at=now)
        for pk in changing
    )
    event = Event.PICKED if action == Action.PICK else Event.UNPICKED
    announce(event, Comment.objects.filter(pk__in=changing))
    return len(changing)
