"""Redis as the cache and flood counter that every server process shares (REDIS_URL)."""

import threading
from datetime import UTC, datetime

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from clients import limits
from comments.models import Comment
from tests.conftest import comment_form_data, comments_url

pytestmark = pytest.mark.redis


def test_cache_is_shared_with_other_processes(redis_cache):
    caches["default"].set("front-page", "cached once", timeout=60)

    another_process = RedisCache(redis_cache, {})

    assert another_process.get("front-page") == "cached once"


def test_flood_control_counts_in_redis_not_in_the_stored_comments(
    client, mistral, redis_cache, settings
):
    settings.COMMENTS_MODERATION = "open"
    data = comment_form_data()
    assert client.post(comments_url(mistral), data, REMOTE_ADDR="198.51.100.20").status_code == 303
    Comment.objects.all().delete()

    response = client.post(
        comments_url(mistral), {**data, "body": "Again."}, REMOTE_ADDR="198.51.100.20"
    )

    assert response.status_code == 429


def test_concurrent_posts_cannot_share_the_last_free_place(redis_cache, settings):
    settings.COMMENTS_RATE_LIMIT = "1/15s"
    now = timezone.now()
    start = threading.Barrier(8)
    answers = []

    def post():
        start.wait(timeout=10)
        answers.append(limits.take("comment", "same-ip-hash", now))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers, key=str) == [15] * 7 + [None]


class InterruptedOnce:
    """The shared Redis, as one server sees it while another server writes the key it is
    watching between its read (WATCH) and its count (EXEC): once, the first time."""

    def __init__(self, url, interruption):
        self.redis = redis.Redis.from_url(url)
        self.interruption = interruption
        self.reads = 0

    def pipeline(self):
        pipe = self.redis.pipeline()
        watch, execute = pipe.watch, pipe.execute

        def counted_watch(*keys):
            self.reads += 1
            return watch(*keys)

        def interrupted_execute(*args, **kwargs):
            if self.reads == 1:
                self.interruption()
            return execute(*args, **kwargs)

        pipe.watch, pipe.execute = counted_watch, interrupted_execute
        return pipe


@pytest.mark.parametrize(
    ("rate", "answer", "counted"),
    [("1/15s", 15, 1), ("2/15s", None, 2)],
    ids=["other-took-the-last-place", "room-for-both"],
)
def test_a_count_interrupted_by_another_server_reads_again(
    redis_cache, settings, monkeypatch, rate, answer, counted
):
    settings.COMMENTS_RATE_LIMIT = rate
    now = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
    plain_redis = limits._redis

    def other_server_counts():
        monkeypatch.setattr(limits, "_redis", plain_redis)
        assert limits.take("comment", "same-ip-hash", now) is None

    this_server = InterruptedOnce(redis_cache, other_server_counts)
    monkeypatch.setattr(limits, "_redis", lambda url: this_server)

    assert limits.take("comment", "same-ip-hash", now) == answer
    assert this_server.reads == 2, "the interrupted transaction read again"
    assert (
        redis.Redis.from_url(redis_cache).zcard("mistralnews:rate:comment:same-ip-hash") == counted
    )
