import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from articles import images, search_index
from freshness.models import Versioned, new_version
from freshness.versions import ARTICLE_LISTS, renew
from mistralnews.markup import ARTICLE, image_sources, plain_text, render_markdown

# Descriptions, search results and feed summaries stay this short.
EXCERPT_WORDS = 40
# More than a correction's 2,000 characters hold.
CORRECTION_WORDS = 1000


class CategoryQuerySet(models.QuerySet):
    def public(self):
        """Categories with a page of their own: those at least one published article is filed
        under. One used only by drafts or scheduled articles is not public yet, like a tag."""
        return self.filter(
            models.Exists(Article.objects.published().filter(category=models.OuterRef("pk")))
        )

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Category(models.Model):
    """The one section an article is "Filed under"."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


def _readers_may_see():
    return models.Q(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, and not scheduled for later."""
        return self.filter(_readers_may_see())

    def not_published(self):
        """Articles readers may not see: drafts and scheduled ones (published() inverted)."""
        return self.exclude(_readers_may_see())

    def scheduled(self):
        """Published articles whose time has not come yet."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    @transaction.atomic
    def publish_now(self):
        """Publish the articles that are not public yet, as of now; return how many."""
        now = timezone.now()
        changing = self.exclude(status=Article.Status.PUBLISHED, published_at__lte=now)
        pks = list(changing.values_list("pk", flat=True))
        Article.objects.filter(pk__in=pks).update(
            status=Article.Status.PUBLISHED, published_at=now, updated_at=now
        )
        renew(Article.objects.filter(pk__in=pks), lists=[ARTICLE_LISTS])
        return len(pks)

    @transaction.atomic
    def unpublish(self):
        """Make published or scheduled articles drafts again; return how many."""
        pks = list(self.filter(status=Article.Status.PUBLISHED).values_list("pk", flat=True))
        Article.objects.filter(pk__in=pks).update(
            status=Article.Status.DRAFT, updated_at=timezone.now()
        )
        renew(Article.objects.filter(pk__in=pks), lists=[ARTICLE_LISTS])
        return len(pks)

    def renew(self):
        """Record that what readers see of these articles changed (their tags, questions or
        category), and so perhaps which articles the lists hold: see freshness.versions."""
        renew(self, lists=[ARTICLE_LISTS])

    def latest_modification(self):
        """The latest `modified_at` of these articles, in one aggregate query (None if none)."""
        return self.aggregate(latest=models.Max(modified_at()))["latest"]

    def publication_years(self):
        """The years these articles appeared in, newest first, in two queries that read the
        index: the oldest and newest dates, then any one article of each year between them.
        (`dates("published_at", "year")` truncates every row's date instead, a Python function
        per row on SQLite: 40 ms at 10,000 articles.)"""
        bounds = self.aggregate(first=models.Min("published_at"), last=models.Max("published_at"))
        if bounds["first"] is None:
            return []
        first, last = (timezone.localtime(bounds[end]).year for end in ("first", "last"))
        one_a_year = [
            models.Subquery(self.filter(published_at__year=year).order_by().values("pk")[:1])
            for year in range(first, last + 1)
        ]
        found = Article.objects.filter(pk__in=one_a_year).values_list("published_at", flat=True)
        return sorted({timezone.localtime(when).year for when in found}, reverse=True)

    def record_image_variants(self, article_id, name, variants):
        """Record the variants made of article `article_id`'s lead image `name` and renew it,
        if it still has that image; answer whether it did. Call it in a transaction."""
        article = self.filter(pk=article_id, lead_image=name)
        if not article.update(lead_image_variants=variants):
            return False
        renew(article, lists=[ARTICLE_LISTS])
        return True

    def showing_image(self, url):
        """Articles whose body shows the image at `url` (a library image), drafts included."""
        return self.filter(body_html__contains=f'src="{url}"')

    def for_listing(self):
        return self.select_related("category").prefetch_related("tags")

    def for_page_key(self):
        """Only what chooses an article page's cached copy (its id and version, whether it
        takes comments, its questions' owner and its discussion's order), unordered: a cached
        hit reads nothing else, and building the query for every column with the default
        ordering was half of a hit's time. Read the article itself before rendering it."""
        return self.order_by().only(
            "id", "version", "published_at", "comments_open", "comments_close_after_days",
            "discussion_order",
        )  # fmt: skip

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class TaggedArticleQuerySet(models.QuerySet):
    def get_by_natural_key(self, article_slug, tag_name):
        return self.get(content_object__slug=article_slug, tag__name=tag_name)


class TaggedArticle(TaggedItemBase):
    """Article ↔ tag link with a real foreign key (taggit's generic one needs content types)."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    objects = TaggedArticleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag"),
        ]

    def natural_key(self):
        return (*self.content_object.natural_key(), *self.tag.natural_key())

    natural_key.dependencies = ["articles.article", "taggit.tag"]


class Article(Versioned):
    # Changing these on a public article is a revision readers are told about.
    REVISED_FIELDS = ("title", "summary", "body")

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class DiscussionOrder(models.TextChoices):
        """How the threads of each part of the discussion are ordered; readers choose with
        `?sort=`, the article's own is the default."""

        OLDEST = "oldest", "Oldest first"
        NEWEST = "newest", "Newest first"
        RECOMMENDED = "recommended", "Most recommended"
        PICKS = "picks", "Editors' Picks first"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(
        max_length=500, blank=True, help_text="One or two sentences for lists, feeds and search."
    )
    byline = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A published article appears at this time; leave empty to publish now.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the title, summary or body last changed while the article was public.",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    tags = TaggableManager(through=TaggedArticle, blank=True)
    comments_open = models.BooleanField(default=True)
    comments_close_after_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Close comments this many days after publication; empty: the site's setting "
        "(COMMENTS_CLOSE_AFTER_DAYS), 0: never.",
    )
    # Kept by the comments app, with the version, whenever a comment appears or goes.
    comment_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved comments."
    )
    # The lead image: a clean copy of the upload (articles/images.py), its size, and the WebP
    # variants the task worker makes of it ([{"name", "width", "height"}, ...], narrowest first).
    lead_image = models.FileField(
        upload_to=images.UPLOAD_TO,
        max_length=200,
        blank=True,
        help_text="JPEG, PNG or WebP. Stored upright and without its metadata (camera, place); "
        "smaller copies for phones are made within a minute.",
    )
    lead_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    lead_image_caption = models.CharField("caption", max_length=300, blank=True)
    lead_image_credit = models.CharField(
        "credit", max_length=200, blank=True, help_text="Photographer or agency."
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_variants = models.JSONField(default=list, blank=True, editable=False)
    # The article's dated corrections as readers see them, rendered whenever one changes
    # (Correction.save), so that the page and the feed print them without a query.
    corrections_html = models.TextField(blank=True, editable=False)
    # The same corrections for machines (schema.org CorrectionComment in the JSON-LD):
    # [{"text": plain text, "published_at": ISO date}, ...], oldest first.
    corrections_data = models.JSONField(default=list, blank=True, editable=False)
    # Kept by the comments app like comment_count: approved answers to its questions (threads'
    # first comments) and approved comments the editors picked.
    answer_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved answers to its questions."
    )
    pick_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved comments picked by the editors."
    )
    # Kept by articles.signals whenever a question is added or deleted.
    question_count = models.PositiveSmallIntegerField(default=0, editable=False)
    discussion_order = models.CharField(
        max_length=12,
        choices=DiscussionOrder.choices,
        default=DiscussionOrder.OLDEST,
        help_text="How the discussion is sorted until a reader chooses another order.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        # Lists read published articles newest first, `-id` breaking ties, without a sort:
        # the home page and archives by this index (deep pages count through it), a category
        # by the one starting with it.
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing_idx"),
            models.Index(
                fields=["category", "status", "-published_at", "-id"], name="article_category_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if outside := self.images_from_other_sites():
            listed = ", ".join(outside[:3]) + (" …" if len(outside) > 3 else "")
            raise ValidationError(
                {
                    "body": f"The body shows images from other sites ({listed}). Readers' "
                    "browsers block them on this site, so they would show broken: use images "
                    "stored on this site (a path such as /media/…) or remove them."
                }
            )
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "Describe the lead image for readers who cannot see it."}
            )

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        # Browsers send a textarea's line breaks as CRLF: store one kind, so that saving the
        # admin form unchanged is not a revision.
        self.summary = self.summary.replace("\r\n", "\n")
        self.body = self.body.replace("\r\n", "\n")
        stored = self._stored_public()
        if self.is_being_revised(stored):
            self.revised_at = timezone.now()
        self.body_html = self._rendered_body()
        self.version = new_version()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html", "version"}
        replaced = self._replaced_lead_image_files()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if replaced is not None:
                transaction.on_commit(lambda: images.delete_files(replaced))
                if self.lead_image:
                    name, pk = self.lead_image.name, self.pk
                    transaction.on_commit(lambda: images.make_variants.enqueue(pk, name))
            if stored and stored["slug"] != self.slug:
                # The address readers may have kept keeps working (FormerSlug).
                FormerSlug.objects.update_or_create(slug=stored["slug"], defaults={"article": self})
            # An article may take an address back: it is its own again, not a redirect.
            FormerSlug.objects.filter(slug=self.slug).delete()
            renew(lists=[ARTICLE_LISTS])
            # Search reads the same fields a revision is about (and the tags, signals.py).
            if update_fields is None or set(update_fields) & set(self.REVISED_FIELDS):
                search_index.update([self.pk])

    def images_from_other_sites(self):
        """The addresses of images in the body that are not on this site (SITE_URL, or a
        path) nor in its media bucket (MEDIA_URL, when it is an address): the
        Content-Security-Policy blocks them, so they would show broken."""
        site = urlsplit(settings.SITE_URL)
        bucket = settings.MEDIA_URL if urlsplit(settings.MEDIA_URL).netloc else None
        outside = []
        for source in image_sources(self._rendered_body()):
            parts = urlsplit(source)
            if not (parts.scheme or parts.netloc):
                continue
            if (parts.scheme, parts.netloc) == (site.scheme, site.netloc):
                continue
            if bucket and source.startswith(bucket):
                continue
            outside.append(source)
        return outside

    def _rendered_body(self):
        """The body as HTML, rendered once per text however often clean() and save() ask."""
        cached = getattr(self, "_body_rendering", None)
        if cached is None or cached[0] != self.body:
            self._body_rendering = cached = (self.body, render_article_body(self.body))
        return cached[1]

    def _replaced_lead_image_files(self):
        """None when this save keeps the lead image; otherwise the stored files it replaces
        (none for a new article), and the new image's variants are forgotten until made."""
        new_file = self.lead_image and not self.lead_image._committed
        stored = None
        if self.pk is not None:
            stored = (
                Article.objects.filter(pk=self.pk)
                .values_list("lead_image", "lead_image_variants")
                .first()
            )
        stored_name, stored_variants = stored or ("", [])
        if not new_file and (self.lead_image.name or "") == stored_name:
            return None
        self.lead_image_variants = []
        if not self.lead_image:
            self.lead_image_width = self.lead_image_height = None
        return [stored_name, *(variant["name"] for variant in stored_variants)]

    @property
    def lead_image_url(self):
        """The fallback image's URL: the clean copy in its own format."""
        return default_storage.url(self.lead_image.name) if self.lead_image else ""

    @property
    def lead_image_srcset(self):
        """`srcset` for the lead image: the WebP variants, then the fallback at full width."""
        if not self.lead_image:
            return ""
        return images.srcset(self.lead_image.name, self.lead_image_width, self.lead_image_variants)

    @property
    def share_image(self):
        """The image to show where the article is shared (Open Graph, JSON-LD): the widest
        variant, or the fallback until variants exist; a dict of url (as stored), width and
        height, or None."""
        if not self.lead_image:
            return None
        if self.lead_image_variants:
            widest = self.lead_image_variants[-1]
            return {
                "url": default_storage.url(widest["name"]),
                "width": widest["width"],
                "height": widest["height"],
            }
        return {
            "url": self.lead_image_url,
            "width": self.lead_image_width,
            "height": self.lead_image_height,
        }

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def _stored_public(self):
        """The stored slug and revised fields, if the article is public (None otherwise)."""
        if self.pk is None:
            return None
        return (
            Article.objects.published()
            .filter(pk=self.pk)
            .values("slug", *self.REVISED_FIELDS)
            .first()
        )

    @property
    def comments_close_at(self):
        """When comments close by themselves: publication plus the article's days, or the
        site's (COMMENTS_CLOSE_AFTER_DAYS); None if they do not."""
        days = self.comments_close_after_days
        if days is None:
            days = settings.COMMENTS_CLOSE_AFTER_DAYS
        if not days or self.published_at is None:
            return None
        return self.published_at + timedelta(days=days)

    @property
    def accepts_comments(self):
        """Whether readers may comment now: comments are open and have not closed by time."""
        close_at = self.comments_close_at
        return self.comments_open and (close_at is None or timezone.now() < close_at)

    def get_preview_url(self):
        return reverse("articles:preview", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def is_being_revised(self, stored=None):
        """True when this save changes the title, summary or body of a public article
        (`stored`: its stored values, from _stored_public, if already read)."""
        stored = stored if stored is not None else self._stored_public()
        return stored is not None and any(
            stored[name] != getattr(self, name) for name in self.REVISED_FIELDS
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def revised_since_published(self):
        """Readers are told of revisions made after the article appeared, not before."""
        return bool(self.revised_at and self.published_at and self.revised_at > self.published_at)

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def modified_at(self):
        """When readers last saw the text change: its revision after it appeared, or else
        its appearance (edits before then, and publishing itself, are not revisions)."""
        return self.revised_at if self.revised_since_published else self.published_at

    @cached_property
    def question_list(self):
        """The discussion questions in order, read once for everything on a page."""
        return list(self.questions.all())

    @cached_property
    def tag_list(self):
        """The tags, read once for everything on a page (or prefetched for a list)."""
        return list(self.tags.all())

    @property
    def excerpt(self):
        """Plain text for descriptions and results: the summary, or the body's first words."""
        return plain_text(html.escape(self.summary) or self.body_html, words=EXCERPT_WORDS)


def render_article_body(text):
    """An article's Markdown `text` as readers see it; images from the library come with their
    size and srcset."""
    return render_markdown(text, ARTICLE, known_images=BodyImage.objects.sizes_by_url)


def modified_at():
    """Article.modified_at as a database expression: the later of the publication and the
    revision (a revision before publication is not one readers saw)."""
    return Greatest("published_at", Coalesce("revised_at", "published_at"))


class TagRedirect(models.Model):
    """The address of a tag merged into another (articles.tags.merge): its page redirects to
    the other tag's page with a 301, so links and feed readers follow."""

    old_slug = models.SlugField(max_length=100, unique=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="redirects_from")

    def __str__(self):
        return f"/tags/{self.old_slug}/ → {self.tag}"


def question_count():
    """An article's questions, as an expression for the UPDATE that stores the count
    (Article.question_count)."""
    count = (
        DiscussionQuestion.objects.filter(article=models.OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    return Coalesce(models.Subquery(count, output_field=models.IntegerField()), models.Value(0))


def public_tags():
    """Tags with a page of their own: those at least one published article has."""
    return Tag.objects.filter(article__in=Article.objects.published()).distinct()


class Correction(models.Model):
    """A dated "Correction" note on an article: what was wrong, and what is right now. It stays
    in the article's history, is shown under the article and in the feed, and makes the
    article updated as of its date."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(
        max_length=2000, help_text="What was wrong and what is right now. Markdown."
    )
    published_at = models.DateTimeField(
        "date", default=timezone.now, help_text="Shown with the correction."
    )

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self):
        return f"Correction of {self.published_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            record_corrections(self.article_id)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            record_corrections(self.article_id)
        return deleted


def record_corrections(article_id):
    """Render article `article_id`'s corrections into its `corrections_html`, mark a public
    article revised as of the latest one, and renew it: the one writer for what readers see of
    corrections. Call it in the transaction that changes them."""
    corrections = [
        (correction, render_markdown(correction.text, ARTICLE))
        for correction in Correction.objects.filter(article_id=article_id)
    ]
    data = [
        {
            "text": plain_text(rendered, words=CORRECTION_WORDS),
            "published_at": correction.published_at.isoformat(),
        }
        for correction, rendered in corrections
    ]
    html = (
        render_to_string("articles/_corrections.html", {"corrections": corrections})
        if corrections
        else ""
    )
    article = Article.objects.filter(pk=article_id)
    if corrections:
        latest = max(correction.published_at for correction, _ in corrections)
        # Readers are told of a correction as of a revision: "Updated", the feed's <updated>.
        article.published().filter(published_at__lt=latest).filter(
            models.Q(revised_at__isnull=True) | models.Q(revised_at__lt=latest)
        ).update(revised_at=latest)
    # updated_at too: the feeds' ETag is made of it.
    renew(
        article,
        lists=[ARTICLE_LISTS],
        corrections_html=html,
        corrections_data=data,
        updated_at=timezone.now(),
    )


class BodyImageQuerySet(models.QuerySet):
    def sizes_by_url(self, sources):
        """{url: {"width", "height", "srcset", "sizes"}} for those image `sources` (as in
        rendered HTML) that are library images; one query, none without any."""
        media = default_storage.url("")
        library = f"{media}{images.LIBRARY_UPLOAD_TO}/"
        names = {source.removeprefix(media) for source in sources if source.startswith(library)}
        if not names:
            return {}
        return {image.url: image.size_attributes for image in self.filter(file__in=names)}

    def record_image_variants(self, image_id, name, variants):
        """Record the variants made of library image `image_id` stored as `name`, and render
        again the articles that show it, so their pages offer the variants; answer whether it
        still has that file. Call it in a transaction."""
        image = self.filter(pk=image_id, file=name).first()
        if image is None:
            return False
        image.variants = variants
        image.save(update_fields=["variants"])
        for article in Article.objects.showing_image(image.url):
            article.save(update_fields=["body_html"])
        return True


class BodyImage(models.Model):
    """An image in the desk's library, for article bodies: a clean copy of the upload
    (articles/images.py) with its size and WebP variants, inserted by its Markdown snippet.
    Articles show it by its URL, so its file never changes once uploaded."""

    # Inside the sizes a body image is shown at: the article's column, or the screen.
    SIZES = "(min-width: 48rem) 46rem, 100vw"

    file = models.FileField(
        "image",
        upload_to=images.LIBRARY_UPLOAD_TO,
        max_length=200,
        help_text="JPEG, PNG or WebP. Stored upright and without its metadata (camera, place); "
        "smaller copies for phones are made within a minute.",
    )
    alt = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the image shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=300, blank=True, help_text="Shown under the image.")
    credit = models.CharField(max_length=200, blank=True, help_text="Photographer or agency.")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    # [{"name", "width", "height"}, ...], narrowest first, as for lead images.
    variants = models.JSONField(default=list, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, editable=False
    )

    objects = BodyImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "library image"

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        new_file = self.pk is None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if new_file:
                pk, name = self.pk, self.file.name
                transaction.on_commit(
                    lambda: images.make_variants.enqueue(pk, name, owner="articles.BodyImage")
                )

    def delete(self, *args, **kwargs):
        files = [self.file.name, *(variant["name"] for variant in self.variants)]
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            transaction.on_commit(lambda: images.delete_files(files))
        return deleted

    @property
    def url(self):
        return default_storage.url(self.file.name)

    @property
    def size_attributes(self):
        """The attributes an <img> of this image gets in an article body."""
        attributes = {"width": self.width, "height": self.height}
        if self.variants:
            attributes["srcset"] = images.srcset(self.file.name, self.width, self.variants)
            attributes["sizes"] = self.SIZES
        return attributes

    @property
    def markdown(self):
        """The Markdown that shows this image in an article: the image, then its caption and
        credit in italics on the line below."""
        snippet = f"![{markdown_escape(self.alt)}]({self.url})"
        note = " ".join(part for part in [self.caption, self.credit and f"({self.credit})"] if part)
        return f"{snippet}\n*{markdown_escape(note)}*" if note else snippet


def markdown_escape(text):
    """`text` on one line, with what would end an image's alt text or an emphasis
    backslash-escaped, so that it stays text."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", " ".join(text.split()))


class DiscussionQuestionQuerySet(models.QuerySet):
    def get_by_natural_key(self, article_slug, text):
        return self.get(article__slug=article_slug, text=text)


class DiscussionQuestion(models.Model):
    """A closing question of an article that readers answer in the comments."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    # Kept by the comments app whenever a comment appears or goes.
    answer_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved comments that start a thread under it."
    )
    reply_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved replies in its threads."
    )
    pick_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved comments under it picked by the editors."
    )

    objects = DiscussionQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "text"], name="unique_question_per_article"),
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.article.natural_key(), self.text)

    natural_key.dependencies = ["articles.article"]


class SearchDocument(models.Model):
    """An article's words as PostgreSQL's search index holds them: one tsvector of its title and
    tag names (weight A), summary (B) and body (C), with a GIN index made by migration 0005.
    Kept by articles.search_index. Empty on SQLite, whose index is the FTS5 table
    `articles_search`."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    vector = SearchVectorField()

    def __str__(self):
        return f"Search document of article {self.article_id}"


class FormerSlug(models.Model):
    """An address a public article had before its slug changed: it redirects (301) to the
    article's address now."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="former_slugs")
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.slug} → {self.article.slug}"
