"""Redis as the cache and flood counter that every server process shares (REDIS_URL)."""

import threading

import pytest
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
