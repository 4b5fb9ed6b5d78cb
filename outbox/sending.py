"""Queueing an email: `send()` stores it in the caller's transaction, once per idempotency
key, and its delivery task is queued when that transaction commits; `compose()` renders its
subject and bodies from templates; `list_unsubscribe()` gives the RFC 8058 headers."""

from email.utils import make_msgid

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from mistralnews.site_url import absolute_url
from outbox import delivery
from outbox.headers import UnsafeHeader, check_address, check_header_value, check_headers
from outbox.models import Email
from outbox.refusals import refusal


def send(key, to, subject, text, html=None, headers=None, *, despite_refusal=False):
    """Queue an email to address `to`, once: if an email with `key` exists already (sent or
    not), nothing happens and that one is answered.

    The row is written in the caller's transaction, and its delivery queued once it commits:
    a rolled back transaction sends nothing. `subject` and `headers` are built by the site;
    a line break or control character in them raises UnsafeHeader (reader text must never
    reach a header), as does a `to` that is not a bare address. An address that refused
    mail before (outbox.refusals) gets nothing, unless `despite_refusal` (the email that lets
    its owner verify it again)."""
    if not key or len(key) > Email._meta.get_field("key").max_length:
        raise ValueError(f"{key!r} is not an idempotency key")
    check_address(to)
    check_header_value("Subject", subject)
    headers = check_headers(headers or {})
    fields = {
        "to": to,
        "subject": subject,
        "text": text,
        "html": html or "",
        "headers": headers,
        "message_id": make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]),
    }
    refused = None if despite_refusal else refusal(to)
    if refused is not None:
        fields["status"] = Email.Status.SKIPPED
        fields["last_error"] = (
            f"Not sent: {to} refused mail on {refused.refused_at:%Y-%m-%d} ({refused.reason})"
        )
    else:
        fields["next_attempt_at"] = timezone.now()
    email, created = Email.objects.get_or_create(key=key, defaults=fields)
    if created and refused is None:
        # robust: an enqueue that fails after the commit leaves the email queued, and the
        # retry sweep (outbox.periodic) queues it later; the caller's response goes on.
        transaction.on_commit(lambda: delivery.enqueue(email.pk), robust=True)
    return email


def _render_plain(name, context):
    # Subjects and text bodies are plain text: nothing to escape.
    return get_template(name).template.render(Context(context, autoescape=False))


def compose(template_base, context):
    """(subject, text, html) rendered from `<template_base>_subject.txt`, `.txt` and `.html`,
    with `site_name` and `site_url` in the context. The subject is one line: any run of
    whitespace in it becomes a space. Links in emails are absolute on SITE_URL
    (mistralnews.site_url.absolute_url), never on the Host of a request."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_plain(f"{template_base}_subject.txt", context).split())
    text = _render_plain(f"{template_base}.txt", context)
    html = render_to_string(f"{template_base}.html", context)
    return subject, text, html


def list_unsubscribe(path):
    """The headers that let a mail program unsubscribe in one click (RFC 8058): `path` (from
    the site's root) on SITE_URL, which is HTTPS in production."""
    url = absolute_url(path)
    if "<" in url or ">" in url or "," in url:
        raise UnsafeHeader(f"{url!r} cannot stand in List-Unsubscribe")
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
