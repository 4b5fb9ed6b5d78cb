"""What a comment's change means for notices (run by the `notices.tasks.hear` task):

- a comment approved (at once, or by an editor after a hold) is owed to the author of the
  comment it replies to, if they asked for replies, their address is verified, and the reply
  is not their own; and to every follow of its discussion (or its question) but its author's;
- an editor's approval or removal is told to the comment's author, if they asked.

Owing is a Notice row, one per (recipient, kind, comment): hearing an event twice owes nothing
more. Replies are sent by a task queued to run once NOTICES_REPLY_DIGEST_MINUTES have passed,
follows by the daily digest (notices.periodic).
"""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from comments.lifecycle import Event
from comments.models import Comment, ModerationEvent, Report
from notices import sending
from notices.models import Follow, Notice

BATCH = 500
MODERATION_EVENTS = {
    Event.APPROVED: ModerationEvent.Action.APPROVE,
    Event.REMOVED: ModerationEvent.Action.REMOVE,
}


def may_owe_notices(event, comment_ids):
    """Whether `event` on these comments may owe anyone a notice: one read, so that the
    usual post (held, or no one to tell) queues no task."""
    owed = Q(status=Comment.Status.APPROVED) & (
        Q(parent__notify_replies=True)
        | Exists(Follow.objects.filter(article=OuterRef("article_id")))
    )
    if event in MODERATION_EVENTS:
        owed |= Q(notify_moderation=True)
    return Comment.objects.filter(pk__in=comment_ids).filter(owed).exists()


def hear(event, comment_ids):
    """Owe and send what `event` on comments `comment_ids` calls for; safe to run twice."""
    comments = list(Comment.objects.filter(pk__in=comment_ids).select_related("article", "parent"))
    if event in (Event.POSTED, Event.APPROVED):
        approved = [comment for comment in comments if comment.is_visible]
        owe_replies(approved)
        owe_follows(approved)
    if event in MODERATION_EVENTS:
        for comment in comments:
            sending.send_moderation_notice(comment, MODERATION_EVENTS[event])


def owe_replies(comments):
    """Owe the author of each comment's parent a reply notice, where it is wanted, and queue
    the task that sends it once the reply window has passed."""
    from notices.tasks import send_replies  # the task module imports this one

    for reply in comments:
        parent = reply.parent
        if parent is None or not parent.notify_replies or not parent.is_visible:
            continue
        recipient = parent.author_email.lower()
        if recipient == reply.author_email.lower():
            continue  # their own reply
        if not sending.is_verified(recipient):
            continue
        with transaction.atomic():
            Notice.objects.bulk_create(
                [Notice(recipient=recipient, kind=Notice.Kind.REPLY, comment=reply)],
                ignore_conflicts=True,
            )
            send_replies.using(run_after=timezone.now() + sending.reply_window()).enqueue(parent.pk)


def owe_follows(comments):
    """Owe each follow of these comments' discussions (or questions) a line in its digest,
    except to a comment's own author."""
    for comment in comments:
        follows = (
            Follow.objects.filter(article_id=comment.article_id)
            .filter(Q(question__isnull=True) | Q(question_id=comment.question_id))
            .exclude(email=comment.author_email.lower())
            # A question's follow first: an address following both owes the notice there.
            .order_by(F("question_id").asc(nulls_last=True), "pk")
        )
        batch = []
        for follow in follows.iterator(chunk_size=BATCH):
            batch.append(
                Notice(
                    recipient=follow.email, kind=Notice.Kind.FOLLOW, comment=comment, follow=follow
                )
            )
            if len(batch) == BATCH:
                Notice.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        Notice.objects.bulk_create(batch, ignore_conflicts=True)


def owes_report_decisions(comment_ids):
    """Whether a reporter of these comments who gave an address is owed an editor's decision:
    one read, so that the usual decision, on a comment no one reported, queues no task."""
    return (
        Report.objects.filter(comment__in=comment_ids, decided_at__isnull=False)
        .exclude(notifier_email="")
        .exists()
    )
