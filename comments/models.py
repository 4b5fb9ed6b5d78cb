from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, DiscussionQuestion
from clients.identity import address_hash
from comments.cards import render_card
from freshness.models import Versioned, new_version
from mistralnews.markup import ARTICLE, COMMENT, plain_text, render_markdown

# Replies nest this deep; a reply to a comment at this depth becomes its sibling.
MAX_DEPTH = 4
# Feeds and page metadata quote a comment's plain text up to this many words.
EXCERPT_WORDS = 60


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """Comments readers may see: approved ones."""
        return self.filter(Comment.VISIBLE)

    def holding_a_place(self):
        """Comments that hold a place in a thread: the visible ones, and, as placeholders,
        removed ones, and spam and withdrawn comments that have visible or removed replies
        (so those replies keep their context)."""
        removed = Q(status=Comment.Status.REMOVED)
        gone_with_replies = Q(status__in=[Comment.Status.SPAM, Comment.Status.WITHDRAWN]) & Exists(
            Comment.objects.filter(parent=OuterRef("pk")).filter(Comment.VISIBLE | removed)
        )
        return self.filter(Comment.VISIBLE | removed | gone_with_replies)

    def in_threads(self, *annotations):
        """The comments holding a place in a thread, as the values a thread is built from:
        `card_html` is each one's stored markup (a placeholder's holds no name or text),
        `public_name` the author's name, empty for a placeholder; plus `annotations`, names
        annotated before.

        The text, name and email of a placeholder are never loaded from the database.
        """
        return (
            self.holding_a_place()
            .annotate(
                public_name=Case(When(Comment.VISIBLE, then="author_name"), default=Value(""))
            )
            .values(
                "id", "parent_id", "in_reply_to_id", "question_id", "status", "card_html",
                "public_name", "picked_at", "recommend_count", *annotations,
            )
        )  # fmt: skip


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REMOVED = "removed", "Removed"
        SPAM = "spam", "Spam"
        WITHDRAWN = "withdrawn", "Withdrawn by its author"

    # Readers see a comment's name and text only when it is approved.
    VISIBLE = Q(status=Status.APPROVED)

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="replies"
    )
    # The first comment of this reply's thread (None for that comment itself): a thread is
    # read in one indexed query, however deep.
    root = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.RESTRICT,
        related_name="thread_replies",
    )
    question = models.ForeignKey(
        DiscussionQuestion,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="comments",
        help_text="The discussion question this comment's thread answers.",
    )
    # The comment this reply answers. Usually its parent; past MAX_DEPTH a reply joins its
    # parent's level (attach_to), and this keeps the comment actually answered.
    in_reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    # When the editors picked it as one of the discussion's best (comments.curation); None if
    # they have not.
    picked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Posted by an editor logged in on the site: their display name and a "staff" badge. Only
    # the session sets it; nothing a reader types does.
    by_staff = models.BooleanField(default=False, editable=False)
    # Readers' recommendations (comments.recommending), counted when one arrives or goes.
    recommend_count = models.PositiveIntegerField(default=0, editable=False)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(max_length=80)
    author_email = models.EmailField(max_length=254, help_text="Never shown publicly.")
    body = models.TextField(max_length=5000, help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    # The comment's place in a thread as readers see it (comments/cards.py), made again
    # whenever that changes; empty while it awaits moderation.
    card_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Kept beside the event log so a thread shows why a comment was removed without a
    # query per placeholder.
    moderation_reason = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="The reason given with the latest moderation decision.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When its author last edited the text (comments/editing.py); the cards say so.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What the author asked to be told by email (once their address is verified).
    notify_replies = models.BooleanField(
        default=False, help_text="Email the author when someone replies."
    )
    notify_moderation = models.BooleanField(
        default=False, help_text="Email the author when an editor decides on it."
    )
    # HMAC of the poster's IP address under the secret key; the address itself is never kept.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["article", "status", "created_at", "id"], name="comment_thread_idx"
            ),
            # A section of a discussion (a question, or the general one) pages by its threads.
            models.Index(
                fields=["article", "question", "created_at"],
                condition=Q(parent__isnull=True),
                name="comment_section_roots_idx",
            ),
            models.Index(fields=["root", "created_at"], name="comment_root_idx"),
            models.Index(fields=["ip_hash", "created_at"], name="comment_flood_idx"),
            models.Index(fields=["author_email", "status"], name="comment_author_idx"),
            # The desk: the queue by status, oldest first, every comment, and one article's
            # (which the age index alone would find after every older comment); a
            # commenter's comments by their email, whatever its case.
            models.Index(fields=["status", "created_at", "id"], name="comment_queue_idx"),
            models.Index(fields=["created_at", "id"], name="comment_age_idx"),
            models.Index(fields=["article", "created_at", "id"], name="comment_article_age_idx"),
            models.Index(Lower("author_email"), name="comment_email_idx"),
            models.Index(
                fields=["article", "author_email", "created_at"], name="comment_duplicate_idx"
            ),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.article}"

    _rendered_body = None

    def save(self, *args, **kwargs):
        self.render()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "card_html"}
        with transaction.atomic():
            if self.pk is None:  # the card links to the comment's id, which it has only now
                super().save(*args, **kwargs)
                kwargs = {"update_fields": ["card_html"], "using": kwargs.get("using")}
            self.card_html = render_card(self)
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The comment's lasting address, which redirects to the page that holds it."""
        return reverse("comments:permalink", args=[self.pk])

    @property
    def modified_at(self):
        """When readers last saw the comment's text change: its last edit, or its posting."""
        return self.edited_at or self.created_at

    def attach_to(self, parent):
        """Make this a reply to `parent`, in its thread and its question, at most MAX_DEPTH deep;
        `in_reply_to` keeps `parent` where the depth moved the reply up."""
        self.in_reply_to = parent
        if parent.depth >= MAX_DEPTH:
            parent = parent.parent
        self.parent = parent
        self.depth = parent.depth + 1
        self.question_id = parent.question_id
        self.root_id = parent.root_id or parent.pk

    def render(self):
        """Render the body to HTML, unless it already is; done before a write transaction
        opens, so save() has only the card left to make."""
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

    @property
    def is_visible(self):
        return self.status == self.Status.APPROVED

    @property
    def is_picked(self):
        return self.picked_at is not None


class CommentRevision(models.Model):
    """A version of a comment's text that its author replaced by editing it, kept for editors
    (the desk shows the versions under the comment); never shown to readers."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(help_text="Markdown, as the author wrote it.")
    written_at = models.DateTimeField(help_text="When this version was posted or edited.")
    replaced_at = models.DateTimeField(default=timezone.now, help_text="When an edit replaced it.")

    class Meta:
        ordering = ["replaced_at", "id"]
        indexes = [models.Index(fields=["comment", "replaced_at"], name="comment_revision_idx")]

    def __str__(self):
        return f"Comment {self.comment_id} as written {self.written_at:%Y-%m-%d %H:%M}"


class ModerationEventQuerySet(models.QuerySet):
    def for_public_log(self):
        """Events on published articles' comments, newest first, with only what readers may
        see: the commenter's name as `comment_author` while the comment is public (withheld
        once it is removed, held or spam: a spammer's name is their advertisement), never the
        comment's text or email, nor the editor.

        Asked as "not on a comment of an unpublished article": that reads the few drafts' and
        scheduled articles' comments, where "on a published article" read every event's
        comment and article to count them or to reach a later page (24,000 events: 150 ms).
        The name comes from a subquery rather than a join, which counting would keep.
        """
        hidden = Comment.objects.filter(article__in=Article.objects.not_published())
        public_name = Comment.objects.visible().filter(pk=OuterRef("comment_id"))
        return (
            self.exclude(comment__in=hidden)
            .select_related("comment__article")
            .annotate(
                comment_author=Coalesce(
                    Subquery(public_name.values("author_name")[:1]), Value("")
                )
            )
            .only(
                "id", "action", "reason", "created_at", "comment__id",
                "comment__article__slug", "comment__article__title",
            )
            .order_by("-created_at", "-id")
        )  # fmt: skip


class ModerationEvent(models.Model):
    """Something an editor did to a comment: the moderation log, public without the editor.

    An action is what the editor did; the status it leaves the comment in, if it changes the
    status, is in RESULTING_STATUS.
    """

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        REMOVE = "remove", "Removed"
        SPAM = "spam", "Marked as spam"
        # By the comment's author, not an editor: the event has no moderator.
        WITHDRAW = "withdraw", "Withdrawn by its author"
        # An editor's undo of a decision: the comment waits for moderation again.
        REOPEN = "reopen", "Returned to moderation"
        # Curation, not moderation: the status stays (comments.curation).
        PICK = "pick", "Picked by the editors"
        UNPICK = "unpick", "Editors' pick withdrawn"
        # By the site itself, when enough readers reported a comment (comments.reporting).
        HOLD = "hold", "Held for review after readers' reports"
        # An editor's approval of a reported comment that was public already: the status stays.
        KEEP = "keep", "Kept after readers' reports"

    RESULTING_STATUS = {
        Action.APPROVE: Comment.Status.APPROVED,
        Action.REMOVE: Comment.Status.REMOVED,
        Action.SPAM: Comment.Status.SPAM,
        Action.WITHDRAW: Comment.Status.WITHDRAWN,
        Action.REOPEN: Comment.Status.PENDING,
        Action.HOLD: Comment.Status.PENDING,
    }
    # What only a comment's author does; the rest is editors' moderation.
    AUTHOR_ACTIONS = frozenset({Action.WITHDRAW})
    # Actions that praise a comment: the public log shows them as such.
    POSITIVE_ACTIONS = frozenset({Action.PICK})
    # Editors' curation, and keeping a reported comment, leave the status as it is: not in
    # RESULTING_STATUS.
    STATUS_KEEPING_ACTIONS = frozenset({Action.PICK, Action.UNPICK, Action.KEEP})

    # PROTECT keeps the log complete: a moderated comment (and so its article) cannot be
    # deleted by accident; the desk never deletes comments at all.
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="moderation_events")
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.CharField(max_length=500, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ModerationEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="moderation_log_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: comment {self.comment_id}"

    @property
    def is_positive(self):
        return self.action in self.POSITIVE_ACTIONS


class Recommendation(models.Model):
    """A reader's recommendation of a comment. `reader` is the random id in the reader's signed
    `recommender` cookie, set when they first recommend; no account, no name."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="recommendations")
    reader = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader"], name="one_recommendation_each")
        ]
        # A reader's recommendations on an article, for the discussion's script.
        indexes = [models.Index(fields=["reader"], name="recommendation_reader")]

    def __str__(self):
        return f"Recommendation of comment {self.comment_id}"


class ReportQuerySet(models.QuerySet):
    def open(self):
        """Reports no editor has decided on yet."""
        return self.filter(decided_at__isnull=True)


class Report(models.Model):
    """A reader's report of a comment: why, and, for illegal content, what a notice under the
    EU Digital Services Act (Art. 16(2)) must hold. Never public: editors see reports in the
    desk; the outcome is logged like any moderation decision, without the reporter."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse or harassment"
        OFF_TOPIC = "off-topic", "Off-topic"
        MISINFORMATION = "misinformation", "Misinformation"
        ILLEGAL = "illegal", "Illegal content"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    # For illegal content (DSA Art. 16(2)): why it is illegal, who notifies, in good faith.
    explanation = models.TextField(max_length=2000, blank=True)
    notifier_name = models.CharField(max_length=80, blank=True)
    notifier_email = models.EmailField(max_length=254, blank=True)
    good_faith = models.BooleanField(default=False)
    # HMAC of the reporter's network address: one report per network counts towards a hold.
    ip_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When an editor decided on the comment after this report (comments.moderation).
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    # What the editors decided (a ModerationEvent action: approve, remove or spam), with
    # decided_at; told to the reporter who gave an email (notices.sending).
    decision = models.CharField(max_length=20, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "ip_hash"],
                condition=Q(decided_at__isnull=True),
                name="one_open_report_per_network",
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: comment {self.comment_id}"


class VerifiedAddress(models.Model):
    """An email address whose owner followed a verification link sent to it. Comments posted
    with it from a browser that holds its verification count against the address's own rate
    limit, and, once one of them is approved, skip the first-time hold."""

    email = models.EmailField(max_length=254, unique=True)
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "verified addresses"

    def __str__(self):
        return self.email


class UsedLink(models.Model):
    """A signed link that works once (comments/links.py), recorded when it is used: the
    signature says the site made it, this says it was not used before."""

    nonce = models.CharField(max_length=32, unique=True)
    purpose = models.CharField(max_length=32)
    used_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.purpose} link used {self.used_at:%Y-%m-%d %H:%M}"


class AddressRuleQuerySet(models.QuerySet):
    def for_email(self, email):
        """The rule on `email`'s address, or None; looked up by its keyed hash."""
        return self.filter(address_hash=address_hash(email)).first()


class AddressRule(models.Model):
    """An editor's standing decision on a commenter's email address: hold every comment from
    it for moderation, or refuse them. The address is kept only as a keyed hash
    (clients.identity.address_hash), so the rule list names no one."""

    class Kind(models.TextChoices):
        HOLD = "hold", "Always hold"
        BLOCK = "block", "Block"

    address_hash = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(max_length=5, choices=Kind.choices)
    reason = models.CharField(max_length=500, help_text="Why; kept with the rule for editors.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AddressRuleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} (address {self.address_hash[:8]}…)"


DEFAULT_GUIDELINES = settings.BASE_DIR / "fixtures" / "community-guidelines.md"


class CommunityGuidelinesQuerySet(models.QuerySet):
    def current(self):
        """The site's one guidelines row, made from the default text the first time."""
        guidelines = self.filter(pk=CommunityGuidelines.THE_ONE).first()
        if guidelines is None:
            guidelines, _ = self.get_or_create(
                pk=CommunityGuidelines.THE_ONE,
                defaults={"body": DEFAULT_GUIDELINES.read_text(encoding="utf-8")},
            )
        return guidelines


class CommunityGuidelines(Versioned):
    """What the editors remove from the discussions and why: the public `/guidelines/` page,
    which the report form, every removal notice, the moderation log and the footer link.
    One row, edited in the desk; its page is cached under its version."""

    THE_ONE = 1

    body = models.TextField(help_text="Markdown, as in articles.")
    body_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CommunityGuidelinesQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "community guidelines"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="one_guidelines_row")]

    def __str__(self):
        return "Community guidelines"

    def save(self, *args, **kwargs):
        self.pk = self.THE_ONE
        self.body = self.body.replace("\r\n", "\n")
        self.body_html = render_markdown(self.body, ARTICLE)
        self.updated_at = timezone.now()
        # A new version on every save: the cached page is never found again (freshness).
        self.version = new_version()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:guidelines")
