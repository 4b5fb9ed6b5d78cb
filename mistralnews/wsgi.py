"""WSGI entry point for mistralnews."""

import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mistralnews.settings")

application = get_wsgi_application()

# A server runs no system checks: refuse to start with settings that `manage.py check` would
# report, rather than fail on a reader's first comment.
if problems := [
    problem for problem in checks.run_checks(tags=["settings"]) if problem.is_serious()
]:
    raise ImproperlyConfigured("\n".join(str(problem) for problem in problems))
