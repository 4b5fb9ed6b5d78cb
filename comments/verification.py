"""Verifying a commenter's email address by double opt-in: a signed link sent to it, good for
48 hours and once, verifies the address in the browser that follows it."""

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clients import limits
from clients.identity import address_hash
from comments import links
from comments.models import VerifiedAddress
from mistralnews.site_url import absolute_url
from outbox import refusals
from outbox import sending as outbox

PURPOSE = "verify"
MAX_AGE = int(links.LONGEST_SINGLE_USE.total_seconds())


def verification_url(email, article=None):
    """The link that verifies `email`; it leads back to `article` once followed."""
    payload = {"email": email.lower()}
    if article is not None:
        payload["article"] = article.pk
    return absolute_url(reverse("comments:verify", args=[links.make_token(PURPOSE, **payload)]))


def check(token):
    """The payload of a verification link that may still be followed, or LinkRefused."""
    payload = links.open_token(PURPOSE, token, max_age=MAX_AGE)
    if links.was_used(payload):
        raise links.LinkRefused(links.LinkRefused.USED)
    return payload


@transaction.atomic
def verify(token):
    """Follow a verification link: record its address as verified and the link as used; the
    payload, or LinkRefused (and nothing changed)."""
    payload = links.open_token(PURPOSE, token, max_age=MAX_AGE)
    links.use_once(PURPOSE, payload)
    VerifiedAddress.objects.update_or_create(
        email=payload["email"], defaults={"verified_at": timezone.now()}
    )
    refusals.clear_refusal(payload["email"])
    return payload


def is_verified_here(commenter, email):
    """True if this browser (`commenter`) followed a verification link for `email`, and the
    address is still verified (an address that asked to be forgotten is not)."""
    return commenter.has_verified(email) and VerifiedAddress.objects.filter(email=email).exists()


def may_send_link(email, client):
    """Count one more email with a link that verifies `email` (this one, or a follow's
    confirmation), asked for from the network `client` (a client hash); False, counting
    nothing more, when the address or the network had their share today."""
    return not (
        limits.take("verification-address", address_hash(email))
        or limits.take("verification-network", client)
    )


def offer(comment, client):
    """Email the author of `comment`, just posted from a browser that does not hold its
    address's verification, a link to verify it, unless the address or the network `client`
    (a client hash) had their share of such emails today. Says nothing either way: the
    answer to a post must not tell whether an address is known."""
    email = comment.author_email.lower()
    if not may_send_link(email, client):
        return None
    subject, text, html = outbox.compose(
        "comments/email/verify",
        {
            "link": verification_url(email, comment.article),
            "article": comment.article,
            "hours": MAX_AGE // 3600,
            "privacy": absolute_url(reverse("comments:privacy")),
        },
    )
    # Each offer is its own email, with its own link; it reaches an address that refused
    # mail before too, since verifying is how its owner gets mail again.
    key = f"verify:{secrets.token_hex(16)}"
    return outbox.send(key, email, subject, text, html, despite_refusal=True)
