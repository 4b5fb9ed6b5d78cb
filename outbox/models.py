"""What the outbox keeps: each email and how its delivery went, the addresses whose mail
servers refused mail for good, and when each periodic job runs next."""

from django.db import models
from django.utils import timezone


class EmailQuerySet(models.QuerySet):
    def due(self, now):
        """Emails waiting for a try whose time has come: queued, or failed with a retry
        scheduled (a failed email given up has no next attempt)."""
        return self.filter(
            status__in=[Email.Status.QUEUED, Email.Status.FAILED], next_attempt_at__lte=now
        )


class Email(models.Model):
    """One email to one address, sent at most once: its `key` says what it is about (e.g.
    "reply-notice:<comment id>:<subscription id>"), and a second email with the same key is
    never made."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        # The last try failed: tried again at next_attempt_at, or given up when it has none.
        FAILED = "failed", "Failed"
        # The recipient's server refused it for good (a 5xx answer).
        REFUSED = "refused", "Refused"
        # Never tried: the address had refused mail before (outbox.refusals).
        SKIPPED = "skipped", "Skipped (address refused)"

    key = models.CharField(max_length=200, unique=True, help_text="One email per key.")
    to = models.EmailField("to", max_length=254)
    subject = models.TextField()
    text = models.TextField("text body")
    html = models.TextField("HTML body", blank=True)
    headers = models.JSONField(default=dict, blank=True, help_text="Extra headers.")
    message_id = models.CharField("Message-ID", max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        "next attempt", null=True, blank=True, help_text="Empty once sent or given up."
    )
    last_attempt_at = models.DateTimeField("last attempt", null=True, blank=True)
    last_error = models.TextField(blank=True)
    # The delivery task last queued for it, so the retry sweep does not queue another while
    # that one still waits.
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("created", default=timezone.now)
    sent_at = models.DateTimeField("sent", null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_email_due_idx"),
            models.Index(fields=["-created_at", "-id"], name="outbox_email_created_idx"),
        ]

    def __str__(self):
        return f"{self.subject} (to {self.to})"


class RefusedAddress(models.Model):
    """An address whose mail server refused mail for good: it gets no more notices until it
    is verified again (outbox.refusals.clear_refusal)."""

    address = models.CharField(max_length=254, unique=True, help_text="In lower case.")
    refused_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(help_text="The mail server's answer.")

    class Meta:
        verbose_name_plural = "refused addresses"
        ordering = ["-refused_at"]

    def __str__(self):
        return self.address


class Schedule(models.Model):
    """When a periodic job (outbox.schedule) runs next; claimed by moving it forward, so each
    slot runs once however many runners there are."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self):
        return self.name
