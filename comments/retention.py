"""Erasing what the site keeps only for a while (COMMENTS_RETENTION_DAYS): comments' IP hashes,
and their email addresses unless the address was verified (its owner asked for notices or
rate limits of their own, and can have it forgotten: see the notices)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients.limits import forget_idle
from comments.links import forget_expired_uses
from comments.models import Comment, VerifiedAddress


@transaction.atomic
def erase_expired(now=None):
    """Erase what is older than the retention period; {what: how many rows changed}."""
    now = now or timezone.now()
    old = Comment.objects.filter(
        created_at__lt=now - timedelta(days=settings.COMMENTS_RETENTION_DAYS)
    )
    unverified = old.exclude(author_email="").exclude(
        author_email__in=VerifiedAddress.objects.values("email")
    )
    return {
        "IP hashes": old.exclude(ip_hash="").update(ip_hash=""),
        "unverified email addresses": unverified.update(author_email=""),
        "idle rate-limit counters": forget_idle(now),
        "records of used links": forget_expired_uses(now),
    }
