"""The signed links of notices (comments.links makes and opens them):

- confirming a follow: carries the address and what it follows, works once, for 48 hours;
- unsubscribing: carries what it stops (a comment's reply or moderation notices, a follow),
  never expires and works any number of times, since a mail program's one-click unsubscribe
  may be sent again;
- managing an address's notices (and forgetting it): carries the address, for 30 days.
"""

from datetime import timedelta

from django.urls import reverse

from comments import links
from mistralnews.site_url import absolute_url

CONFIRM_FOLLOW = "follow"
UNSUBSCRIBE = "unsubscribe"
MANAGE = "manage"

CONFIRM_MAX_AGE = int(links.LONGEST_SINGLE_USE.total_seconds())
MANAGE_MAX_AGE = int(timedelta(days=30).total_seconds())

# What an unsubscribe link stops, and the id in its payload.
REPLIES, MODERATION, FOLLOW = "replies", "moderation", "follow"
STOPS = {REPLIES: "comment", MODERATION: "comment", FOLLOW: "follow"}


def confirm_follow_url(email, article, question=None):
    token = links.make_token(
        CONFIRM_FOLLOW, email=email, article=article.pk, question=question and question.pk
    )
    return absolute_url(reverse("notices:confirm_follow", args=[token]))


def open_follow_confirmation(token):
    """The payload of a follow confirmation that may still be used, or LinkRefused."""
    payload = links.open_token(CONFIRM_FOLLOW, token, max_age=CONFIRM_MAX_AGE)
    if links.was_used(payload):
        raise links.LinkRefused(links.LinkRefused.USED)
    return payload


def unsubscribe_path(what, pk):
    """The path of the link that stops `what` (REPLIES, MODERATION, FOLLOW) for row `pk`."""
    token = links.make_token(UNSUBSCRIBE, stop=what, pk=pk)
    return reverse("notices:unsubscribe", args=[token])


def open_unsubscribe(token):
    """(what, pk) an unsubscribe link stops, or LinkRefused. It never expires."""
    payload = links.open_token(UNSUBSCRIBE, token, max_age=None)
    if payload.get("stop") not in STOPS or not isinstance(payload.get("pk"), int):
        raise links.LinkRefused(links.LinkRefused.TAMPERED)
    return payload["stop"], payload["pk"]


def manage_path(email):
    return reverse("notices:manage", args=[links.make_token(MANAGE, email=email)])


def open_manage(token):
    """The address a manage link is for, or LinkRefused."""
    payload = links.open_token(MANAGE, token, max_age=MANAGE_MAX_AGE)
    if not isinstance(payload.get("email"), str):
        raise links.LinkRefused(links.LinkRefused.TAMPERED)
    return payload["email"]
