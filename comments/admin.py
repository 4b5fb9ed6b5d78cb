"""The moderation desk: the comment queue, its actions and the moderation log."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from comments.forms import CommentModerationForm, RemovalForm
from comments.models import Comment, CommentRevision, ModerationEvent
from comments.moderation import moderate

Action = ModerationEvent.Action
# Article titles and questions are long; the queue shows their start.
LABEL_LENGTH = 40
EXCERPT_LENGTH = 120


def excerpt(comment):
    """The start of a comment as plain text, which the admin escapes: never its HTML."""
    return Truncator(comment.excerpt).chars(EXCERPT_LENGTH)


class StatusFilter(admin.SimpleListFilter):
    """Status, opening on the pending queue; "All" is a choice of its own."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.PENDING
    everything = "all"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.everything, "All")]

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
        return queryset.filter(status=self.value())


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
    list_display = ["excerpt", "author_name", "on_article", "answering", "status", "age"]
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, "article", ("question", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "question"]
    search_fields = ["author_name", "author_email", "body"]
    actions = ["approve", "remove", "mark_as_spam"]
    form = CommentModerationForm
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "article", "question", "parent", "author_name", "author_email", "body",
                    "created_at", "edited_at", "status", "moderation_reason",
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

    def has_add_permission(self, request):
        return False  # Comments come from readers.

    def has_delete_permission(self, request, obj=None):
        return False  # Nothing is hard-deleted: removed comments keep their place.

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return excerpt(comment)

    @admin.display(description="Article", ordering="article__title")
    def on_article(self, comment):
        return Truncator(comment.article.title).chars(LABEL_LENGTH)

    @admin.display(description="Question", ordering="question__position")
    def answering(self, comment):
        return Truncator(comment.question.text).chars(LABEL_LENGTH) if comment.question else None

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
    list_select_related = ["comment__article", "moderator"]
    search_fields = ["reason", "comment__author_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(ordering="comment__article")
    def article(self, event):
        return event.comment.article
