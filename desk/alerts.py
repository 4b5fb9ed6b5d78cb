"""Editors' email digest of the comments waiting for them: at most one every
DESK_DIGEST_MINUTES, only when comments arrived since the last one, to each editor who has not
turned it off, through the outbox (desk/periodic.py runs it)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from desk.models import AlertChoice, Digest
from desk.queue import waiting
from mistralnews.site_url import absolute_url
from outbox import sending as outbox

# The digest names the articles with the most comments waiting, up to this many.
ARTICLES_NAMED = 5


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
    if not arrived.exists():
        return None
    count = held.count()
    articles = (
        held.values("article__id", "article__title")
        .annotate(count=Count("id"))
        .order_by("-count", "article__id")[:ARTICLES_NAMED]
    )
    queue = absolute_url(reverse("desk:queue"))
    digest = Digest.objects.create(sent_at=now, waiting=count)
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
            "alerts": absolute_url(reverse("desk:alerts")),
        },
    )
    for editor in recipients():
        outbox.send(f"desk-digest:{digest.pk}:{editor.pk}", editor.email, subject, text, html)
    return digest
