"""Moderation: the policy for new comments (published at once or held), and the editors'
decisions on them, each logged as a ModerationEvent."""

from datetime import timedelta

from django.conf import settings
from django.core.checks import Error, register
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from comments.lifecycle import Event, announce
from comments.models import Comment, ModerationEvent, Report

POLICIES = {
    "first-time": "hold comments unless their address is verified in the browser they come "
    "from and has an approved comment",
    "all": "hold every comment",
    "open": "publish every comment at once",
}
# Comments with this many links are held whatever the policy: the mark of most spam.
HELD_LINK_COUNT = 3
# What an author may still withdraw (or edit): an editor's removal or spam verdict stands.
AUTHORS_STATUSES = frozenset({Comment.Status.PENDING, Comment.Status.APPROVED})

Action = ModerationEvent.Action
EVENTS = {
    Action.APPROVE: Event.APPROVED,
    Action.REMOVE: Event.REMOVED,
    Action.SPAM: Event.MARKED_SPAM,
    Action.WITHDRAW: Event.WITHDRAWN,
    Action.REOPEN: Event.REOPENED,
    Action.HOLD: Event.REPORTED,
}
# How long an editor may undo a decision from the queue (Action.REOPEN). Emails to a comment's
# author or its reporters about a decision must wait this long, and not go if it was undone.
UNDO_WINDOW = timedelta(minutes=5)
# The editors' decisions that answer readers' reports (Report.decision).
ANSWERS = frozenset({Action.APPROVE, Action.REMOVE, Action.SPAM})


@register("settings")
def policy_is_known(app_configs, **kwargs):
    if settings.COMMENTS_MODERATION in POLICIES:
        return []
    return [
        Error(
            f"COMMENTS_MODERATION is {settings.COMMENTS_MODERATION!r}; "
            f"use one of: {', '.join(POLICIES)}.",
            id="comments.E001",
        )
    ]


def initial_status(comment, *, verified_here, always_hold=False):
    """The status a new comment gets under the moderation policy. `verified_here`: the browser
    it comes from holds its address's verification. An address typed in another browser
    proves nothing: anyone may know it. `always_hold`: an editor's rule holds every comment
    from its address (AddressRule)."""
    policy = settings.COMMENTS_MODERATION
    if always_hold or policy == "all" or comment.link_count >= HELD_LINK_COUNT:
        return Comment.Status.PENDING
    if policy == "open":
        return Comment.Status.APPROVED
    known_author = (
        verified_here
        and Comment.objects.visible().filter(author_email=comment.author_email).exists()
    )
    return Comment.Status.APPROVED if known_author else Comment.Status.PENDING


@transaction.atomic
def moderate(comments, action, moderator, reason=""):
    """Apply `action` to `comments` (a queryset): give them the status it results in, log a
    ModerationEvent for every comment whose status changes, and announce the change; return
    how many changed. `moderator` is the editor who acts, or None for an author's own action
    (withdrawing). A removal needs a reason: readers see it in the comment's place. What its
    author withdrew, no editor brings back.

    An editor's approval, removal or spam verdict answers the comments' open reports; an
    approval of a comment that is public already keeps it (logged as KEEP, announced as KEPT).
    An undo (REOPEN) opens again the reports it answered."""
    action = Action(action)
    status = ModerationEvent.RESULTING_STATUS[action]
    reason = reason.strip()
    if action == Action.REMOVE and not reason:
        raise ValueError("Removing a comment needs a reason.")
    changing = list(
        Comment.objects.select_for_update()
        .filter(pk__in=comments.values("pk"))
        .exclude(status__in={status, Comment.Status.WITHDRAWN})
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    kept = []
    if moderator is not None and action in ANSWERS:
        answered = Report.objects.open().filter(comment__in=comments.values("pk"))
        if action == Action.APPROVE:
            kept = set(answered.exclude(comment__in=changing).values_list("comment", flat=True))
            answered.filter(comment__in=kept).update(decided_at=now, decision=Action.KEEP)
        answered.update(decided_at=now, decision=action)
    elif moderator is not None and action == Action.REOPEN:
        reopen_reports(Comment.objects.filter(pk__in=changing))
    if kept:
        ModerationEvent.objects.bulk_create(
            ModerationEvent(
                comment_id=pk,
                action=Action.KEEP,
                reason=reason,
                moderator=moderator,
                created_at=now,
            )
            for pk in sorted(kept)
        )
        announce(Event.KEPT, Comment.objects.filter(pk__in=kept))
    if not changing:
        return 0
    Comment.objects.filter(pk__in=changing).update(status=status, moderation_reason=reason)
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            comment_id=pk, action=action, reason=reason, moderator=moderator, created_at=now
        )
        for pk in changing
    )
    announce(EVENTS[action], Comment.objects.filter(pk__in=changing), reason=reason)
    return len(changing)


def reopen_reports(comments):
    """Open again the reports on `comments` that their latest decision answered (it is being
    undone), but for a network that has reported the comment again since."""
    latest = (
        ModerationEvent.objects.filter(comment=OuterRef("comment"))
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    reported_again = Report.objects.open().filter(
        comment=OuterRef("comment"), ip_hash=OuterRef("ip_hash")
    )
    Report.objects.filter(comment__in=comments, decided_at=Subquery(latest)).exclude(
        Exists(reported_again)
    ).update(decided_at=None, decision="")


def withdraw(comments):
    """Withdraw `comments` (a queryset) at their author's request: gone from the page, or a
    placeholder where they have replies, and logged in public as the author's action. Only
    those still theirs (AUTHORS_STATUSES): a comment editors removed keeps its reason."""
    return moderate(comments.filter(status__in=AUTHORS_STATUSES), Action.WITHDRAW, None)
