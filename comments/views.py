from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article
from articles.paging import IdsFirstPaginator
from articles.views import CachedListMixin
from comments.models import Comment, ModerationEvent
from comments.permalinks import location
from freshness.versions import ARTICLE_LISTS, MODERATION_LOG, list_versions


def permalink(request, pk):
    """`/comments/<id>/`: a comment's lasting address, sent on to the page that holds it now.
    Comments readers cannot see (awaiting moderation, spam without replies) are 404."""
    comment = get_object_or_404(
        Comment.objects.holding_a_place()
        .filter(article__in=Article.objects.published())
        .select_related("article"),
        pk=pk,
    )
    return HttpResponseRedirect(location(comment))


class ModerationLogView(CachedListMixin, ListView):
    """The public moderation log: what editors did to which comment and why, newest first.
    Never the removed text, the commenter's email, nor which editor acted.

    Cached like the article lists, under the log's version (renewed with every moderation
    decision, comments.lifecycle) and the article lists' (titles, and which articles are
    published)."""

    paginate_by = 50
    paginator_class = IdsFirstPaginator
    template_name = "comments/moderation_log.html"
    context_object_name = "events"

    def get_queryset(self):
        return ModerationEvent.objects.for_public_log()

    def listed_versions(self, page):
        return [page, *list_versions(MODERATION_LOG, ARTICLE_LISTS)]
