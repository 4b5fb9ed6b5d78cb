"""Stopping notices, and forgetting an address: what the unsubscribe links, the manage page
and its "forget me" do. Each may be done twice with the same result (a mail program's
one-click unsubscribe may be sent again)."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from comments.models import Comment, Report, VerifiedAddress
from comments.moderation import withdraw
from notices import tokens
from notices.models import Follow, Notice
from outbox.erasure import erase_address

# The manage page lists this many of an address's comments with notices on.
MANAGE_LISTS = 100


@dataclass(frozen=True)
class Subscription:
    """What an unsubscribe link stops, as its page describes it: `what` (tokens.REPLIES,
    MODERATION or FOLLOW), the comment or follow, or None once it is gone."""

    what: str
    comment: Comment | None = None
    follow: Follow | None = None

    @property
    def article(self):
        thing = self.comment or self.follow
        return thing.article if thing else None


def subscription(what, pk):
    """The Subscription an unsubscribe link for (`what`, `pk`) stops."""
    if what == tokens.FOLLOW:
        follow = Follow.objects.select_related("article", "question").filter(pk=pk).first()
        return Subscription(what, follow=follow)
    return Subscription(
        what, comment=Comment.objects.select_related("article").filter(pk=pk).first()
    )


@transaction.atomic
def unsubscribe(what, pk):
    """Stop what an unsubscribe link for (`what`, `pk`) is about, and the notices still owed
    for it; nothing if it was stopped before."""
    if what == tokens.FOLLOW:
        Follow.objects.filter(pk=pk).delete()  # its owed notices with it
    elif what == tokens.REPLIES:
        Comment.objects.filter(pk=pk).update(notify_replies=False)
        Notice.objects.unsent().filter(kind=Notice.Kind.REPLY, comment__parent_id=pk).delete()
    elif what == tokens.MODERATION:
        Comment.objects.filter(pk=pk).update(notify_moderation=False)


def comments_of(email):
    """Every comment stored with `email`, whatever the case of its letters."""
    return Comment.objects.filter(author_email__iexact=email)


def notices_of(email):
    """What `email` gets notices about: its follows, and its comments with reply or
    moderation notices on (those still standing), newest first."""
    follows = (
        Follow.objects.filter(email=email)
        .select_related("article", "question")
        .order_by("-created_at", "-pk")
    )
    comments = (
        comments_of(email)
        .filter(Q(notify_replies=True) | Q(notify_moderation=True))
        .filter(status__in=[Comment.Status.PENDING, Comment.Status.APPROVED])
        .select_related("article")
        .order_by("-created_at", "-pk")
    )
    return list(follows), list(comments[:MANAGE_LISTS])


@transaction.atomic
def stop_all(email):
    """Stop every notice to `email`: its follows, reply and moderation notices on all its
    comments, and whatever was still owed."""
    Follow.objects.filter(email=email).delete()
    comments_of(email).update(notify_replies=False, notify_moderation=False)
    Notice.objects.filter(recipient=email).unsent().delete()


@transaction.atomic
def forget(email):
    """Erase `email` from the site: its comments withdrawn (a placeholder where they have
    replies), its notices stopped, the address erased from every comment and every report it
    was given with (and the reporter's name with it), its verification,
    follows and notices deleted, and the outbox's emails to it deleted (queued) or erased
    (sent). Comments already removed or marked spam by editors keep that status. Answers how
    many comments were withdrawn."""
    withdrawn = withdraw(
        comments_of(email).filter(status__in=[Comment.Status.PENDING, Comment.Status.APPROVED])
    )
    comments_of(email).update(author_email="", notify_replies=False, notify_moderation=False)
    Report.objects.filter(notifier_email__iexact=email).update(notifier_email="", notifier_name="")
    Follow.objects.filter(email=email).delete()
    Notice.objects.filter(recipient=email).delete()
    VerifiedAddress.objects.filter(email=email).delete()
    erase_address(email)
    return withdrawn
