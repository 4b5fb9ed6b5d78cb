"""Editors' email digest of the comments waiting for them and of those readers reported: at
most one every DESK_DIGEST_MINUTES, only when comments or reports arrived since the last one,
to each editor who has not turned it off, through the outbox (desk/periodic.py runs it)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from comments.models import Report
from desk.models import AlertChoice, Digest
from desk.queue import waiting
from mistralnews.site_url import absolute_url
from outbox import sending as outbox

# The digest names the articles with the most comments waiting, and the comments with the
# most open reports, up to this many.
ARTICLES_NAMED = 5
REPORTED_NAMED = 5


def recipients():
    """Active staff who may moderate comments, have an address, and have not turned the
    digest off."""
    moderate = Permission.objects.filter(
        content_type__app_label="comments", codename="change_comment"
    )
    turned_off = AlertChoice.objects.filter(wants_digest=False).values("user")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=moderate)
            | Q(groups__permissions__in=moderate)
        )
        .exclude(email="")
        .exclude(pk__in=turned_off)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def send_digest(now=None):
    """Send the digest if it is due and has news; answers the Digest sent, or None."""
    minutes = settings.DESK_DIGEST_MINUTES
    if minutes <= 0:
        return None
    now = now or timezone.now()
    last = Digest.objects.select_for_update().order_by("-sent_at").first()
    if last and now - last.sent_at < timedelta(minutes=minutes):
        return None
    held = waiting()
    arrived = held.filter(created_at__gt=last.sent_at) if last else held
    reports = Report.objects.open()
    reported_since = reports.filter(created_at__gt=last.sent_at) if last else reports
    if not (arrived.exists() or reported_since.exists()):
        return None
    count = held.count()
    reported = reports.values("comment").distinct().count()
    most_reported = (
        reports.values("comment", "comment__article__title")
        .annotate(count=Count("id"))
        .order_by("-count", "comment")[:REPORTED_NAMED]
    )
    articles = (
        held.values("article__id", "article__title")
        .annotate(count=Count("id"))
        .order_by("-count", "article__id")[:ARTICLES_NAMED]
    )
    queue = absolute_url(reverse("desk:queue"))
    reported_filter = absolute_url(
        f"{reverse('admin:comments_comment_changelist')}?status=reported"
    )
    digest = Digest.objects.create(sent_at=now, waiting=count, reported=reported)
    subject, text, html = outbox.compose(
        "desk/email/digest",
        {
            "count": count,
            "new": arrived.count(),
            "oldest": held.values_list("created_at", flat=True).first(),
            "now": now,
            "articles": [
                {**article, "url": f"{queue}?article={article['article__id']}"}
                for article in articles
            ],
            "queue": queue,
            "reported": reported,
            "new_reports": reported_since.count(),
            "most_reported": [
                {
                    **comment,
                    "url": absolute_url(
                        reverse("admin:comments_comment_change", args=[comment["comment"]])
                    ),
                }
                for comment in most_reported
            ],
            "reported_filter": reported_filter,
            "alerts": absolute_url(reverse("desk:alerts")),
        },
    )
    for editor in recipients():
        outbox.send(f"desk-digest:{digest.pk}:{editor.pk}", editor.email, subject, text, html)
    return digest
