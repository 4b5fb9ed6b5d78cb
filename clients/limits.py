"""How often a client may act: named rate limits, each a list of count/period rates, counted
where every server process and machine sees them (Redis when REDIS_URL is set, otherwise the
database).

`take(name, client)` asks for one action under the limit `name` for `client`
(clients.identity.client_hash): it counts the action and answers None when it is allowed, or
the seconds to wait when it is not.
"""

import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from redis.exceptions import WatchError

from clients.models import RateBucket

# Each limit's name, and the setting that holds its rates.
LIMITS = {
    # Comments from one network (an IPv4 address or IPv6 /64), and from one verified address.
    "comment": "COMMENTS_RATE_LIMIT",
    "comment-address": "COMMENTS_ADDRESS_RATE_LIMIT",
    # Verification emails to one address, and asked for from one network.
    "verification-address": "COMMENTS_VERIFICATION_ADDRESS_LIMIT",
    "verification-network": "COMMENTS_VERIFICATION_NETWORK_LIMIT",
    # Requests to follow a discussion by email, from one network.
    "follow": "NOTICES_FOLLOW_RATE_LIMIT",
    # Recommendations from one network: one person cannot inflate counts by clearing cookies.
    "recommend": "COMMENTS_RECOMMEND_LIMIT",
    # Reports from one network.
    "report": "COMMENTS_REPORT_LIMIT",
}
RATE = re.compile(r"(?P<count>[1-9]\d*)/(?P<amount>[1-9]\d*)?(?P<unit>[smh])")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


class InvalidRate(ValueError):
    pass


def parse_rates(text):
    """`"1/15s,5/10m"` → one action per 15 s and five per 10 minutes; `"off"` → none.

    Not cached: parsing takes about 5 µs, next to a database or Redis round trip, and
    mutation testing leaves decorated functions alone (docs/testing.md)."""
    if text.strip().lower() == "off":
        return ()
    rates = []
    for part in text.split(","):
        rate = RATE.fullmatch(part.strip())
        if rate is None:
            raise InvalidRate(
                f"{part.strip()!r} is not a rate like 5/10m (count/period in s, m or h), "
                "and the setting is not 'off'."
            )
        seconds = int(rate["amount"] or 1) * UNIT_SECONDS[rate["unit"]]
        rates.append(Rate(int(rate["count"]), seconds))
    return tuple(rates)


def rates(name):
    return parse_rates(getattr(settings, LIMITS[name]))


def take(name, client, now=None):
    """Count one action of `client` under the limit `name` if it is allowed now, and answer
    None; otherwise answer the seconds until it is (at least 1), counting nothing.

    In the database the action is counted in the caller's transaction, if any, and undone
    with it; in Redis it is counted at once, so call it when nothing else can refuse the
    action.
    """
    limit = rates(name)
    if not limit:
        return None
    now = now or timezone.now()
    if settings.REDIS_URL:
        return _take_in_redis(_redis(settings.REDIS_URL), f"{name}:{client}", now, limit)
    return _take_in_database(name, client, now, limit)


def longest(name):
    """The longest window, in seconds, of the limit `name` (0 when it is off)."""
    return _longest(rates(name)) if rates(name) else 0


def _longest(limit):
    return max(rate.seconds for rate in limit)


def _most(limit):
    return max(rate.count for rate in limit)


def wait(limit, recent, now):
    """Seconds to wait under `limit`, given the times of the newest actions (newest first),
    or None."""
    waits = []
    for rate in limit:
        window_start = now - timedelta(seconds=rate.seconds)
        in_window = [acted for acted in recent if acted > window_start]
        if len(in_window) >= rate.count:
            # Acting is allowed again once the count-th newest action leaves the window.
            leaves_at = in_window[rate.count - 1] + timedelta(seconds=rate.seconds)
            waits.append(max(1, math.ceil((leaves_at - now).total_seconds())))
    return max(waits, default=None)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _take_in_database(name, client, now, limit):
    # A client that already has to wait is answered from a read, without the write lock
    # (SQLite's is the whole database's, and every comment post waits for it): actions only
    # add times, so a wait the stored times call for cannot be shortened by a concurrent one.
    stored = RateBucket.objects.filter(limit=name, client=client).values_list("times", flat=True)
    if (times := stored.first()) is not None and (seconds := _pending(times, now, limit)[1]):
        return seconds
    with transaction.atomic():
        # The row exists before it is locked, so two first actions cannot both miss it.
        RateBucket.objects.bulk_create(
            [RateBucket(limit=name, client=client)], ignore_conflicts=True
        )
        bucket = RateBucket.objects.select_for_update().get(limit=name, client=client)
        times, seconds = _pending(bucket.times, now, limit)
        if seconds:
            return seconds
        bucket.times = [*times, (now - EPOCH).total_seconds()][-_most(limit) :]
        bucket.save(update_fields=["times", "updated_at"])
    return None


def _pending(stored, now, limit):
    """The stored action times (seconds since the epoch) still inside `limit`'s longest window
    at `now`, and the seconds to wait under it, or None."""
    oldest = (now - EPOCH).total_seconds() - _longest(limit)
    times = [moment for moment in stored if moment > oldest]
    recent = [EPOCH + timedelta(seconds=moment) for moment in reversed(times)]
    return times, wait(limit, recent, now)


@cache
def _redis(url):
    return redis.Redis.from_url(url)


def _take_in_redis(client, name, now, limit):
    """The client's action times are a sorted set (score: microseconds since the epoch).
    Reading them and adding this action happen in one optimistic transaction (WATCH/MULTI):
    if another process adds an action in between, the read is retried, so no two concurrent
    actions can both take the last free place."""
    key = f"mistralnews:rate:{name}"
    now_score = (now - EPOCH) // MICROSECOND
    oldest_score = (now - timedelta(seconds=_longest(limit)) - EPOCH) // MICROSECOND
    with client.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                newest = pipe.zrevrangebyscore(
                    key, "+inf", f"({oldest_score}", start=0, num=_most(limit), withscores=True
                )
                recent = [EPOCH + int(score) * MICROSECOND for _, score in newest]
                if seconds := wait(limit, recent, now):
                    return seconds
                pipe.multi()
                pipe.zadd(key, {uuid.uuid4().hex: now_score})
                pipe.zremrangebyscore(key, "-inf", oldest_score)
                pipe.expire(key, _longest(limit))
                pipe.execute()
                return None
            except WatchError:
                continue


def forget_idle(now):
    """Delete database counters no action has touched for a day (longer than any window);
    how many."""
    deleted, _ = RateBucket.objects.filter(updated_at__lt=now - timedelta(days=1)).delete()
    return deleted
