"""Brute-force protection for the desk's login, through django-axes (settings.AXES_*).

A username is locked for one client after AXES_FAILURE_LIMIT wrong passwords, for
AXES_COOLOFF_TIME. Attempts are rows in the database, so every server process and machine
counts the same ones. Axes stores and logs a client's IP address; it gets `client_pseudonym`
instead, so no real address is kept.
"""

import ipaddress
import math
from http import HTTPStatus

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from clients.identity import client_hash

# 100::/64 is for discarding (RFC 6666): no host has an address there.
PSEUDONYM_NETWORK = ipaddress.IPv6Network("100::/64")


def client_pseudonym(request):
    """AXES_CLIENT_IP_CALLABLE: the client as an IPv6 address in PSEUDONYM_NETWORK whose last
    64 bits come from its keyed hash. Axes keeps it in a column of IP addresses (`inet` on
    PostgreSQL), where a hex hash would not fit; the same client always gets the same one."""
    host = int(client_hash(request)[:16], 16)
    return str(PSEUDONYM_NETWORK[host])


def describe_client(username, ip_address, user_agent, path_info, request):
    """AXES_CLIENT_STR_CALLABLE: who tried, as axes' log lines name them, on one line."""
    return f"username {username!r} from client {ip_address}"


def lockout_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: the desk's page for a locked login, with the same status and
    words whether or not the username exists."""
    seconds = seconds_left(request, credentials)
    context = {**admin.site.each_context(request), "title": "Too many failed login attempts"}
    response = render(
        request,
        "admin/login_locked_out.html",
        {**context, "minutes": math.ceil(seconds / 60)},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


def seconds_left(request, credentials):
    """Seconds until the lock on this login ends: the cool-off after its newest counted failure
    (tries during the lock are not counted)."""
    cool_off = get_cool_off(request)
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    newest = max(
        (attempt.attempt_time for queryset in attempts for attempt in queryset),
        default=timezone.now(),
    )
    return max(1, math.ceil((newest + cool_off - timezone.now()).total_seconds()))
