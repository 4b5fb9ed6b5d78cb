"""What notices keep: the discussions an address follows, and each notice owed to an address
until the email that carries it is queued."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, DiscussionQuestion
from comments.models import Comment


class Follow(models.Model):
    """An address that follows an article's discussion, or one of its questions, by email,
    confirmed through a link sent to it. Stopping a follow deletes it: nothing is kept about
    what an address no longer follows."""

    email = models.EmailField(max_length=254, help_text="In lower case.")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        DiscussionQuestion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: the whole discussion.",
    )
    # When its owner confirmed it; a follow exists only once confirmed.
    created_at = models.DateTimeField(default=timezone.now)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "article"],
                condition=Q(question__isnull=True),
                name="follow_article_once",
            ),
            models.UniqueConstraint(
                fields=["email", "article", "question"],
                condition=Q(question__isnull=False),
                name="follow_question_once",
            ),
        ]
        indexes = [models.Index(fields=["article", "question"], name="follow_discussion_idx")]

    def __str__(self):
        return f"{self.email} follows {self.question or self.article}"


class NoticeQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_in="")


class Notice(models.Model):
    """Something to tell `recipient` about `comment`: a reply to one of their comments, or a
    new comment in a discussion they follow. One row per (recipient, kind, comment), so a
    notice is owed once however often the event is heard; `sent_in` is the outbox key of the
    email that carried it, which is derived from the ids of the notices it carries."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to their comment"
        FOLLOW = "follow", "New comment in a discussion they follow"

    recipient = models.EmailField(max_length=254, help_text="In lower case.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    # The follow it is owed under; deleted with it.
    follow = models.ForeignKey(
        Follow, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_in = models.CharField(max_length=200, blank=True, help_text="The email's outbox key.")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "comment"], name="notice_once_per_comment"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "sent_in"], name="notice_recipient_idx"),
            models.Index(fields=["sent_in", "created_at"], name="notice_unsent_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"
