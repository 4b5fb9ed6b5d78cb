"""`/healthz` tells a load balancer whether this server can serve."""

from django.db import DatabaseError

from freshness.models import ListVersion


def test_healthz_is_ok_when_database_and_cache_answer(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_is_503_when_the_database_is_unreachable(client, db, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(ListVersion.objects, "exists", unreachable)

    response = client.get("/healthz")

    assert (response.status_code, response.content) == (503, b"database unreachable\n")
    assert "healthz: database unreachable" in caplog.text


def test_healthz_is_503_when_the_cache_is_unreachable(client, db, monkeypatch):
    monkeypatch.setattr("mistralnews.health.cache.get", lambda key: None)

    response = client.get("/healthz")

    assert (response.status_code, response.content) == (503, b"cache unreachable\n")


def test_healthz_is_503_when_redis_does_not_answer(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }

    response = client.get("/healthz")

    assert (response.status_code, response.content) == (503, b"cache unreachable\n")


def test_healthz_answers_plain_http_in_production(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
