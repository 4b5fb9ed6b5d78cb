"""Flood control: how often comments may come from one IP address.

Limits are counted from the stored comments themselves, so they hold across every server
process and machine that shares the database.
"""

import math
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

from comments.models import Comment

RATE = re.compile(r"(?P<count>[1-9]\d*)/(?P<amount>[1-9]\d*)?(?P<unit>[smh])")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class RateLimit:
    count: int
    seconds: int


@cache
def parse_rate_limits(text):
    """`"1/15s,5/10m"` → one comment per 15 s and five per 10 minutes; `"off"` → none."""
    if text.strip().lower() == "off":
        return ()
    limits = []
    for part in text.split(","):
        rate = RATE.fullmatch(part.strip())
        if rate is None:
            raise ImproperlyConfigured(
                f"COMMENTS_RATE_LIMIT: {part.strip()!r} is not a rate like 5/10m "
                "(count/period in s, m or h), and the setting is not 'off'."
            )
        seconds = int(rate["amount"] or 1) * UNIT_SECONDS[rate["unit"]]
        limits.append(RateLimit(int(rate["count"]), seconds))
    return tuple(limits)


def rate_limits():
    return parse_rate_limits(settings.COMMENTS_RATE_LIMIT)


def client_ip_hash(request):
    """The client's IP address as an HMAC under the secret key (never stored in the clear)."""
    ip = request.META.get("REMOTE_ADDR", "")
    return salted_hmac("mistralnews.comments.client-ip", ip, algorithm="sha256").hexdigest()


def retry_after(ip_hash, now):
    """Seconds until `ip_hash` may post again, or None if it may post now."""
    limits = rate_limits()
    if not limits:
        return None
    longest = max(limit.seconds for limit in limits)
    recent = list(
        Comment.objects.filter(ip_hash=ip_hash, created_at__gt=now - timedelta(seconds=longest))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: max(limit.count for limit in limits)]
    )
    waits = []
    for limit in limits:
        window_start = now - timedelta(seconds=limit.seconds)
        in_window = [posted for posted in recent if posted > window_start]
        if len(in_window) >= limit.count:
            # Posting is allowed again once the limit-th newest comment leaves the window.
            leaves_at = in_window[limit.count - 1] + timedelta(seconds=limit.seconds)
            waits.append(max(1, math.ceil((leaves_at - now).total_seconds())))
    return max(waits, default=None)
