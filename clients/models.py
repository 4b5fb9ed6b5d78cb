from django.db import models


class RateBucket(models.Model):
    """The recent actions of one client under one named rate limit, when they are counted in
    the database (without Redis). Its row is locked while an action is counted, so concurrent
    actions of one client take their turns."""

    limit = models.CharField(max_length=32)
    client = models.CharField(max_length=64)
    # Times of the newest actions, in seconds since the epoch, oldest first.
    times = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["limit", "client"], name="one_bucket_per_client"),
        ]
        indexes = [models.Index(fields=["updated_at"], name="rate_bucket_age_idx")]

    def __str__(self):
        return f"{self.limit} for {self.client[:12]}"
