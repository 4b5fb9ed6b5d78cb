from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import ListView

from articles.models import Article
from articles.paging import IdsFirstPaginator
from articles.views import CachedListMixin
from clients.identity import client_hash
from comments import editing, recommending, reporting, verification
from comments.commenters import commenter, remember
from comments.curation import is_editor, pick, unpick
from comments.forms import MAX_ID, CommentTextForm, ReportForm
from comments.links import LinkRefused
from comments.models import Comment, CommunityGuidelines, ModerationEvent
from comments.moderation import HELD_LINK_COUNT
from comments.pending import remember_pending
from comments.permalinks import location
from freshness.pages import (
    Audience,
    audience,
    cached_copy,
    caching_on,
    etag_of,
    keep_copy,
    page_key,
    per_reader,
    serve_shared,
)
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


def wants_json(request):
    """Whether the discussion's script asks (comments/static/comments/discussion.js)."""
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def recommend_view(request):
    """`/comments/recommend/`: a reader's Recommend button (every comment's button submits the
    page's one recommend form, naming its comment); recommending again takes it back. Back to
    the comment's place, or, for the discussion's script, whether the reader recommends it now
    and its count, as JSON; the `recommender` cookie is set only the first time."""
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
        recommended = recommending.toggle(comment, reader, client_hash(request))
    except recommending.RecommendingTooFast as refused:
        response = HttpResponse(str(refused), status=429, content_type="text/plain")
        response["Retry-After"] = str(refused.retry_after)
        return response
    if wants_json(request):
        count = recommending.count_of(comment)
        response = JsonResponse({"recommended": recommended, "count": count})
        patch_cache_control(response, private=True, no_store=True)
    else:
        response = HttpResponseRedirect(location(comment), status=303)
    if first_time:
        recommending.remember_reader(response, request, reader)
    return response


@require_GET
def recommendations_view(request, article_id):
    """`/comments/recommendations/<article id>/`: the recommendation counts of a published
    article's comments as they are now, `{"counts": {comment id: count}, "recommended":
    [comment ids]}` (the comments this reader recommends, from their `recommender` cookie),
    for the discussion's script; the page itself shows counts as of its making. The counts are
    cached under their own version, which recommending renews, and answered with an ETag: one
    query when cached. Sets no cookie."""
    versions = recommending.counts_versions(article_id)
    if versions is None:
        raise Http404("No such article.")
    reader = recommending.reader_id(request)
    key = page_key("recommendations", article_id, *versions)
    etag = etag_of(key, reader)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        counts = cached_copy(key) if caching_on() else None
        if counts is None:
            counts = recommending.counts(article_id)
            if caching_on():
                keep_copy(key, counts)
        mine = recommending.recommended_by(reader, article_id) if reader else []
        response = JsonResponse({"counts": counts, "recommended": mine})
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True, **({"private": True} if reader else {}))
    patch_vary_headers(response, ["Cookie"])
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
                context["emailed"] = bool(report.notifier_email)
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


def link_refused(request, refused, purpose=None):
    """The page of a signed link that does nothing, saying why; 400. `purpose`: what the link
    was for, when its page says more about it."""
    return TemplateResponse(
        request,
        "comments/link_refused.html",
        {"reason": refused.reason, "purpose": purpose},
        status=400,
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


def guidelines(request):
    """`/guidelines/`: the community guidelines, what editors remove and why, as they last
    saved them in the desk; a shared page, cached under the guidelines' version."""
    page = CommunityGuidelines.objects.current()

    def render(placeholder=None):
        return TemplateResponse(request, "comments/guidelines.html", {"guidelines": page})

    if audience(request) is Audience.PER_READER:
        return per_reader(render())
    if not caching_on():
        return render()
    return serve_shared(request, page_key("guidelines", page.version), render)


def privacy(request):
    """What the site keeps about readers and commenters, why, and for how long."""
    return TemplateResponse(
        request,
        "comments/privacy.html",
        {
            "retention_days": settings.COMMENTS_RETENTION_DAYS,
            "verification_hours": verification.MAX_AGE // 3600,
            "edit_minutes": settings.COMMENTS_EDIT_WINDOW,
        },
    )


# A comment's author editing or withdrawing it (comments.editing)


def _not_yours(request, comment):
    return TemplateResponse(request, "comments/not_yours.html", {"comment": comment}, status=403)


def _authors_comment(request, pk, purpose):
    """The comment `pk` and its Author making this request to `purpose` it (from the browser
    that posted it, or with a signed link's `?token=`), and None; or, for anyone else, the
    page that says no: 403 for a stranger, 400 for a link that does not work."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    try:
        author = editing.author_of(request, comment, purpose)
    except LinkRefused as refused:
        return comment, None, link_refused(request, refused, purpose)
    if author is None:
        return comment, None, _not_yours(request, comment)
    return comment, author, None


def _change_context(request, comment, author):
    here = request.path
    if author.by_link:
        here += "?" + urlencode({"token": request.GET["token"]})
    # The page's own address (with the link's token): where its form posts back.
    return {
        "comment": comment,
        "article": comment.article,
        "by_link": author.by_link,
        "here": here,
        "edit_minutes": settings.COMMENTS_EDIT_WINDOW,
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    """`/comments/<id>/edit/`: the author's comment in the comment form's text box, while
    editing is open; the edit is sanitized and moderated like a new comment. Only for its
    author (see _authors_comment); never cached."""
    comment, author, refusal = _authors_comment(request, pk, editing.EDIT)
    if refusal is not None:
        return refusal
    context = _change_context(request, comment, author)
    if not editing.can_edit(comment, comment.article):
        return TemplateResponse(request, "comments/editing_closed.html", context, status=403)
    form = CommentTextForm(request.POST if request.method == "POST" else None, instance=comment)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            browser = commenter(request)
            try:
                stored = editing.edit(
                    comment,
                    form.cleaned_data["body"],
                    verified_here=editing.is_verified_author(
                        browser, comment, by_link=author.by_link
                    ),
                )
            except editing.EditRefused as refused:
                form.add_error(None, refused.message)
            else:
                response = HttpResponseRedirect(location(stored), status=303)
                if stored.status == Comment.Status.PENDING:
                    remember_pending(response, request, stored)
                return response
    context |= {
        "form": form,
        "editable_until": editing.editable_until(comment),
        "held_link_count": HELD_LINK_COUNT,
    }
    return TemplateResponse(request, "comments/edit.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, pk):
    """`/comments/<id>/withdraw/`: asks the author to confirm, then withdraws the comment
    (comments.moderation.withdraw): a placeholder where it has replies, gone where not. Only
    for its author (see _authors_comment); never cached."""
    comment, author, refusal = _authors_comment(request, pk, editing.WITHDRAW)
    if refusal is not None:
        return refusal
    context = _change_context(request, comment, author)
    if comment.status == Comment.Status.WITHDRAWN:
        return TemplateResponse(request, "comments/withdrawn.html", context)
    if not editing.can_withdraw(comment):
        return TemplateResponse(request, "comments/not_withdrawable.html", context, status=403)
    if request.method != "POST":
        return TemplateResponse(request, "comments/withdraw.html", context)
    try:
        editing.withdraw(comment, link_payload=author.link_payload)
    except LinkRefused as refused:  # used by another request since the page was opened
        return link_refused(request, refused, editing.WITHDRAW)
    return TemplateResponse(request, "comments/withdrawn.html", context)
