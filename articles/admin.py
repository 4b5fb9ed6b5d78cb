from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime, AdminTextareaWidget
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import ngettext
from taggit.forms import TagWidget
from taggit.models import Tag

from articles.models import Article, Category, DiscussionQuestion, TaggedArticle
from articles.paging import IdsFirstPaginator

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
        }


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
    inlines = [DiscussionQuestionInline]
    actions = ["publish_now", "unpublish"]
    readonly_fields = ["created_at", "updated_at", "revised_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "byline", "body"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_at",
                    "category",
                    "tags",
                    "comments_open",
                    "discussion_order",
                ],
                "description": "A published article with a future date is scheduled: it "
                "appears by itself at that time. Drafts and scheduled articles open in a "
                "preview only editors can see.",
            },
        ),
        ("History", {"fields": ["created_at", "updated_at", "revised_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

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
