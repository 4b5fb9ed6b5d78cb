"""`/healthz`: whether this server can serve, for a load balancer. It reaches the database and
the cache, renders nothing, sets no cookie and is never cached."""

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from freshness.models import ListVersion

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    problems = []
    try:
        connection.ensure_connection()
        ListVersion.objects.exists()
    except DatabaseError as error:
        problems.append("database unreachable")
        logger.warning("healthz: database unreachable: %s", error)
    probe = secrets.token_hex(8)
    try:
        cache.set("healthz", probe, 10)
        if cache.get("healthz") != probe:
            raise OSError("the value written was not read back")
    except Exception as error:  # any backend's failure means the same to a load balancer
        problems.append("cache unreachable")
        logger.warning("healthz: cache unreachable: %s", error)
    body, status = ("; ".join(problems), 503) if problems else ("ok", 200)
    return HttpResponse(f"{body}\n", status=status, content_type="text/plain; charset=utf-8")
