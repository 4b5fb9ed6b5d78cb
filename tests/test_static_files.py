"""Static files in production: content-hashed, compressed, cached for ever, served by WhiteNoise."""

import gzip
import re
import urllib.request

import pytest

from tests import servers


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """The site as `make serve` runs it, on SQLite: collectstatic, migrate, gunicorn."""
    folder = tmp_path_factory.mktemp("serve")
    env = servers.production_env(
        DJANGO_SECRET_KEY="tests-only-not-a-secret",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SITE_URL="http://127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DATABASE_URL=f"sqlite:///{folder}/news.sqlite3",
    )
    servers.manage("collectstatic", "--no-input", env=env)
    servers.manage("migrate", "--no-input", env=env)
    servers.manage("seed", env=env)
    with servers.gunicorn(env, folder / "gunicorn.log") as url:
        yield url


def fetch(url, **headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return r.status, r.headers, r.read()


def test_pages_link_static_files_by_content_hash(production_server):
    html = fetch(production_server + "/")[2].decode()

    assert re.search(r'href="/static/css/site\.[0-9a-f]{12}\.css"', html)
    assert re.search(r'href="/static/img/favicon\.[0-9a-f]{12}\.svg"', html)


def test_hashed_files_are_cached_for_ever_and_sent_compressed(production_server):
    html = fetch(production_server + "/")[2].decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)[1]

    status, headers, body = fetch(production_server + stylesheet, **{"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert b".site-header" in gzip.decompress(body)


def test_static_files_are_compressed_once_by_collectstatic_not_again_on_the_way_out(
    production_server,
):
    html = fetch(production_server + "/")[2].decode()
    stylesheet = (
        production_server + re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)[1]
    )

    _, plain_headers, plain = fetch(stylesheet)
    _, headers, body = fetch(stylesheet, **{"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain_headers
    assert headers["Content-Encoding"] == "gzip"
    # The .gz copy collectstatic made, sent as it is: with its length, and gzipped only once.
    assert int(headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == plain
    assert "Accept-Encoding" in headers["Vary"]


def test_pages_are_compressed_by_django_on_the_way_out(production_server):
    _, headers, body = fetch(production_server + "/", **{"Accept-Encoding": "gzip"})

    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).lower().startswith(b"<!doctype html>")
