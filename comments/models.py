from django.db import models
from django.utils import timezone

from articles.models import Article, DiscussionQuestion
from mistralnews.markup import COMMENT, plain_text, render_markdown

# Replies nest this deep; a reply to a comment at this depth becomes its sibling.
MAX_DEPTH = 4
# Feeds and page metadata quote a comment's plain text up to this many words.
EXCERPT_WORDS = 60


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """Comments readers may see: approved ones."""
        return self.filter(status=Comment.Status.APPROVED)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REMOVED = "removed", "Removed"
        SPAM = "spam", "Spam"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="replies"
    )
    question = models.ForeignKey(
        DiscussionQuestion,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="comments",
        help_text="The discussion question this comment's thread answers.",
    )
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    author_name = models.CharField(max_length=80)
    author_email = models.EmailField(max_length=254, help_text="Never shown publicly.")
    body = models.TextField(max_length=5000, help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # HMAC of the poster's IP address under the secret key; the address itself is never kept.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_thread_idx"),
            models.Index(fields=["ip_hash", "created_at"], name="comment_flood_idx"),
            models.Index(fields=["author_email", "status"], name="comment_author_idx"),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.article}"

    _rendered_body = None

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    def attach_to(self, parent):
        """Make this a reply to `parent`, in its thread and its question, at most MAX_DEPTH deep."""
        if parent.depth >= MAX_DEPTH:
            parent = parent.parent
        self.parent = parent
        self.depth = parent.depth + 1
        self.question_id = parent.question_id

    def render(self):
        """Render the body to HTML, unless it already is; done before a write transaction
        opens, so save() has nothing left to do."""
        if self._rendered_body != self.body:
            self.body_html = render_markdown(self.body, COMMENT)
            self._rendered_body = self.body

    @property
    def excerpt(self):
        """The comment's opening words as plain text."""
        return plain_text(self.body_html, words=EXCERPT_WORDS)

    @property
    def link_count(self):
        return self.body_html.count("<a ")
