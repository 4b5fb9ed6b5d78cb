"""The notices' emails, handed to the outbox: replies to a comment (one email, or one for
several that arrived within NOTICES_REPLY_DIGEST_MINUTES), a followed discussion's digest (at
most one a day per follow), and an editor's decision on a comment; and the editors' decision
on a reported comment, to each reporter who gave an address for it (DSA Art. 16(5)).

Each goes only to a verified address, with a one-click unsubscribe (RFC 8058) that stops
exactly what it is about and a link to manage all notices of the address. Each is queued
under a key derived from what it carries (the notices' ids, the moderation event's), inside
a transaction that locks those notices and marks them sent: run twice, or by two workers at
once, it queues one email. Subjects are built by the site; no reader's text goes in a header.
"""

import hashlib
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationEvent, Report, VerifiedAddress
from comments.moderation import UNDO_WINDOW
from mistralnews.characters import BIDI_CONTROLS
from mistralnews.site_url import absolute_url
from notices import tokens
from notices.models import Follow, Notice
from outbox import sending as outbox

# A followed discussion's digest goes out at most this often.
DIGEST_EVERY = timedelta(days=1)
# A digest lists this many comments, then says how many more there are.
DIGEST_LISTS = 30
# An article's title is cut to this many characters in a subject.
TITLE_IN_SUBJECT = 80


def reply_window():
    return timedelta(minutes=settings.NOTICES_REPLY_DIGEST_MINUTES)


def is_verified(email):
    return bool(email) and VerifiedAddress.objects.filter(email=email.lower()).exists()


def subject_text(text):
    """`text` (an article's title) fit for a subject: control and line-separating characters
    as spaces, bidirectional controls dropped, on one line and not too long."""
    kept = "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in text
        if char not in BIDI_CONTROLS
    )
    kept = " ".join(kept.split())
    return kept if len(kept) <= TITLE_IN_SUBJECT else kept[: TITLE_IN_SUBJECT - 1] + "…"


def _key(kind, ids):
    """An outbox key for the email carrying the notices `ids`: the same ids, the same key."""
    ids = sorted(ids)
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:24]
    return f"notice:{kind}:{ids[0]}-{ids[-1]}:{len(ids)}:{digest}"


def _comment(comment):
    """What an email shows of a comment: its author's name, its opening words, its link."""
    return {
        "name": comment.author_name,
        "excerpt": comment.excerpt,
        "link": absolute_url(comment.get_absolute_url()),
    }


def _send(key, to, template, context, unsubscribe):
    """Queue the email `template` (notices/email/<template>_subject.txt, .txt, .html) to `to`,
    with the link `unsubscribe` (a path) in its List-Unsubscribe header and its footer, and a
    link to manage every notice of the address."""
    context = {
        **context,
        "unsubscribe": absolute_url(unsubscribe),
        "manage": absolute_url(tokens.manage_path(to)),
        "privacy": absolute_url(reverse("comments:privacy")),
    }
    subject, text, html = outbox.compose(f"notices/email/{template}", context)
    return outbox.send(key, to, subject, text, html, outbox.list_unsubscribe(unsubscribe))


def send_replies(parent_id, now=None):
    """Send what is owed about replies to comment `parent_id`, once the first of them has
    waited NOTICES_REPLY_DIGEST_MINUTES: one email, listing every reply owed by then. Replies
    no longer visible, or owed to an author who has stopped these notices or whose address is
    no longer verified, are dropped. Answers what happened."""
    now = now or timezone.now()
    with transaction.atomic():
        notices = list(
            Notice.objects.unsent()
            .select_for_update(of=("self",))
            .filter(kind=Notice.Kind.REPLY, comment__parent_id=parent_id)
            .select_related("comment")
        )
        if not notices:
            return "nothing owed"
        if min(notice.created_at for notice in notices) > now - reply_window():
            return "not due yet"
        parent = Comment.objects.select_related("article").filter(pk=parent_id).first()
        wanted = (
            parent is not None
            and parent.notify_replies
            and parent.is_visible
            and is_verified(parent.author_email)
        )
        owed = [notice for notice in notices if wanted and notice.comment.is_visible]
        Notice.objects.filter(pk__in={n.pk for n in notices} - {n.pk for n in owed}).delete()
        if not owed:
            return "nothing to send"
        key = _key("replies", [notice.pk for notice in owed])
        _send(
            key,
            parent.author_email.lower(),
            "replies",
            {
                "title": subject_text(parent.article.title),
                "article": parent.article,
                "yours": _comment(parent),
                "replies": [_comment(notice.comment) for notice in owed],
            },
            tokens.unsubscribe_path(tokens.REPLIES, parent.pk),
        )
        Notice.objects.filter(pk__in=[notice.pk for notice in owed]).update(sent_in=key)
    return f"sent {len(owed)} in {key}"


def send_due_replies(older_than, now=None):
    """Send the reply notices whose time came more than `older_than` ago and are still owed
    (their task was lost); answers for how many comments."""
    now = now or timezone.now()
    parents = set(
        Notice.objects.unsent()
        .filter(kind=Notice.Kind.REPLY, created_at__lt=now - reply_window() - older_than)
        .values_list("comment__parent_id", flat=True)
    )
    for parent_id in parents:
        send_replies(parent_id, now)
    return len(parents)


def send_follow_digest(follow_id, now=None):
    """Send follow `follow_id` its digest of the comments owed to it, unless it had one in the
    last day. Comments no longer visible are dropped. Answers what happened."""
    now = now or timezone.now()
    with transaction.atomic():
        follow = (
            Follow.objects.select_for_update(of=("self",))
            .select_related("article", "question")
            .filter(pk=follow_id)
            .first()
        )
        if follow is None:
            return "no such follow"
        if follow.last_digest_at is not None and follow.last_digest_at > now - DIGEST_EVERY:
            return "had one today"
        notices = list(follow.notices.unsent().select_related("comment"))
        owed = [n for n in notices if n.comment.is_visible] if is_verified(follow.email) else []
        Notice.objects.filter(pk__in={n.pk for n in notices} - {n.pk for n in owed}).delete()
        if not owed:
            return "nothing to send"
        key = _key(f"follow:{follow.pk}", [notice.pk for notice in owed])
        _send(
            key,
            follow.email,
            "follow_digest",
            {
                "title": subject_text(follow.article.title),
                "article": follow.article,
                "article_link": absolute_url(follow.article.get_absolute_url()),
                "question": follow.question,
                "comments": [_comment(notice.comment) for notice in owed[:DIGEST_LISTS]],
                "more": max(0, len(owed) - DIGEST_LISTS),
            },
            tokens.unsubscribe_path(tokens.FOLLOW, follow.pk),
        )
        Notice.objects.filter(pk__in=[notice.pk for notice in owed]).update(sent_in=key)
        follow.last_digest_at = now
        follow.save(update_fields=["last_digest_at"])
    return f"sent {len(owed)} in {key}"


def send_follow_digests(now=None):
    """Send every follow that is owed comments and had no digest in the last day its digest;
    answers how many follows were considered."""
    now = now or timezone.now()
    due = set(
        Follow.objects.filter(notices__sent_in="")
        .exclude(last_digest_at__gt=now - DIGEST_EVERY)
        .values_list("pk", flat=True)
    )
    for follow_id in due:
        send_follow_digest(follow_id, now)
    return len(due)


# What each moderation event tells the comment's author, if it asked: the action, the
# status the comment must still have, the email's template.
MODERATION_NOTICES = {
    ModerationEvent.Action.APPROVE: (Comment.Status.APPROVED, "approved"),
    ModerationEvent.Action.REMOVE: (Comment.Status.REMOVED, "removed"),
}


def send_moderation_notice(comment, action):
    """Tell the author of `comment` the editors' latest `action` on it (an approval, or a
    removal with its reason and its entry in the public moderation log), if they asked, their
    address is verified and the comment still stands so. Once per moderation event."""
    status, template = MODERATION_NOTICES[action]
    if comment.status != status or not comment.notify_moderation:
        return None
    if not is_verified(comment.author_email):
        return None
    event = comment.moderation_events.filter(action=action).order_by("-created_at", "-id").first()
    if event is None:
        return None
    return _send(
        f"notice:moderation:{event.pk}",
        comment.author_email.lower(),
        template,
        {
            "title": subject_text(comment.article.title),
            "article": comment.article,
            "article_link": absolute_url(comment.article.get_absolute_url()),
            "yours": _comment(comment),
            "reason": event.reason,
            "decided_at": event.created_at,
            "log_entry": absolute_url(reverse("comments:moderation_event", args=[event.pk])),
            "guidelines": absolute_url(reverse("comments:guidelines")),
        },
        tokens.unsubscribe_path(tokens.MODERATION, comment.pk),
    )


def send_report_decisions(comment_ids, now=None):
    """Tell each reporter of comments `comment_ids` who gave an address the editors' decision
    on their report, once it is past the undo window (an undone decision opened the report
    again: it owes nothing), and erase the address, which served only for this: one email per
    report and decision. Answers how many were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        reports = list(
            Report.objects.select_for_update(of=("self",))
            .filter(comment__in=comment_ids, decided_at__lte=now - UNDO_WINDOW)
            .exclude(notifier_email="")
            .select_related("comment__article")
        )
        for report in reports:
            _send_report_decision(report)
        Report.objects.filter(pk__in=[report.pk for report in reports]).update(notifier_email="")
    return len(reports)


def send_due_report_decisions(older_than, now=None):
    """Send the decisions still owed to reporters more than `older_than` after they were due
    (their task was lost); answers for how many comments."""
    now = now or timezone.now()
    comments = set(
        Report.objects.filter(decided_at__lt=now - UNDO_WINDOW - older_than)
        .exclude(notifier_email="")
        .values_list("comment_id", flat=True)
    )
    if comments:
        send_report_decisions(comments, now)
    return len(comments)


def _send_report_decision(report):
    comment = report.comment
    action = ModerationEvent.Action(report.decision)
    # The decision's entry in the public log.
    event = comment.moderation_events.filter(action=action, created_at=report.decided_at).first()
    subject, text, html = outbox.compose(
        "notices/email/report_decision",
        {
            "report": report,
            "article": comment.article,
            "decision": action.value,
            "reason": event.reason if event else "",
            "comment_link": absolute_url(comment.get_absolute_url()),
            "log_entry": event
            and absolute_url(reverse("comments:moderation_event", args=[event.pk])),
            "log": absolute_url(reverse("comments:moderation_log")),
            "guidelines": absolute_url(reverse("comments:guidelines")),
            "privacy": absolute_url(reverse("comments:privacy")),
        },
    )
    return outbox.send(
        f"notice:report-decision:{report.pk}:{action.value}",
        report.notifier_email,
        subject,
        text,
        html,
    )
