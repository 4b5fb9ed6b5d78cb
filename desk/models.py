"""What the desk keeps of its own: ready-made removal reasons, and editors' alert choices."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class RemovalReason(models.Model):
    """A reason editors pick with one click when they remove a comment from the queue;
    readers see it in the comment's place and in the public moderation log."""

    text = models.CharField(max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class AlertChoice(models.Model):
    """An editor's choice about the digest of comments waiting; without a row, they get it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_alerts"
    )
    wants_digest = models.BooleanField(default=True)

    def __str__(self):
        return f"{self.user}: {'digest' if self.wants_digest else 'no digest'}"


class Digest(models.Model):
    """A digest sent to editors: the comments and reports newer than the last one's are what
    makes the next one worth sending."""

    sent_at = models.DateTimeField(default=timezone.now)
    waiting = models.PositiveIntegerField()
    reported = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        get_latest_by = "sent_at"

    def __str__(self):
        return f"{self.waiting} waiting, {self.reported} reported, {self.sent_at:%Y-%m-%d %H:%M}"
