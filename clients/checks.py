"""The rate-limit settings, checked by `manage.py check` and when a server starts."""

from django.conf import settings
from django.core.checks import Error, register

from clients.limits import LIMITS, InvalidRate, parse_rates


@register("settings")
def rate_limits_parse(app_configs, **kwargs):
    errors = []
    for setting in LIMITS.values():
        try:
            parse_rates(getattr(settings, setting))
        except InvalidRate as problem:
            errors.append(Error(f"{setting}: {problem}", id="clients.E001"))
    return errors
