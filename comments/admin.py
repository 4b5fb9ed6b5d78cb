"""The moderation desk: the comment queue, its actions and the moderation log."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from articles.models import Article, DiscussionQuestion
from articles.paging import IdsFirstPaginator
from clients.identity import address_hash
from comments import curation
from comments.forms import CommentModerationForm, RemovalForm
from comments.models import (
    AddressRule,
    Comment,
    CommentRevision,
    CommunityGuidelines,
    ModerationEvent,
    Report,
)
from comments.moderation import moderate

Action = ModerationEvent.Action
# Article titles and questions are long; the queue shows their start.
LABEL_LENGTH = 40
EXCERPT_LENGTH = 120


def excerpt(comment):
    """The start of a comment as plain text, which the admin escapes: never its HTML."""
    return Truncator(comment.excerpt).chars(EXCERPT_LENGTH)


class StatusFilter(admin.SimpleListFilter):
    """Status, opening on the pending queue; "All" is a choice of its own, and so is
    "Reported": the comments readers reported that no editor has decided on yet, most
    reported and most recently reported first."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.PENDING
    everything = "all"
    reported = "reported"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.reported, "Reported"), (self.everything, "All")]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.everything:
            return queryset
        if self.value() == self.reported:
            return queryset.filter(Exists(Report.objects.open().filter(comment=OuterRef("pk"))))
        return queryset.filter(status=self.value())


class ArticleFilter(admin.SimpleListFilter):
    """One article's comments. It lists the chosen article only, never every article (10,000
    at newsroom size, most of the page): an article is chosen from the desk's article list,
    whose comment counts link here."""

    title = "article"
    parameter_name = "article__id__exact"

    def lookups(self, request, model_admin):
        article = chosen(Article.objects.only("title"), self.value())
        return [(str(article.pk), Truncator(article.title).chars(LABEL_LENGTH))] if article else []

    def has_output(self):
        return True  # with no article chosen, the way to choose one

    def choices(self, changelist):
        yield from super().choices(changelist)
        if not self.value():
            yield {
                "selected": False,
                "query_string": reverse("admin:articles_article_changelist"),
                "display": "Choose in the article list…",
            }

    def queryset(self, request, queryset):
        return queryset.filter(article=self.value()) if self.value() else queryset


class QuestionFilter(admin.SimpleListFilter):
    """The questions of the chosen article, or the chosen question: never the questions of
    every comment in the queue."""

    title = "question"
    parameter_name = "question__id__exact"

    def lookups(self, request, model_admin):
        questions = DiscussionQuestion.objects.only("text")
        article = request.GET.get(ArticleFilter.parameter_name, "")
        if article.isdigit():
            listed = questions.filter(article=article)
        else:
            listed = [question] if (question := chosen(questions, self.value())) else []
        return [(str(q.pk), Truncator(q.text).chars(LABEL_LENGTH)) for q in listed]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # Its article too: the article's index then gives its comments in order, where the
        # age index would be read past every older comment to find them.
        article = DiscussionQuestion.objects.filter(pk=self.value()).values("article")[:1]
        return queryset.filter(question=self.value(), article=Subquery(article))


def chosen(queryset, pk):
    """The row of `queryset` a filter's value names, or None."""
    return queryset.filter(pk=pk).first() if pk and pk.isdigit() else None


def few_comments(request):
    """Whether the queue shows few enough comments to search their text and sort them by any
    column: the pending ones, or one article's. Over every comment (200,000 at newsroom size)
    either would read and sort all of them for each page."""
    status = request.GET.get(StatusFilter.parameter_name, StatusFilter.default)
    return status == Comment.Status.PENDING or bool(request.GET.get(ArticleFilter.parameter_name))


class QueueChangeList(ChangeList):
    """The queue's rows without what it does not show (comment and article bodies; the
    excerpt is made from the comment's HTML), in an order an index gives."""

    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .defer("body", "card_html", "article__body", "article__body_html", "article__summary")
        )

    def get_ordering(self, request, queryset):
        if request.GET.get(StatusFilter.parameter_name) == StatusFilter.reported:
            return ["-open_reports", "-newest_report", "-pk"]
        ordering = super().get_ordering(request, queryset)
        # Django breaks ties by -pk; oldest first, ties go by pk too, as the age index has it.
        if ordering == ["created_at", "-pk"]:
            ordering[-1] = "pk"
        return ordering


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    fields = ["created_at", "action", "reason", "editor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("moderator")

    @admin.display(description="Editor")
    def editor(self, event):
        # A name, not a link: editors cannot open user accounts.
        return event.moderator and event.moderator.get_username()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentRevisionInline(admin.TabularInline):
    """The versions of the text its author replaced by editing, oldest first: for editors
    only (readers see the current text, marked as edited)."""

    model = CommentRevision
    verbose_name = "earlier version"
    verbose_name_plural = "earlier versions, replaced by its author's edits"
    fields = ["written_at", "replaced_at", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        # The versions are part of the comment: whoever may see it sees them.
        return request.user.has_perm("comments.view_comment")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # New columns go after "age": the queue's sort links (?o=6) name columns by position.
    list_display = [
        "excerpt", "author_name", "on_article", "answering", "status", "age", "picked", "reports",
    ]  # fmt: skip
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, ArticleFilter, QuestionFilter]
    list_select_related = ["article", "question"]
    search_fields = ["author_name", "author_email", "body"]
    search_help_text = (
        "An email address finds that commenter's comments. In the pending queue, or with an "
        "article chosen, any part of a name, an email or a comment's text."
    )
    # Counting every comment for "(N total)" on each page costs more than the page.
    show_full_result_count = False
    # The admin's rows take about 1 ms each to render: a page of 50 keeps the queue quick.
    list_per_page = 50
    paginator = IdsFirstPaginator
    actions = ["approve", "remove", "mark_as_spam", "pick", "unpick"]
    form = CommentModerationForm
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "article", "question", "parent", "in_reply_to", "author_name",
                    "author_email", "by_staff", "text", "body", "created_at", "edited_at",
                    "status", "moderation_reason", "picked_at",
                ]
            },
        ),
        ("Moderation", {"fields": ["decision", "reason"]}),
    ]  # fmt: skip
    # Every field is read-only: a status changes only through `moderate`, which logs it.
    readonly_fields = fieldsets[0][1]["fields"]
    inlines = [CommentRevisionInline, ModerationEventInline]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": "Moderation queue", **(extra_context or {})}
        )

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_queryset(self, request):
        """With each comment's open reports (counted for the rows shown; their reasons read in
        one more query)."""
        open_reports = Report.objects.open()
        count = (
            open_reports.filter(comment=OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        newest = (
            open_reports.filter(comment=OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(at=Max("created_at"))
            .values("at")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_reports=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
                newest_report=Subquery(newest),
            )
            .prefetch_related(
                Prefetch("reports", queryset=open_reports, to_attr="open_report_list")
            )
        )

    def get_sortable_by(self, request):
        return self.get_list_display(request) if few_comments(request) else ["age"]

    def get_search_results(self, request, queryset, search_term):
        """In the pending queue or one article, comments whose name, email or text contains
        the term; over every comment, those by the email address searched for, ignoring case
        (from its index)."""
        term = search_term.strip()
        if not term or few_comments(request):
            return super().get_search_results(request, queryset, term)
        email = queryset.alias(email_key=Lower("author_email"))
        return email.filter(email_key=Lower(Value(term))), False

    def has_add_permission(self, request):
        return False  # Comments come from readers.

    def has_delete_permission(self, request, obj=None):
        return False  # Nothing is hard-deleted: removed comments keep their place.

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return excerpt(comment)

    @admin.display(description="As readers see it")
    def text(self, comment):
        # Stored HTML, made by the sanitizer when the comment was saved (mistralnews.markup).
        html = mark_safe(comment.body_html)  # noqa: S308 (sanitized on save)
        return format_html('<div class="desk-rendered">{}</div>', html)

    @admin.display(description="Article", ordering="article__title")
    def on_article(self, comment):
        return Truncator(comment.article.title).chars(LABEL_LENGTH)

    @admin.display(description="Question", ordering="question__position")
    def answering(self, comment):
        return Truncator(comment.question.text).chars(LABEL_LENGTH) if comment.question else None

    @admin.display(description="Pick", boolean=True)
    def picked(self, comment):
        return comment.picked_at is not None

    @admin.display(description="Reports", ordering="open_reports")
    def reports(self, comment):
        """Open reports: how many, and their reasons (never who sent them)."""
        if not comment.open_reports:
            return ""
        reasons = sorted({report.get_reason_display() for report in comment.open_report_list})
        return f"{comment.open_reports}: {', '.join(reasons)}"

    @admin.display(description="Age", ordering="created_at")
    def age(self, comment):
        return timesince(comment.created_at, depth=1)

    def save_model(self, request, comment, form, change):
        if decision := form.cleaned_data["decision"]:
            reason = form.cleaned_data["reason"]
            self.moderate_selected(request, Comment.objects.filter(pk=comment.pk), decision, reason)

    def moderate_selected(self, request, queryset, action, reason=""):
        selected = queryset.count()
        changed = moderate(queryset, action, request.user, reason)
        done = Action(action).label.lower()
        message = ngettext("%d comment %s.", "%d comments %s.", changed) % (changed, done)
        if unchanged := selected - changed:
            message += ngettext(" %d already was.", " %d already were.", unchanged) % unchanged
        self.message_user(request, message)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self.moderate_selected(request, queryset, Action.APPROVE)

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_as_spam(self, request, queryset):
        self.moderate_selected(request, queryset, Action.SPAM)

    @admin.action(description="Pick selected comments (Editors' Picks)", permissions=["change"])
    def pick(self, request, queryset):
        count = curation.pick(queryset, request.user)
        self.message_user(
            request,
            ngettext(
                "%d comment picked (only approved comments not picked yet can be).",
                "%d comments picked (only approved comments not picked yet can be).",
                count,
            )
            % count,
        )

    @admin.action(
        description="Withdraw the Editors' Pick of selected comments", permissions=["change"]
    )
    def unpick(self, request, queryset):
        count = curation.unpick(queryset, request.user)
        self.message_user(
            request, ngettext("%d pick withdrawn.", "%d picks withdrawn.", count) % count
        )

    @admin.action(description="Remove selected comments…", permissions=["change"])
    def remove(self, request, queryset):
        form = RemovalForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self.moderate_selected(request, queryset, Action.REMOVE, form.cleaned_data["reason"])
            return None  # back to the queue
        return TemplateResponse(
            request,
            "admin/comments/comment/remove_selected.html",
            {
                **self.admin_site.each_context(request),
                "title": "Remove comments",
                "opts": self.opts,
                "comments": [(comment, excerpt(comment)) for comment in queryset],
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            },
        )


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    """The moderation log as editors see it: read-only, with the editor who acted."""

    list_display = ["created_at", "action", "comment", "article", "reason", "moderator"]
    list_filter = ["action"]
    search_fields = ["reason"]
    search_help_text = "Words in the reason, or a commenter's email address."
    show_full_result_count = False
    paginator = IdsFirstPaginator

    def get_queryset(self, request):
        # A row names the comment's author and article: their texts are not read.
        return (
            super()
            .get_queryset(request)
            .select_related("comment__article", "moderator")
            .defer(
                "comment__body", "comment__body_html", "comment__card_html",
                "comment__article__body", "comment__article__body_html",
            )
        )  # fmt: skip

    def get_search_results(self, request, queryset, search_term):
        """Events whose reason holds the words, or on comments by the email address searched
        for (from its index): searching commenters' names would read the comment of every
        event."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return found, duplicates
        by_email = Comment.objects.alias(email_key=Lower("author_email")).filter(
            email_key=Lower(Value(term))
        )
        return found | queryset.filter(comment__in=by_email), duplicates

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(ordering="comment__article")
    def article(self, event):
        return event.comment.article


class AddressRuleForm(forms.ModelForm):
    """A rule typed in the desk: the address is hashed, never stored."""

    email = forms.EmailField(help_text="The commenter's email address; only its hash is kept.")

    class Meta:
        model = AddressRule
        fields = ["email", "kind", "reason"]


@admin.register(AddressRule)
class AddressRuleAdmin(admin.ModelAdmin):
    """Editors' "always hold" and "block" rules on commenters' addresses. Set from the queue
    (a comment's author) or here (an address typed in); every change is in the admin's log."""

    list_display = ["kind", "reason", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reason"]
    list_select_related = ["created_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AddressRuleForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["email", "kind", "reason"] if obj is None else ["kind", "reason", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["created_by"]

    def save_model(self, request, rule, form, change):
        if not change:
            rule.address_hash = address_hash(form.cleaned_data["email"])
            rule.created_by = request.user
        super().save_model(request, rule, form, change)


@admin.register(CommunityGuidelines)
class CommunityGuidelinesAdmin(admin.ModelAdmin):
    """The one guidelines page: its list opens the page itself, which no one adds or deletes.
    Saving renders the Markdown once and renews the public page's version."""

    fields = ["body", "updated_at"]
    readonly_fields = ["updated_at"]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        guidelines = CommunityGuidelines.objects.current()
        return redirect("admin:comments_communityguidelines_change", guidelines.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
