"""The notices' settings, checked by `manage.py check` and as servers and the worker start."""

from django.conf import settings
from django.core.checks import Error, register


@register("settings")
def reply_window_is_not_negative(app_configs, **kwargs):
    if settings.NOTICES_REPLY_DIGEST_MINUTES >= 0:
        return []
    return [
        Error(
            f"NOTICES_REPLY_DIGEST_MINUTES is {settings.NOTICES_REPLY_DIGEST_MINUTES}; use 0 "
            "(each reply at once) or more.",
            id="notices.E001",
        )
    ]
