from django.conf import settings
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from articles.models import Article
from comments import verification
from comments.commenters import commenter, remember
from comments.links import LinkRefused
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


def moderation_event(request, pk):
    """`/moderation/<id>/`: an entry's lasting address in the public moderation log (a removal
    notice links to it), sent on to the page of the log that holds it now, newest first, and
    its anchor. Entries not in the public log are 404."""
    log = ModerationEvent.objects.for_public_log()
    event = get_object_or_404(log, pk=pk)
    newer = log.filter(
        Q(created_at__gt=event.created_at) | Q(created_at=event.created_at, pk__gt=event.pk)
    ).count()
    page = newer // ModerationLogView.paginate_by + 1
    query = f"?page={page}" if page > 1 else ""
    response = HttpResponseRedirect(f"{reverse('comments:moderation_log')}{query}#event-{pk}")
    # The page moves as newer decisions are logged.
    patch_cache_control(response, no_cache=True)
    return response


def link_refused(request, refused):
    """The page of a signed link that does nothing, saying why; 400."""
    return TemplateResponse(
        request, "comments/link_refused.html", {"reason": refused.reason}, status=400
    )


@never_cache
def verify(request, token):
    """A verification link: a page with one button (so that a mail program opening links by
    itself verifies nothing), which verifies the address in this browser."""
    try:
        if request.method == "POST":
            payload = verification.verify(token)
        else:
            payload = verification.check(token)
    except LinkRefused as refused:
        return link_refused(request, refused)
    article = Article.objects.published().filter(pk=payload.get("article")).first()
    context = {"email": payload["email"], "article": article}
    if request.method != "POST":
        return TemplateResponse(request, "comments/verify.html", context)
    response = TemplateResponse(request, "comments/verified.html", context)
    remember(response, request, commenter(request).after_verifying(payload["email"]))
    return response


def privacy(request):
    """What the site keeps about readers and commenters, why, and for how long."""
    return TemplateResponse(
        request,
        "comments/privacy.html",
        {
            "retention_days": settings.COMMENTS_RETENTION_DAYS,
            "verification_hours": verification.MAX_AGE // 3600,
        },
    )
