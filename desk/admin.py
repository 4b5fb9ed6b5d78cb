"""The desk's article list: the articles app's admin with each article's comment counts."""

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from articles.admin import ArticleAdmin
from articles.models import Article
from comments.models import Comment
from desk.models import RemovalReason


def _pending_count():
    """An article's comments awaiting moderation, counted for the rows on the page only."""
    pending = (
        Comment.objects.filter(article=OuterRef("pk"), status=Comment.Status.PENDING)
        .order_by()
        .values("article")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(pending, output_field=IntegerField()), Value(0))


@admin.register(Article)
class DeskArticleAdmin(ArticleAdmin):
    list_display = [
        "title", "state", "publication_date", "category", "approved_comments",
        "pending_comments", "is_published",
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pending_count=_pending_count())

    @admin.display(description="Approved", ordering="comment_count")
    def approved_comments(self, article):
        return queue_link(article, article.comment_count, status=Comment.Status.APPROVED)

    @admin.display(description="Pending", ordering="pending_count")
    def pending_comments(self, article):
        return queue_link(article, article.pending_count)


def queue_link(article, count, **query):
    """`count`, linking to the moderation queue of `article`'s comments (pending unless
    `query` says otherwise): the way an editor chooses an article there."""
    if not count:
        return 0
    query = urlencode({"article__id__exact": article.pk, **query})
    return format_html(
        '<a href="{}?{}">{}</a>', reverse("admin:comments_comment_changelist"), query, count
    )


@admin.register(RemovalReason)
class RemovalReasonAdmin(admin.ModelAdmin):
    """The ready-made reasons the queue's Remove offers, in the order it offers them."""

    list_display = ["text", "position"]
    list_editable = ["position"]
