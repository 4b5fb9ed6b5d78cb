"""How often a client may act (clients.limits): where a window begins and ends, the wait a
refused client is told, and what the counters in the database and in Redis keep."""

from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients import limits
from clients.limits import Rate, wait
from clients.models import RateBucket

NOW = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
ONE_PER_15_SECONDS = (Rate(1, 15),)


def ago(seconds):
    return NOW - timedelta(seconds=seconds)


def test_an_action_exactly_one_window_ago_no_longer_counts():
    assert wait(ONE_PER_15_SECONDS, [ago(15)], NOW) is None


def test_an_action_a_microsecond_inside_the_window_still_counts():
    assert wait(ONE_PER_15_SECONDS, [ago(15) + MICROSECOND], NOW) == 1


@pytest.mark.parametrize(
    ("acted", "seconds"),
    [
        (ago(0), 15),
        (ago(13.6), 2),  # 1.4 s left: a client told 1 would come back too early
        (ago(14.4), 1),  # 0.6 s left
        (ago(14.6), 1),  # 0.4 s left: still a whole second, never 0
    ],
)
def test_the_wait_is_rounded_up_to_whole_seconds(acted, seconds):
    assert wait(ONE_PER_15_SECONDS, [acted], NOW) == seconds


def test_the_wait_lasts_until_the_count_th_newest_action_leaves_the_window():
    recent = [ago(10), ago(20), ago(30)]  # newest first

    assert wait((Rate(1, 60),), recent, NOW) == 50
    assert wait((Rate(2, 60),), recent, NOW) == 40
    assert wait((Rate(3, 60),), recent, NOW) == 30
    assert wait((Rate(4, 60),), recent, NOW) is None


def test_under_several_rates_the_longest_wait_is_told():
    limit = (Rate(1, 15), Rate(2, 600))

    assert wait(limit, [ago(5), ago(100)], NOW) == 500  # both refuse: 10 s and 500 s
    assert wait(limit, [ago(5), ago(700)], NOW) == 10  # only the first refuses
    assert wait(limit, [ago(20), ago(100)], NOW) == 500  # only the second
    assert wait(limit, [ago(20), ago(700)], NOW) is None


# The counters behind take(): the database's RateBucket rows, or Redis.


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def counter(request, db, settings):
    """Rate limits counted in the database, or in Redis: a function answering the times
    counted for a client, oldest first."""
    settings.COMMENTS_RATE_LIMIT = "1/15s,5/10m"
    if request.param == "redis":
        shared = redis.Redis.from_url(request.getfixturevalue("redis_cache"))

        def counted(client):
            scores = shared.zrange(f"mistralnews:rate:comment:{client}", 0, -1, withscores=True)
            return [limits.EPOCH + int(score) * MICROSECOND for _, score in scores]

        return counted

    def counted(client):
        bucket = RateBucket.objects.filter(limit="comment", client=client).first()
        return (
            [limits.EPOCH + timedelta(seconds=moment) for moment in bucket.times] if bucket else []
        )

    return counted


def test_an_allowed_action_is_counted_at_the_time_it_was_taken(counter):
    assert limits.take("comment", "client", ago(20)) is None
    assert limits.take("comment", "client", NOW) is None

    assert counter("client") == [ago(20), NOW]


def test_a_refused_action_is_not_counted(counter):
    limits.take("comment", "client", NOW)

    assert limits.take("comment", "client", NOW + MICROSECOND) == 15
    assert counter("client") == [NOW]


def test_a_client_that_must_wait_is_refused_without_writing(db, settings):
    """Refusing reads the count and writes nothing: on SQLite a write would take the lock every
    comment post waits for (posts from an address over its verification limit took it twice)."""
    settings.COMMENTS_RATE_LIMIT = "1/15s"
    limits.take("comment", "client", NOW)

    with CaptureQueriesContext(connection) as queries:
        assert limits.take("comment", "client", NOW + MICROSECOND) == 15
    assert [query["sql"].split()[0] for query in queries] == ["SELECT"]


def test_actions_one_longest_window_old_are_forgotten(counter):
    limits.take("comment", "client", ago(600))
    limits.take("comment", "client", NOW)

    assert counter("client") == [NOW]


def test_actions_a_microsecond_inside_the_longest_window_are_kept(counter):
    limits.take("comment", "client", ago(600) + MICROSECOND)
    limits.take("comment", "client", NOW)

    assert counter("client") == [ago(600) + MICROSECOND, NOW]


def test_five_per_ten_minutes_counts_the_fifth_newest(counter):
    for seconds in (500, 400, 300, 200, 100):
        assert limits.take("comment", "client", ago(seconds)) is None

    assert limits.take("comment", "client", NOW) == 100  # the one from 500 s ago leaves first
    assert limits.take("comment", "client", ago(500) + timedelta(seconds=600)) is None
    assert len(counter("client")) == 5


def test_each_client_and_each_limit_has_its_own_count(counter, monkeypatch):
    monkeypatch.setitem(limits.LIMITS, "login", "COMMENTS_RATE_LIMIT")
    limits.take("comment", "client", NOW)

    assert limits.take("comment", "another client", NOW) is None
    assert limits.take("login", "client", NOW) is None
    assert counter("client") == [NOW]


def test_off_counts_nothing(counter, settings):
    settings.COMMENTS_RATE_LIMIT = "off"

    assert [limits.take("comment", "client", NOW) for _ in range(3)] == [None] * 3
    assert counter("client") == []


@pytest.mark.redis
def test_the_redis_key_expires_after_the_longest_window(redis_cache, settings):
    settings.COMMENTS_RATE_LIMIT = "1/15s,5/10m"

    limits.take("comment", "client", NOW)

    assert 590 < redis.Redis.from_url(redis_cache).ttl("mistralnews:rate:comment:client") <= 600
