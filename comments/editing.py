"""A comment's author changing their mind: editing its text within COMMENTS_EDIT_WINDOW minutes
of posting it, withdrawing it at any time.

The author proves who they are in one of two ways: the browser they posted from lists the
comment in its signed commenter cookie (comments.commenters), or they follow a signed link
from the receipt emailed to them (comments.receipts). An edit link works until editing
closes; a withdraw link works at any time, once.

An edit is a new text under the rules for new ones: sanitized (Comment.render) and moderated
again (a comment held stays held; one that gains links past the limit is held). The version it
replaces is kept for editors as a CommentRevision. Withdrawing is comments.moderation.withdraw.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.checks import Error, register
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comments import links, moderation
from comments.commenters import commenter
from comments.lifecycle import Event, announce
from comments.models import Comment, CommentRevision, VerifiedAddress
from comments.moderation import AUTHORS_STATUSES

EDIT, WITHDRAW = "edit", "withdraw"  # what a signed link is for
# Edits one comment may have: each keeps a version and renews the article's pages, so a
# script holding the cookie must not make thousands within the window.
MAX_EDITS = 20


@register("settings")
def edit_window_is_valid(app_configs, **kwargs):
    window = settings.COMMENTS_EDIT_WINDOW
    if isinstance(window, int) and not isinstance(window, bool) and window >= 0:
        return []
    return [
        Error(
            f"COMMENTS_EDIT_WINDOW is {window!r}; use a whole number of minutes (0 turns "
            "editing off).",
            id="comments.E002",
        )
    ]


class EditRefused(Exception):
    """The edit is not stored; `message` tells the author why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def edit_window():
    return timedelta(minutes=settings.COMMENTS_EDIT_WINDOW)


def editable_until(comment):
    """When editing `comment` closes."""
    return comment.created_at + edit_window()


def can_edit(comment, article, now=None):
    """Whether `comment` (on `article`) may still be edited: its window is open, no editor
    removed it, and the article still takes comments."""
    return _editable(comment.status, comment.created_at, article, now or timezone.now())


def _editable(status, created_at, article, now):
    return status in AUTHORS_STATUSES and article.comments_open and now < created_at + edit_window()


def can_withdraw(comment):
    return comment.status in AUTHORS_STATUSES


@dataclass(frozen=True)
class OwnComment:
    """One of the reader's own comments on a page: what they may do with it."""

    status: str
    editable: bool


def own_comments(commenter, article, now=None):
    """The comments on `article` that this browser's `commenter` wrote and may still edit or
    withdraw: {pk: OwnComment}. One query, and none for a browser that has posted nothing."""
    if not commenter.comments:
        return {}
    rows = Comment.objects.filter(
        article=article, pk__in=commenter.comments, status__in=AUTHORS_STATUSES
    ).values_list("pk", "status", "created_at")
    now = now or timezone.now()
    return {
        pk: OwnComment(status, _editable(status, created_at, article, now))
        for pk, status, created_at in rows
    }


# Signed links, for the receipt email


def edit_url(comment):
    """The path of the link that edits `comment` until its window closes."""
    return _link(EDIT, comment)


def withdraw_url(comment):
    """The path of the link that withdraws `comment`, at any time, once."""
    return _link(WITHDRAW, comment)


def _link(purpose, comment):
    token = links.make_token(purpose, comment=comment.pk)
    return f"{reverse(f'comments:{purpose}', args=[comment.pk])}?token={token}"


def open_link(purpose, token, comment):
    """Check the `purpose` link's `token` for `comment`, or raise links.LinkRefused: it was
    made for another comment, it expired (an edit link, when editing closes), or, for a
    withdraw link, it was used."""
    max_age = edit_window() if purpose == EDIT else None
    payload = links.open_token(purpose, token, max_age=max_age)
    if payload.get("comment") != comment.pk:
        raise links.LinkRefused(links.LinkRefused.TAMPERED)
    if purpose == WITHDRAW and links.was_used(payload):
        raise links.LinkRefused(links.LinkRefused.USED)
    return payload


@dataclass(frozen=True)
class Author:
    """How a request proved it comes from a comment's author: by a signed link (with its
    payload), or from the browser that posted the comment."""

    by_link: bool
    link_payload: dict | None = None


def author_of(request, comment, purpose):
    """The Author of `comment` making `request` to `purpose` it, or None: a stranger. A link's
    token (`?token=`), when there is one, decides alone, so that a link acts the same in every
    browser: a bad one raises links.LinkRefused."""
    if (token := request.GET.get("token")) is not None:
        return Author(by_link=True, link_payload=open_link(purpose, token, comment))
    if commenter(request).wrote(comment.pk):
        return Author(by_link=False)
    return None


def is_verified_author(browser, comment, *, by_link):
    """Whether the author's address counts as verified for moderating their edit: a receipt's
    link reached only a verified address (comments.receipts); a browser must hold the
    verification itself (`browser`: its Commenter). An address that asked to be forgotten is
    not verified any more."""
    email = comment.author_email
    held_here = by_link or browser.has_verified(email)
    return held_here and VerifiedAddress.objects.filter(email=email).exists()


# The changes


def edit(comment, body, *, verified_here):
    """Replace the text of `comment` with `body` and moderate it again, keeping the old text
    as a CommentRevision; answer the comment as stored, or raise EditRefused (nothing
    changed). `verified_here`: the author's address counts as verified
    (is_verified_author)."""
    comment.body = body
    comment.render()  # Markdown runs before the write transaction, not inside it.
    with transaction.atomic():
        current = Comment.objects.select_for_update().select_related("article").get(pk=comment.pk)
        now = timezone.now()
        if not can_edit(current, current.article, now):
            raise EditRefused("Editing this comment has closed; nothing was changed.")
        if current.body == body:
            return current
        if current.revisions.count() >= MAX_EDITS:
            raise EditRefused(
                f"This comment has been edited {MAX_EDITS} times, as often as it can be."
            )
        revision = CommentRevision.objects.create(
            comment=current,
            body=current.body,
            written_at=current.edited_at or current.created_at,
            replaced_at=now,
        )
        comment.status = _status_after_edit(comment, current.status, verified_here)
        Comment.objects.filter(pk=current.pk).update(
            body=body, body_html=comment.body_html, edited_at=now, status=comment.status
        )
        [stored] = announce(
            Event.EDITED,
            Comment.objects.filter(pk=current.pk),
            revision=revision.pk,
            status=comment.status,
        )
    stored.article = current.article
    return stored


def _status_after_edit(comment, status, verified_here):
    """The moderation policy's status for the new text; a comment held stays held."""
    if status == Comment.Status.PENDING:
        return status
    return moderation.initial_status(comment, verified_here=verified_here)


@transaction.atomic
def withdraw(comment, *, link_payload=None):
    """Withdraw `comment` at its author's request (comments.moderation.withdraw); with
    `link_payload`, the withdraw link it came from is used up in the same transaction (or
    LinkRefused, and nothing changed). Answers whether it was withdrawn now."""
    if link_payload is not None:
        links.use_once(WITHDRAW, link_payload)
    return moderation.withdraw(Comment.objects.filter(pk=comment.pk)) == 1
