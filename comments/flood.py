"""Flood control: how often comments may come from one IP address.

Posts are counted where every server process and machine sees them: in Redis when it is the
cache (REDIS_URL), else in the database, from the stored comments themselves.
"""

import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac
from redis.exceptions import WatchError

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


def client_ip(request):
    """The address of the client that sent `request`.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies of ours stand in front of the site: then
    each of them appended the address it was connected from to X-Forwarded-For, and the client
    is the entry the outermost one added, counted from the right. Entries further left were
    sent by the client and may be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_ip_hash(request):
    """The client's IP address as an HMAC under the secret key (never stored in the clear)."""
    return salted_hmac(
        "mistralnews.comments.client-ip", client_ip(request), algorithm="sha256"
    ).hexdigest()


def retry_after(ip_hash, now):
    """Seconds until `ip_hash` may post again, or None if it may post now.

    In the database a post counts once its comment is stored; in Redis a None counts this post
    at once, atomically, so call it when nothing else can reject the comment.
    """
    limits = rate_limits()
    if not limits:
        return None
    counter = caches["default"]
    if isinstance(counter, RedisCache):
        return _count_in_redis(counter, ip_hash, now, limits)
    recent = (
        Comment.objects.filter(ip_hash=ip_hash, created_at__gt=now - _longest(limits))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: _most(limits)]
    )
    return _wait(limits, list(recent), now)


def _longest(limits):
    return timedelta(seconds=max(limit.seconds for limit in limits))


def _most(limits):
    return max(limit.count for limit in limits)


def _wait(limits, recent, now):
    """Seconds to wait, given the times of the newest posts (newest first), or None."""
    waits = []
    for limit in limits:
        window_start = now - timedelta(seconds=limit.seconds)
        in_window = [posted for posted in recent if posted > window_start]
        if len(in_window) >= limit.count:
            # Posting is allowed again once the limit-th newest comment leaves the window.
            leaves_at = in_window[limit.count - 1] + timedelta(seconds=limit.seconds)
            waits.append(max(1, math.ceil((leaves_at - now).total_seconds())))
    return max(waits, default=None)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _count_in_redis(cache, ip_hash, now, limits):
    """The IP's post times are a sorted set (score: microseconds since the epoch). Reading
    them and adding this post happen in one optimistic transaction (WATCH/MULTI): if another
    process adds a post in between, the read is retried, so no two concurrent posts can both
    take the last free place."""
    key = cache.make_and_validate_key(f"comments.flood.{ip_hash}")
    now_score = (now - EPOCH) // MICROSECOND
    oldest_score = (now - _longest(limits) - EPOCH) // MICROSECOND
    # Django's Redis cache exposes no sorted sets; its client and connection pool do.
    client = cache._cache.get_client(key, write=True)
    with client.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                newest = pipe.zrevrangebyscore(
                    key, "+inf", f"({oldest_score}", start=0, num=_most(limits), withscores=True
                )
                recent = [EPOCH + int(score) * MICROSECOND for _, score in newest]
                if wait := _wait(limits, recent, now):
                    return wait
                pipe.multi()
                pipe.zadd(key, {uuid.uuid4().hex: now_score})
                pipe.zremrangebyscore(key, "-inf", oldest_score)
                pipe.expire(key, _longest(limits))
                pipe.execute()
                return None
            except WatchError:
                continue
