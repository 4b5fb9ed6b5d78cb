"""The email settings, checked by `manage.py check`, the worker and servers as they start."""

from ipaddress import ip_address
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register

from outbox.headers import UnsafeHeader, check_address, check_header_value

SMTP_SCHEMES = {"smtp", "smtp+tls", "smtps", "smtp+ssl"}
# consolemail:// prints emails where the worker runs; dummymail:// drops them (tests, demos).
SCHEMES = SMTP_SCHEMES | {"consolemail", "dummymail"}
LOOPBACK_NAMES = {"localhost"}


def _is_loopback(host):
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host in LOOPBACK_NAMES


def email_url_problems(url, debug=False):
    """(errors, warnings) about EMAIL_URL `url`, as sentences."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return [f"it is not a URL ({error})"], []
    if parts.scheme not in SCHEMES:
        known = ", ".join(sorted(SCHEMES))
        return [f"its scheme must be one of {known}, not {parts.scheme!r}"], []
    errors, warnings = [], []
    if parts.scheme in SMTP_SCHEMES:
        if not parts.hostname:
            errors.append("it names no mail server")
        if parts.scheme == "smtps" and port == 465:
            # django-environ reads smtps:// as STARTTLS, which a port-465 server never answers.
            errors.append("smtps:// means STARTTLS here; port 465 needs smtp+ssl://")
        if (
            parts.scheme == "smtp"
            and not debug
            and parts.hostname
            and not _is_loopback(parts.hostname)
        ):
            warnings.append(
                f"smtp:// sends mail and the password to {parts.hostname} unencrypted; use "
                "smtp+tls:// (587) or smtp+ssl:// (465) unless it is a relay on this machine"
            )
    return errors, warnings


@register("settings")
def email_settings(app_configs, **kwargs):
    errors, warnings = email_url_problems(settings.EMAIL_URL, settings.DEBUG)
    # The URL holds the password: the messages name its scheme and host only.
    shown = urlsplit(settings.EMAIL_URL).scheme or settings.EMAIL_URL
    messages = [
        Error(f"EMAIL_URL ({shown}://…): {problem}.", id="outbox.E001") for problem in errors
    ] + [Warning(f"EMAIL_URL ({shown}://…): {problem}.", id="outbox.W001") for problem in warnings]
    try:
        check_address(settings.DEFAULT_FROM_EMAIL)
    except UnsafeHeader:
        messages.append(
            Error(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}, not an email address.",
                hint="e.g. news@example.org, an address your mail server may send from",
                id="outbox.E002",
            )
        )
    try:
        check_header_value("SITE_NAME", settings.SITE_NAME)
    except UnsafeHeader:
        messages.append(
            Error(
                f"SITE_NAME is {settings.SITE_NAME!r}: a line break or control character "
                "cannot stand in the From header of emails.",
                id="outbox.E003",
            )
        )
    return messages
