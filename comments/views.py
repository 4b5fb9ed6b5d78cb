from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from articles.models import Article
from comments.flood import client_ip_hash
from comments.forms import CommentForm
from comments.held import remember_held
from comments.models import Comment, ModerationEvent
from comments.posting import CommentRejected, PostingTooFast, post_comment


@require_POST
def post(request, slug):
    """Store a reader's comment and go back to it, or show the article with the errors."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not article.comments_open:
        raise PermissionDenied("Comments are closed on this article.")

    form = CommentForm(request.POST, article=article)
    status, headers = 400, {}
    if form.is_valid():
        comment = form.build_comment()
        comment.ip_hash = client_ip_hash(request)
        try:
            post_comment(comment)
        except CommentRejected as rejection:
            form.add_error(None, rejection.message)
            status = rejection.status
            if isinstance(rejection, PostingTooFast):
                headers["Retry-After"] = str(rejection.retry_after)
        else:
            response = HttpResponseRedirect(comment.get_absolute_url(), status=303)
            if comment.status == Comment.Status.PENDING:
                remember_held(response, request, comment)
            return response

    return TemplateResponse(
        request,
        "articles/article_detail.html",
        {"article": article, "object": article, "comment_form": form},
        status=status,
        headers=headers,
    )


class ModerationLogView(ListView):
    """The public moderation log: what editors did to which comment and why, newest first.
    Never the removed text, the commenter's email, nor which editor acted."""

    paginate_by = 50
    template_name = "comments/moderation_log.html"
    context_object_name = "events"

    def get_queryset(self):
        return ModerationEvent.objects.for_public_log()
