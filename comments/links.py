"""Signed links in emails (verifying an address; later: unsubscribing, managing notices,
editing or withdrawing a comment). Each says what it is for, carries what it acts on, expires,
and, where it must, works once: its nonce is recorded when it is used. A link that was
tampered with, has expired or was used already changes nothing, and its page says which.
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction

from comments.models import UsedLink


class LinkRefused(Exception):
    """A link that does nothing; `reason` is one of TAMPERED, EXPIRED, USED."""

    TAMPERED, EXPIRED, USED = "tampered", "expired", "used"

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def make_token(purpose, **payload):
    """A token for a link that does `purpose` with `payload` (short values: ids, an address)."""
    data = {**payload, "nonce": secrets.token_hex(16)}
    return signing.dumps(data, salt=f"mistralnews.links.{purpose}", compress=True)


def open_token(purpose, token, *, max_age):
    """The payload of a `purpose` token made less than `max_age` seconds ago, or LinkRefused."""
    try:
        return signing.loads(token, salt=f"mistralnews.links.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise LinkRefused(LinkRefused.EXPIRED) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused(LinkRefused.TAMPERED) from None


def was_used(payload):
    return UsedLink.objects.filter(nonce=payload["nonce"]).exists()


def use_once(purpose, payload):
    """Record that the link with `payload` was used, in the caller's transaction; LinkRefused
    if it was used before."""
    try:
        with transaction.atomic():
            UsedLink.objects.create(nonce=payload["nonce"], purpose=purpose)
    except IntegrityError:
        raise LinkRefused(LinkRefused.USED) from None


# The longest a link that works once stays valid; its use need not be remembered longer.
LONGEST_SINGLE_USE = timedelta(days=2)


def forget_expired_uses(now):
    """Delete the records of used links that could no longer be used anyway; how many."""
    deleted, _ = UsedLink.objects.filter(used_at__lt=now - LONGEST_SINGLE_USE).delete()
    return deleted
