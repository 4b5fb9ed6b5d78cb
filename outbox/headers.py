"""What may go into an email's headers: values the site built, never a line break or a
control character, so text a reader wrote can never add a header or a recipient."""

import re
import unicodedata
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mistralnews.characters import has_bidi_controls

# A field name (RFC 5322): printable ASCII but the colon; we take the usual letters, digits
# and hyphens.
HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
# Set by the outbox itself, from the email's row and the settings.
RESERVED_HEADERS = frozenset(
    {
        "from", "sender", "reply-to", "to", "cc", "bcc", "subject", "date", "message-id",
        "mime-version", "auto-submitted", "return-path",
    }
)  # fmt: skip


class UnsafeHeader(ValueError):
    """A header name, value or address the outbox refuses to send."""


def _unsafe_characters(value):
    """True if `value` holds a control character (CR, LF, tab, NUL, C1…), a Unicode line or
    paragraph separator, or a bidirectional control that could disguise it."""
    return has_bidi_controls(value) or any(
        unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value
    )


def check_header_value(name, value):
    if not isinstance(value, str):
        raise UnsafeHeader(f"{name} must be text, not {type(value).__name__}")
    if _unsafe_characters(value):
        raise UnsafeHeader(f"{name} holds a line break or control character: {value!r}")
    return value


def check_headers(headers):
    """`headers` ({name: value}) checked: names of our own choosing, safe values."""
    for name, value in headers.items():
        if not isinstance(name, str) or not HEADER_NAME.fullmatch(name):
            raise UnsafeHeader(f"{name!r} is not a header name")
        if name.lower() in RESERVED_HEADERS or name.lower().startswith("content-"):
            raise UnsafeHeader(f"{name} is set by the outbox itself")
        check_header_value(name, value)
    return dict(headers)


def check_address(address):
    """`address`, a bare email address (no display name) fit for a header, or UnsafeHeader."""
    if not isinstance(address, str) or _unsafe_characters(address):
        raise UnsafeHeader(f"{address!r} is not an email address")
    try:
        validate_email(address)
    except ValidationError as error:
        raise UnsafeHeader(f"{address!r} is not an email address") from error
    return address


def sender():
    """The From header: the site's name as display name, DEFAULT_FROM_EMAIL as address
    ("mistralnews <news@example.org>"), quoted or encoded as the name needs."""
    name, address = settings.SITE_NAME, settings.DEFAULT_FROM_EMAIL
    check_address(address)
    check_header_value("SITE_NAME", name)
    return formataddr((name, address))
