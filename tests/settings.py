"""The settings tests run with: the site's own (mistralnews.settings), read from an environment
that defaults to production (DEBUG off) with throwaway secrets over plain HTTP, so that
`pytest tests/test_pages.py` needs nothing set. The caller's environment still wins."""

import os

for name, value in {
    "DJANGO_SECRET_KEY": "tests-only-not-a-secret",
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SITE_URL": "http://testserver",
    # Django's test runner keeps what is sent in django.core.mail.outbox whatever this says.
    "EMAIL_URL": "dummymail://",
    "DEFAULT_FROM_EMAIL": "news@localhost",
}.items():
    os.environ.setdefault(name, value)

from mistralnews.settings import *  # noqa: E402, F403
