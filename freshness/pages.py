"""The one rule for which pages are shared and which belong to one reader, and how a shared
page is served from the cache.

A *shared* page is the same for every reader who asks for the same address, except for the
CSRF token of its comment form, which is filled in for each reader: it is cached under the
versions of what it shows (freshness.versions) and answered with an ETag. A *per-reader* page
holds something of one reader's (the comment they are replying to, their comments awaiting
moderation, an editor's controls): it is rendered for them, never cached or shared, and sent
as `Cache-Control: private`.
"""

import hashlib
import secrets
from enum import Enum

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

# Query parameters that select a shared copy of a page: each view reads the ones it uses and
# keys its copy on their normalised values (the page number, the question a form answers, the
# order a discussion is sorted in); any other parameter is ignored and gets the same copy.
SHARED_QUERY = frozenset({"page", "question", "thread", "sort"})
# Query parameters that make a page the reader's own.
PER_READER_QUERY = frozenset({"reply_to"})

# The signed cookie listing a reader's comments that await moderation (comments.pending).
PENDING_COMMENTS_COOKIE = "pending_comments"
# The signed cookie that remembers a commenter in their browser: name, email, the addresses
# verified there, their comments (comments.commenters).
COMMENTER_COOKIE = "commenter"
# The signed cookie a reader gets when they first recommend a comment (comments.recommending).
# No page shows anything of it: it keeps pages shared.
RECOMMENDER_COOKIE = "recommender"
# Cookies that make a page the reader's own, on every page: a logged-in editor's session
# (editors see their own controls). A page that reads more of the reader's cookies names them
# (the article page: their comments awaiting moderation, and what fills in their comment form).
# The CSRF cookie keeps pages shared; cookies the site does not set, or a page does not read,
# change nothing either.
PER_READER_COOKIES = frozenset({settings.SESSION_COOKIE_NAME})


class Audience(Enum):
    SHARED = "shared"
    PER_READER = "per-reader"


def audience(request, reads=frozenset()):
    """Whether the page `request` asks for is shared or the reader's own; `reads`: the cookies
    of the reader's the page shows something of, beyond PER_READER_COOKIES."""
    if request.method not in ("GET", "HEAD"):
        return Audience.PER_READER
    if PER_READER_QUERY.intersection(request.GET) or (PER_READER_COOKIES | reads).intersection(
        request.COOKIES
    ):
        return Audience.PER_READER
    return Audience.SHARED


def caching_on():
    return settings.PAGE_CACHE_TIMEOUT > 0


def _digest(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def page_key(kind, *parts):
    """The cache key of the shared page of `kind` made of `parts` (the versions it shows and
    the normalised query it reads), and of the year, which the footer links. Not of the
    request's scheme or Host: every absolute URL a page holds is on SITE_URL
    (mistralnews.site_url), so one copy serves every name the site answers on."""
    return f"page:{kind}:{_digest(timezone.now().year, *parts)}"


def etag_of(*parts):
    """The strong ETag of a response made of `parts` (the key of its copy, the versions it
    shows, whatever of the reader's it holds)."""
    return f'"{_digest(*parts)[:32]}"'


def fragment_key(name, row, *vary):
    """The cache key of the fragment `name` showing `row` (a Versioned model) as of its
    version, varied by `vary`; like a page's, the same whatever Host was asked."""
    return f"fragment:{name}:{_digest(row._meta.label, row.pk, row.version, *vary)}"


# The cache of this process's own copies (settings.CACHES), in front of the shared one.
LOCAL_CACHE = "local"


def _local_cache():
    return caches[LOCAL_CACHE] if LOCAL_CACHE in settings.CACHES else None


def cached_copy(key):
    """The copy of a page or fragment kept under `key`: from this process's memory, or else
    from the shared cache (and then kept in memory too); None if neither has it. As exact as
    the shared cache, since keys hold the versions read from the database."""
    local = _local_cache()
    copy = local.get(key) if local else None
    if copy is None:
        copy = cache.get(key)
        if copy is not None and local:
            local.set(key, copy, settings.PAGE_CACHE_TIMEOUT)
    return copy


def keep_copy(key, copy):
    """Keep `copy` under `key`, in the shared cache and in this process's memory."""
    cache.set(key, copy, settings.PAGE_CACHE_TIMEOUT)
    if local := _local_cache():
        local.set(key, copy, settings.PAGE_CACHE_TIMEOUT)


def serve_shared(request, key, render, *, has_form=False, expires=None):
    """The shared page under `key`, from the cache or made by `render(csrf_token)`; only with
    page caching on (caching_on()).

    `has_form`: the page holds a CSRF token; each reader gets their own, so the copy goes out
    as `private`, with an ETag for that reader. `expires()` gives the time the page goes out
    of date by itself (a scheduled article appearing in a list), or None; it is asked only
    when the page is rendered.
    """
    token = get_token(request) if has_form else ""
    reader = request.META["CSRF_COOKIE"] if has_form else ""
    etag = etag_of(key, reader)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified

    chunks, until = cached_copy(key) or (None, None)
    if chunks is None or (until is not None and timezone.now() >= until):
        # Each reader's token goes where this placeholder is, which no stored text can hold.
        placeholder = secrets.token_urlsafe(32) if has_form else None
        response = render(placeholder)
        response.render()
        if response.status_code != 200:
            return response
        chunks = response.content.split(placeholder.encode()) if has_form else [response.content]
        until = expires() if expires else None
        keep_copy(key, (chunks, until))
    response = HttpResponse(token.encode().join(chunks))
    response["ETag"] = etag
    # Browsers and proxies check back each time; the ETag makes that cheap.
    patch_cache_control(response, no_cache=True, **({"private": True} if has_form else {}))
    return response


def per_reader(response):
    """Mark `response`, a page made for one reader, as theirs alone."""
    patch_cache_control(response, private=True, no_cache=True)
    return response
