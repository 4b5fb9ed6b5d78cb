"""The settings tests run with: the site's own (mistralnews.settings), read from an environment
that defaults to production (DEBUG off) with throwaway secrets over plain HTTP, so that
`pytest tests/test_pages.py` needs nothing set. The caller's environment still wins."""

import atexit
import os
import shutil
import tempfile

for name, value in {
    "DJANGO_SECRET_KEY": "tests-only-not-a-secret",
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SITE_URL": "http://testserver",
    # Django's test runner keeps what is sent in django.core.mail.outbox whatever this says.
    "EMAIL_URL": "dummymail://",
    "DEFAULT_FROM_EMAIL": "news@localhost",
    # Tests log editors in with their password alone; tests/test_two_factor.py turns it on.
    "DJANGO_DESK_REQUIRE_2FA": "0",
}.items():
    os.environ.setdefault(name, value)

# The production file cache, in a folder of this run's own, removed at its end.
if "DJANGO_CACHE_DIR" not in os.environ:
    os.environ["DJANGO_CACHE_DIR"] = tempfile.mkdtemp(prefix="mistralnews-tests-cache-")
    atexit.register(shutil.rmtree, os.environ["DJANGO_CACHE_DIR"], ignore_errors=True)

from mistralnews.settings import *  # noqa: E402, F403
