"""Verifying a commenter's email address by double opt-in: a signed link sent to it, good for
48 hours and once, verifies the address in the browser that follows it."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comments import links
from comments.models import VerifiedAddress
from mistralnews.site_url import absolute_url

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
    return payload


def is_verified_here(commenter, email):
    """True if this browser (`commenter`) followed a verification link for `email`, and the
    address is still verified (an address that asked to be forgotten is not)."""
    return commenter.has_verified(email) and VerifiedAddress.objects.filter(email=email).exists()
