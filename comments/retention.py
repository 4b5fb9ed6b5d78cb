"""Erasing what the site keeps only for a while (COMMENTS_RETENTION_DAYS): comments' IP hashes,
and their email addresses unless the address was verified (its owner asked for notices or
rate limits of their own, and can have it forgotten: see the notices); readers' reports' names
and addresses (an address is erased sooner, once the decision is sent), and the IP hashes of
reports decided on (an open report's counts towards a hold)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients.limits import forget_idle
from comments.links import forget_expired_uses
from comments.models import Comment, Report, VerifiedAddress


@transaction.atomic
def erase_expired(now=None):
    """Erase what is older than the retention period; {what: how many rows changed}."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.COMMENTS_RETENTION_DAYS)
    old = Comment.objects.filter(created_at__lt=cutoff)
    old_reports = Report.objects.filter(created_at__lt=cutoff)
    unverified = old.exclude(author_email="").exclude(
        author_email__in=VerifiedAddress.objects.values("email")
    )
    return {
        "IP hashes": old.exclude(ip_hash="").update(ip_hash=""),
        "unverified email addresses": unverified.update(author_email=""),
        "reporters' names and addresses": old_reports.exclude(
            notifier_email="", notifier_name=""
        ).update(notifier_email="", notifier_name=""),
        "reports' IP hashes": old_reports.filter(decided_at__isnull=False)
        .exclude(ip_hash="")
        .update(ip_hash=""),
        "idle rate-limit counters": forget_idle(now),
        "records of used links": forget_expired_uses(now),
    }
