from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime, AdminTextareaWidget
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.forms import TagWidget
from taggit.models import Tag

from articles import images, tags
from articles.models import (
    Article,
    BodyImage,
    Category,
    Correction,
    DiscussionQuestion,
    TaggedArticle,
    render_article_body,
)
from articles.paging import IdsFirstPaginator

# Tag suggestions offered while typing, at most.
SUGGESTED_TAGS = 10
# Library images the article form's "Insert image" offers, newest first.
OFFERED_IMAGES = 24

WIDE = {"class": "vLargeTextField"}


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each named for screen readers: Django prints their
    "Date:" and "Time:" as bare text, and the field's label points at neither."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], ["Date", "Time"], strict=True):
            subwidget["attrs"]["aria-label"] = label
        return context


class StatusFilter(admin.SimpleListFilter):
    """Status as editors think of it: a published article with a future date is scheduled."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("live", "Published")]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.filter(status=Article.Status.DRAFT)
            case "scheduled":
                return queryset.scheduled()
            case "live":
                return queryset.published()
        return queryset


class TagFilter(admin.SimpleListFilter):
    """The most used tags, and the chosen one: never every tag (2,000 at newsroom size, more
    than half of the page)."""

    title = "tag"
    parameter_name = "tags__id__exact"
    listed = 15

    def lookups(self, request, model_admin):
        most_used = (
            TaggedArticle.objects.values("tag")
            .annotate(articles=Count("pk"))
            .order_by("-articles", "tag")
            .values_list("tag", flat=True)[: self.listed]
        )
        chosen = [self.value()] if (self.value() or "").isdigit() else []
        tags = Tag.objects.filter(pk__in=[*most_used, *chosen]).order_by("name")
        return [(str(tag.pk), tag.name) for tag in tags]

    def queryset(self, request, queryset):
        return queryset.filter(tags=self.value()) if self.value() else queryset


class ArticleChangeList(ChangeList):
    """The article list's rows without their bodies, which it does not show."""

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # While searching, no date links until a date is chosen: they read every match twice
        # more, which doubled a search at 10,000 articles.
        date_chosen = any(name.startswith(f"{self.date_hierarchy}__") for name in request.GET)
        if self.query and not date_chosen:
            self.date_hierarchy = None

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("body", "body_html")


class ArticleForm(forms.ModelForm):
    class Meta:
        widgets = {
            "title": forms.TextInput(attrs=WIDE),
            "slug": forms.TextInput(attrs=WIDE),
            "summary": AdminTextareaWidget(attrs={"rows": 3}),
            "body": AdminTextareaWidget(attrs={"rows": 24}),
            "published_at": LabelledSplitDateTime(),
            "tags": TagWidget(attrs=WIDE),
            "lead_image": forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp"}
            ),
            "lead_image_alt": forms.TextInput(attrs=WIDE),
            "lead_image_caption": forms.TextInput(attrs=WIDE),
            "lead_image_credit": forms.TextInput(attrs=WIDE),
        }

    def clean_lead_image(self):
        return checked_upload(self, "lead_image", "lead_image_width", "lead_image_height")


def checked_upload(form, field, width_field, height_field):
    """A new upload in `form`'s `field` is checked and replaced by its clean copy here, before
    anything is stored (articles/images.py); a refused one leaves the row as it was."""
    value = form.cleaned_data.get(field)
    if value and not getattr(value, "_committed", False) and hasattr(value, "size"):
        clean = images.clean_upload(value)
        setattr(form.instance, width_field, clean.width)
        setattr(form.instance, height_field, clean.height)
        return clean.file
    return value


class DiscussionQuestionForm(forms.ModelForm):
    class Meta:
        widgets = {"text": AdminTextareaWidget(attrs={"rows": 2})}


class DiscussionQuestionFormSet(BaseInlineFormSet):
    """Questions as table rows. Column headings do not label a row's inputs, so each is named."""

    labels = {"position": "Position", "text": "Question", "DELETE": "Delete"}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, label in self.labels.items():
            if name in form.fields:
                form.fields[name].widget.attrs["aria-label"] = label


class DiscussionQuestionInline(admin.TabularInline):
    model = DiscussionQuestion
    form = DiscussionQuestionForm
    formset = DiscussionQuestionFormSet
    fields = ["position", "text"]
    extra = 1


class CorrectionInline(admin.StackedInline):
    """Dated corrections, shown under the article and in the feed; each makes the article
    updated as of its date."""

    model = Correction
    fields = ["published_at", "text"]
    formfield_overrides = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})}}
    extra = 0
    verbose_name_plural = "Corrections (shown under the article, dated)"


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ArticleAdmin(admin.ModelAdmin):
    """The article list and form. The desk registers it, with the comment counts it adds
    (desk/admin.py)."""

    form = ArticleForm
    list_display = ["title", "state", "publication_date", "category", "is_published"]
    list_filter = [StatusFilter, "category", TagFilter]
    # Not the body: reading every article's body for each page of results cost a second on
    # PostgreSQL at 10,000 articles. Readers' search (/search/) covers it.
    search_fields = ["title", "summary"]
    search_help_text = "Words in the title or summary."
    # Counting every article for "(N total)" on each page costs more than it tells.
    show_full_result_count = False
    paginator = IdsFirstPaginator
    # The admin's rows take about 1 ms each to render, as in the moderation queue.
    list_per_page = 50
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DiscussionQuestionInline, CorrectionInline]
    actions = ["publish_now", "unpublish"]
    readonly_fields = ["created_at", "updated_at", "revised_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "byline", "body"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ],
                "description": "Shown above the article, on its card in lists and where it is "
                "shared. JPEG, PNG or WebP; alt text is required with an image.",
            },
        ),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_at",
                    "category",
                    "tags",
                    "comments_open",
                    "comments_close_after_days",
                    "discussion_order",
                ],
                "description": "A published article with a future date is scheduled: it "
                "appears by itself at that time. Drafts and scheduled articles open in a "
                "preview only editors can see.",
            },
        ),
        ("History", {"fields": ["created_at", "updated_at", "revised_at"]}),
    ]

    class Media:
        # The live preview and tag suggestions (same-origin, so the CSP lets them run).
        js = ["articles/article-form.js"]
        css = {"all": ["articles/article-form.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    def get_fieldsets(self, request, obj=None):
        (name, options), *rest = super().get_fieldsets(request, obj)
        description = format_html(
            'Images in the body come from the <a href="{}">image library</a>: upload one there, '
            "then paste its Markdown where it should appear.",
            reverse("admin:articles_bodyimage_changelist"),
        )
        return [(name, {**options, "description": description}), *rest]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "markdown-preview/",
                self.admin_site.admin_view(self.markdown_preview),
                name="{}_{}_markdown_preview".format(*info),
            ),
            path(
                "library-images/",
                self.admin_site.admin_view(self.library_images),
                name="{}_{}_library_images".format(*info),
            ),
            path(
                "tag-suggestions/",
                self.admin_site.admin_view(self.tag_suggestions),
                name="{}_{}_tag_suggestions".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        info = self.opts.app_label, self.opts.model_name
        if "body" in form.base_fields:
            attrs = form.base_fields["body"].widget.attrs
            attrs["data-preview-url"] = reverse("admin:{}_{}_markdown_preview".format(*info))
            attrs["data-images-url"] = reverse("admin:{}_{}_library_images".format(*info))
        if "tags" in form.base_fields:
            url = reverse("admin:{}_{}_tag_suggestions".format(*info))
            form.base_fields["tags"].widget.attrs["data-suggest-url"] = url
        return form

    def _may_write(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied

    @method_decorator(never_cache)
    @method_decorator(require_POST)
    def markdown_preview(self, request):
        """The body as readers would see it, through the site's one sanitizer: the live
        preview beside the Markdown field. Editors who may write articles only."""
        self._may_write(request)
        html = render_article_body(request.POST.get("body", ""))
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    @method_decorator(never_cache)
    @method_decorator(require_GET)
    def library_images(self, request):
        """The newest library images, for the article form's "Insert image":
        {"images": [{"alt", "url", "markdown"}], "library": its address in the desk}."""
        self._may_write(request)
        offered = BodyImage.objects.only("file", "alt", "caption", "credit")[:OFFERED_IMAGES]
        return JsonResponse(
            {
                "images": [
                    {"alt": image.alt, "url": image.url, "markdown": image.markdown}
                    for image in offered
                ],
                "library": reverse("admin:articles_bodyimage_changelist"),
            }
        )

    @method_decorator(never_cache)
    @method_decorator(require_GET)
    def tag_suggestions(self, request):
        """`?q=`: existing tags that start with it, then those containing it, for the tags
        field's suggestions; {"tags": [names]}."""
        self._may_write(request)
        return JsonResponse({"tags": tags.suggestions(request.GET.get("q", ""), SUGGESTED_TAGS)})

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published else article.get_preview_url()

    @admin.display(description="Status", ordering="status")
    def state(self, article):
        return "Scheduled" if article.is_scheduled else article.get_status_display()

    @admin.display(description="Date", ordering="published_at")
    def publication_date(self, article):
        """When the article appeared, or is scheduled to."""
        return article.published_at

    @admin.display(boolean=True, description="Live")
    def is_published(self, article):
        return article.is_published

    @admin.action(description="Publish selected articles now", permissions=["change"])
    def publish_now(self, request, queryset):
        count = queryset.publish_now()
        self.message_user(
            request, ngettext("%d article published.", "%d articles published.", count) % count
        )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(
            request,
            ngettext("%d article is a draft again.", "%d articles are drafts again.", count)
            % count,
        )


class BodyImageForm(forms.ModelForm):
    class Meta:
        widgets = {
            "file": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "alt": forms.TextInput(attrs=WIDE),
            "caption": forms.TextInput(attrs=WIDE),
            "credit": forms.TextInput(attrs=WIDE),
        }

    def clean_file(self):
        return checked_upload(self, "file", "width", "height")


@admin.register(BodyImage)
class BodyImageAdmin(admin.ModelAdmin):
    """The image library: images for article bodies, uploaded with the lead images' checks
    and variants, each listed with the Markdown that inserts it. An image an article shows
    cannot be deleted."""

    form = BodyImageForm
    list_display = ["thumbnail", "alt", "caption", "markdown_snippet", "uploaded_at"]
    list_display_links = ["alt"]
    search_fields = ["alt", "caption", "credit"]
    search_help_text = "Words in the alt text, caption or credit."
    list_per_page = 25
    show_full_result_count = False
    # One at a time, through the confirmation that lists the articles showing it.
    actions = None
    fields = ["file", "alt", "caption", "credit", "markdown_snippet"]

    def get_readonly_fields(self, request, obj=None):
        # Articles show the image by its file's address: it stays as uploaded.
        return ["markdown_snippet", "file"] if obj else ["markdown_snippet"]

    @admin.display(description="Image")
    def thumbnail(self, image):
        smallest = image.variants[0] if image.variants else None
        src = default_storage.url(smallest["name"]) if smallest else image.url
        # Decorative here: its alt text is the next column.
        return format_html('<img src="{}" alt="" class="library-thumbnail">', src)

    @admin.display(description="Markdown to paste")
    def markdown_snippet(self, image):
        if image.pk is None:
            return "(once uploaded)"
        return format_html('<code class="library-snippet">{}</code>', image.markdown)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """Deleting is refused while an article shows the image: it would show broken."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            for article in Article.objects.showing_image(image.url).only("id", "title"):
                url = reverse("admin:articles_article_change", args=[article.pk])
                protected.append(format_html('<a href="{}">{}</a>', url, article.title))
        return deleted, counts, perms_needed, protected

    class Media:
        css = {"all": ["articles/article-form.css"]}


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    """Tags in the desk, with a merge that moves articles (taggit's own moves taggit's generic
    taggings, which this site does not use) and keeps the old tag's address working."""

    inlines = []
    list_display = ["name", "slug", "article_count"]
    actions = ["merge_tags"]

    def get_queryset(self, request):
        taggings = Count("articles_taggedarticle_items")
        return super().get_queryset(request).annotate(articles=taggings)

    @admin.display(description="Articles", ordering="articles")
    def article_count(self, tag):
        return tag.articles

    @admin.action(description="Merge selected tags into one…", permissions=["change", "delete"])
    def merge_tags(self, request, queryset):
        """Ask which of the selected tags to keep, then move every article of the others to
        it, delete them, and redirect their pages to its page (articles.tags.merge)."""
        chosen = list(queryset.order_by("-articles", "name"))
        if len(chosen) < 2:
            self.message_user(request, "Select two tags or more to merge.", level="warning")
            return None
        into = next((tag for tag in chosen if str(tag.pk) == request.POST.get("into")), None)
        if into is not None and request.POST.get("confirmed") == "yes":
            moved = tags.merge([tag for tag in chosen if tag != into], into)
            self.message_user(
                request,
                ngettext(
                    "Merged into “%(tag)s”: %(count)d article moved; the old tag pages "
                    "redirect to its page.",
                    "Merged into “%(tag)s”: %(count)d articles moved; the old tag pages "
                    "redirect to its page.",
                    moved,
                )
                % {"tag": into.name, "count": moved},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tags",
            "opts": self.opts,
            "tags": chosen,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge_tags.html", context)
