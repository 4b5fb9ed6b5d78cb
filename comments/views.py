from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from articles.models import Article
from articles.paging import IdsFirstPaginator
from articles.views import CachedListMixin
from clients.identity import client_hash
from comments import recommending, reporting, verification
from comments.commenters import commenter, remember
from comments.curation import is_editor, pick, unpick
from comments.forms import MAX_ID, ReportForm
from comments.links import LinkRefused
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


@require_POST
def pick_view(request, pk):
    """`/comments/<id>/pick/`: an editor's Pick (or, with `action=unpick`, Unpick) button on
    the article page; back to the comment's place. Anyone but an editor gets 403."""
    if not is_editor(request.user):
        raise PermissionDenied("Only editors pick comments.")
    comment = get_object_or_404(Comment.objects.visible().select_related("article"), pk=pk)
    curate = unpick if request.POST.get("action") == "unpick" else pick
    curate(Comment.objects.filter(pk=comment.pk), request.user)
    return HttpResponseRedirect(location(comment), status=303)


@require_POST
def recommend_view(request):
    """`/comments/recommend/`: a reader's Recommend button (every comment's button submits the
    page's one recommend form, naming its comment); recommending again takes it back. Back to
    the comment's place; the `recommender` cookie is set only the first time."""
    pk = request.POST.get("comment", "")
    if not (pk.isdigit() and 0 < int(pk) <= MAX_ID):
        return HttpResponse("Which comment?", status=400, content_type="text/plain")
    comment = get_object_or_404(
        Comment.objects.visible()
        .filter(article__in=Article.objects.published().filter(comments_open=True))
        .select_related("article"),
        pk=pk,
    )
    reader = recommending.reader_id(request)
    first_time = reader is None
    if first_time:
        reader = recommending.new_reader_id()
    try:
        recommending.toggle(comment, reader, client_hash(request))
    except recommending.RecommendingTooFast as refused:
        response = HttpResponse(str(refused), status=429, content_type="text/plain")
        response["Retry-After"] = str(refused.retry_after)
        return response
    response = HttpResponseRedirect(location(comment), status=303)
    if first_time:
        recommending.remember_reader(response, request, reader)
    return response


@never_cache
def report_view(request, pk):
    """`/comments/<id>/report/`: a reader reports a visible comment (comments.reporting)."""
    comment = get_object_or_404(
        Comment.objects.visible()
        .filter(article__in=Article.objects.published())
        .select_related("article"),
        pk=pk,
    )
    context = {"comment": comment, "article": comment.article}
    status, headers = 200, {}
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            report = form.save(commit=False)
            report.comment, report.ip_hash = comment, client_hash(request)
            try:
                reporting.report(report)
            except reporting.ReportRefused as refused:
                form.add_error(None, refused.message)
                status = refused.status
                if refused.retry_after:
                    headers["Retry-After"] = str(refused.retry_after)
            else:
                return TemplateResponse(request, "comments/reported.html", context)
        else:
            status = 400
    else:
        form = ReportForm()
    return TemplateResponse(
        request, "comments/report.html", {**context, "form": form}, status=status, headers=headers
    )


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
