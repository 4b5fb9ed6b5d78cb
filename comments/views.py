from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article
from comments.models import Comment, ModerationEvent
from comments.permalinks import location


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


class ModerationLogView(ListView):
    """The public moderation log: what editors did to which comment and why, newest first.
    Never the removed text, the commenter's email, nor which editor acted."""

    paginate_by = 50
    template_name = "comments/moderation_log.html"
    context_object_name = "events"

    def get_queryset(self):
        return ModerationEvent.objects.for_public_log()
