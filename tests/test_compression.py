"""Pages, feeds and the sitemap go out gzipped to clients that accept it, and stay cacheable.

Static files are WhiteNoise's own business (tests/test_static_files.py): they are compressed
once by collectstatic and never pass through Django's GZipMiddleware.
"""

import gzip
import re

import pytest

from tests.conftest import MISTRAL_SLUG

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
PAGES = [
    f"/articles/{MISTRAL_SLUG}/",
    "/",
    "/feed/",
    "/feed/rss/",
    f"/articles/{MISTRAL_SLUG}/comments/feed/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
]
# Each response masks the reader's CSRF token afresh (which is also what keeps BREACH from
# reading it out of compressed pages): compare pages without it.
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def site(mistral, make_article, make_comment):
    make_comment(mistral, body="Sovereignty starts with the weights.")
    # Enough addresses that every sitemap is worth compressing: GZipMiddleware sends a page
    # as it is when gzip (with up to 100 random bytes against BREACH) would not shrink it,
    # which a one-address sitemap sometimes is.
    for number in range(5):
        make_article(title=f"Sovereign compute, part {number}")
    return mistral


def without_token(content):
    return CSRF_TOKEN.sub(b'name="csrfmiddlewaretoken" value=""', content)


@pytest.mark.parametrize("url", PAGES)
def test_pages_feeds_and_sitemap_are_gzipped_for_clients_that_accept_it(client, site, url):
    plain = client.get(url)
    compressed = client.get(url, headers=GZIP)

    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content)
    assert without_token(gzip.decompress(compressed.content)) == without_token(plain.content)
    assert "Accept-Encoding" in compressed["Vary"]


@pytest.mark.parametrize("url", PAGES)
def test_clients_that_do_not_ask_for_gzip_get_the_page_as_it_is(client, site, url):
    response = client.get(url)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert response.content.lstrip().lower().startswith((b"<!doctype html>", b"<?xml"))
    # Caches in between must keep the two apart.
    assert "Accept-Encoding" in response["Vary"]


@pytest.mark.parametrize("url", PAGES[:5])
def test_a_compressed_page_is_revalidated_with_the_etag_it_came_with(client, site, url):
    first = client.get(url, headers=GZIP)
    # Gzip makes the ETag weak: the bytes differ from the uncompressed page's.
    assert first["ETag"].startswith('W/"')

    again = client.get(url, headers={**GZIP, "If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
