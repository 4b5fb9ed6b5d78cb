"""Delivering a queued email: the `deliver` task, which sends it at most once and tries again
with back-off when the mail server could not take it.

Exactly once, as far as the mail server lets anyone know:
- `deliver` claims the email with one conditional UPDATE (queued or failed, and due, becomes
  sending); however many workers run the same task at once, one claim succeeds, and only that
  worker talks to the mail server. The claim is committed before the server is contacted.
- An email left "sending" by a worker that died is never sent again automatically: the mail
  server may have taken it. `outbox.periodic` marks it failed, "interrupted while sending",
  for editors to see in the desk.
- A transient failure (no connection, a 4xx answer, our login refused) is failed with a retry
  at `next_attempt_at`, MAX_ATTEMPTS tries in all; a 5xx answer to the recipient or the message
  is final: the email is refused and its address recorded (outbox.refusals).
"""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.utils import timezone

from outbox.headers import sender
from outbox.models import Email
from outbox.refusals import record_refusal

try:  # Django 6 has the tasks API built in; the django-tasks backport is the same API.
    from django.tasks import task
except ImportError:
    from django_tasks import task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Waits after failed tries 1 to 4: 1, 4, 16 and 64 minutes, past a greylisting server's delay
# and most outages, about an hour and a half in all.
FIRST_RETRY = timedelta(minutes=1)
BACKOFF = 4
# Every email gets this header, so that vacation responders and the like do not answer it
# (RFC 3834).
AUTO_SUBMITTED = "auto-generated"


def retry_delay(attempts):
    """How long to wait after the `attempts`th failed try."""
    return FIRST_RETRY * BACKOFF ** (attempts - 1)


def enqueue(email_id, at=None):
    """Queue the task delivering email `email_id`, to run at `at` (or as soon as a worker is
    free), and note the task on the email."""
    task = deliver if at is None else deliver.using(run_after=at)
    result = task.enqueue(email_id)
    Email.objects.filter(pk=email_id).update(task_id=str(result.id))
    return result


def message(email, connection=None):
    """The email as Django's email API sends it: text, HTML as its alternative, our headers."""
    headers = {
        **email.headers,
        "Message-ID": email.message_id,
        "Auto-Submitted": AUTO_SUBMITTED,
    }
    built = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=sender(),
        to=[email.to],
        headers=headers,
        connection=connection,
    )
    if email.html:
        built.attach_alternative(email.html, "text/html")
    return built


def _is_permanent(code):
    return 500 <= code < 600


def refusal_reason(error):
    """The server's answer if `error` refuses this email for good (a 5xx answer to its
    recipient or its content), else None. A 5xx refusing our sender or our login is ours to
    fix, not the reader's: it is retried like any other failure."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        if answers and all(_is_permanent(code) for code, _ in answers):
            return "; ".join(f"{code} {_text(reply)}" for code, reply in answers)
    elif isinstance(error, smtplib.SMTPDataError) and _is_permanent(error.smtp_code):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return None


def _text(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def describe(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


@task()
def deliver(email_id):
    """Send email `email_id` if it is due and no other worker has taken it. Answers what
    happened, which the task backend keeps."""
    now = timezone.now()
    claimed = (
        Email.objects.due(now)
        .filter(pk=email_id)
        .update(status=Email.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return "not due, or taken by another worker"
    email = Email.objects.get(pk=email_id)
    connection = get_connection()
    try:
        connection.open()
        try:
            connection.send_messages([message(email, connection)])
        finally:
            _close_quietly(connection)
    except Exception as error:
        return _failed(email, error)
    Email.objects.filter(pk=email_id).update(
        status=Email.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return "sent"


def _close_quietly(connection):
    # Once the server took the message, a failed QUIT must not make it look unsent (and be
    # sent again).
    try:
        connection.close()
    except Exception:
        logger.warning("Closing the mail server connection failed", exc_info=True)


def _failed(email, error):
    if (reason := refusal_reason(error)) is not None:
        Email.objects.filter(pk=email.pk).update(
            status=Email.Status.REFUSED, next_attempt_at=None, last_error=reason
        )
        record_refusal(email.to, reason)
        return f"refused: {reason}"
    attempts = email.attempts  # counted by the claim
    if attempts >= MAX_ATTEMPTS:
        Email.objects.filter(pk=email.pk).update(
            status=Email.Status.FAILED,
            next_attempt_at=None,
            last_error=f"{describe(error)} (gave up after {attempts} attempts)",
        )
        return f"failed for good: {describe(error)}"
    retry_at = timezone.now() + retry_delay(attempts)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.FAILED, next_attempt_at=retry_at, last_error=describe(error)
    )
    enqueue(email.pk, at=retry_at)
    return f"failed, next attempt at {retry_at.isoformat()}: {describe(error)}"
