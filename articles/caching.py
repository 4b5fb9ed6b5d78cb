"""Whole pages served from the cache, under keys that change whenever what they show does.

An article page is kept under the article's `cache_token`, which every change to the
article, its tags, questions or comments replaces (Article.objects.touch()); list pages are
kept under the ContentVersion, which every such change bumps. Both are read from the
database on each request, so no server process or machine ever serves an outdated copy,
with the local memory cache as with Redis. Pages that change with time alone (a scheduled
article appearing, the year in the footer) expire or change key at that time.

What belongs to one reader is never cached: the CSRF token of the comment form is left as
a placeholder in the cached copy and filled in for each reader, and pages with anything
else of the reader's (a query string, cookies other than CSRF and session) are rendered
afresh.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

# Rendered where the comment form's CSRF token goes, then replaced for each reader.
CSRF_PLACEHOLDER = "csrf-token-filled-in-for-each-reader"
SHARED_COOKIES = {settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME}


def has_own_cookies(request):
    """True if the reader sends cookies of their own, beyond the CSRF and session ones
    (such as the one that shows them their comments awaiting moderation)."""
    return bool(set(request.COOKIES) - SHARED_COOKIES)


def page_key(request, *parts):
    """A cache key for the page at this address made of `parts`: host and scheme count
    (the page links itself absolutely), and the year (the footer links its archive)."""
    name = ":".join(map(str, [request.build_absolute_uri("/"), timezone.now().year, *parts]))
    return "page:" + hashlib.sha256(name.encode()).hexdigest()


def cached_page(request, key, render, *, private=False, valid_until=None):
    """The page `render()` makes, from the cache under `key` when it is there.

    `render()` returns a response, rendered with CSRF_PLACEHOLDER as its `csrf_token` when
    the page is `private` (has a form). `valid_until`, a function, gives the time at which a
    fresh copy goes out of date by itself (a scheduled article appearing), or None. The
    response carries an ETag made from `key`, so a browser that has this very page gets
    304 Not Modified.
    """
    etag = f'"{key[5:37]}"'
    if private:
        # The page holds the reader's CSRF token (get_token makes their secret if they have
        # none yet): a copy is good for the same secret only.
        token = get_token(request)
        reader = hashlib.sha256(request.META["CSRF_COOKIE"].encode()).hexdigest()
        etag = f'"{key[5:29]}-{reader[:8]}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified

    content, expires = cache.get(key, (None, None))
    if content is None or (expires is not None and timezone.now() >= expires):
        response = render()
        response.render()
        content, expires = response.content, valid_until and valid_until()
        cache.set(key, (content, expires), settings.PAGE_CACHE_TIMEOUT)
    if private:
        content = content.replace(CSRF_PLACEHOLDER.encode(), token.encode())
    response = HttpResponse(content)
    response["ETag"] = etag
    # Browsers and proxies check back each time; the ETag makes that cheap.
    patch_cache_control(response, no_cache=True, **({"private": True} if private else {}))
    return response
