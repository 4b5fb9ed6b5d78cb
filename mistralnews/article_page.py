"""The article page: an article with its discussion and the "Post a Comment" form. It is the
one place that joins the articles and comments apps for readers; the page a rejected comment
comes back to is made by the same code as the page itself.

The page shows the whole discussion's first threads, one page of one section
(`?question=<pk or general>&page=<n>`) or one whole thread (`?thread=<id>`), its threads sorted
by `?sort=` (oldest, newest, picks; the article's own order by default): see
comments/discussion.py. Which copy a reader gets follows freshness.pages: the shared page is
cached under the article's version, the part of the discussion it shows and the question its
form answers, with the reader's CSRF token filled in; a reply form or comments of the
reader's own awaiting moderation make the page theirs alone, as a logged-in editor's session
does (their page has Pick buttons, and their comment form posts as staff).
"""

from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import cache_control

from articles.models import Article, FormerSlug
from clients.identity import client_hash
from comments import editing, verification
from comments.commenters import commenter, remember
from comments.curation import is_editor
from comments.discussion import GENERAL, THREAD_ORDERS, Reading, discussion_for
from comments.forms import MAX_ID, CommentForm
from comments.models import Comment
from comments.pending import pending_comments, remember_pending
from comments.permalinks import location
from comments.posting import CommentRejected, PostingTooFast, post_comment
from comments.rendering import render_posted
from comments.structured_data import newest_comments
from comments.verification import is_verified_here
from freshness.pages import (
    COMMENTER_COOKIE,
    PENDING_COMMENTS_COOKIE,
    Audience,
    audience,
    caching_on,
    page_key,
    per_reader,
    serve_shared,
)
from notices.forms import FollowForm

# The reader's cookies the page shows something of: their comments awaiting moderation, and
# their name and email in the comment form.
READER_COOKIES = frozenset({PENDING_COMMENTS_COOKIE, COMMENTER_COOKIE})
TEMPLATE = "articles/article_detail.html"
PREVIEW_TEMPLATE = "articles/article_preview.html"
ERROR_SUMMARY = "comments/_error_summary.html"
# The request header the discussion's script posts a comment with, asking for a fragment.
FRAGMENT_HEADER = "X-Fragment"


def _small_id(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def _question(article, value):
    """The pk of the question `?question=` names, if it is one of the article's."""
    pk = _small_id(value)
    return pk if pk in {question.pk for question in article.question_list} else None


def _sort(article, query):
    """The order `?sort=` names, or the article's own."""
    sort = query.get("sort")
    return sort if sort in THREAD_ORDERS else article.discussion_order


def _reading(article, query):
    """The part of the discussion the query names: a thread, a page of a section, or all, and
    the order of its threads."""
    if "thread" in query:
        return Reading(thread=_small_id(query["thread"]) or 0)
    sort = _sort(article, query)
    if "page" not in query:
        return Reading(sort=sort)
    section = (
        GENERAL if query.get("question") == GENERAL else _question(article, query.get("question"))
    )
    page = _small_id(query["page"])
    if section is None or page is None:
        return Reading(section=GENERAL, page=0)  # names nothing: not found
    return Reading(section=section, page=page, sort=sort)


def _sort_links(article, reading):
    """The links that sort the discussion the page shows, each (label, URL, current): the
    article's own order needs no `?sort=`; a page of one section starts again at its first."""
    if reading.thread is not None:
        return []
    links = []
    for sort, label in article.DiscussionOrder.choices:
        query = QueryDict(mutable=True)
        if not reading.whole:
            query.update({"question": reading.section, "page": 1})
        if sort != article.discussion_order:
            query["sort"] = sort
        address = article.get_absolute_url() + (f"?{query.urlencode()}" if query else "")
        links.append((label, f"{address}#discussion", sort == reading.sort))
    return links


def _replying_to(article, parent):
    """The visible comment a reply form answers, if `parent` names one of this article's."""
    if (pk := _small_id(parent)) is None:
        return None
    return (
        Comment.objects.visible()
        .filter(article=article, pk=pk)
        .only("author_name", "body_html", "created_at")
        .first()
    )


def _placed(pending, discussion):
    """The reader's comments awaiting moderation split in two: those shown at the foot of the
    discussion, and, by parent, the replies shown under their parent because the page shows
    it (`discussion()` gives the page's part of the discussion)."""
    if not any(comment.parent_id for comment in pending):
        return pending, {}
    shown = set()
    nodes = [node for section in discussion().sections for node in section.threads]
    while nodes:
        node = nodes.pop()
        shown.add(node.pk)
        nodes.extend(node.replies)
    foot, under = [], {}
    for comment in pending:
        if comment.parent_id in shown:
            under.setdefault(comment.parent_id, []).append(comment)
        else:
            foot.append(comment)
    return foot, under


def render_article_page(request, article, *, form=None, preview=False, csrf_token=None, **kwargs):
    """The article page for this reader, as a TemplateResponse (`kwargs`: its status and
    headers). `form`: a rejected comment form to show with its errors; otherwise a new form,
    answering `?question=` or replying to `?reply_to=` when those name one of this article's.
    `csrf_token`: the placeholder a shared copy is made with."""
    can_post = article.accepts_comments and not preview
    staff = request.user if is_editor(request.user) else None
    reading = _reading(article, request.GET)
    if not reading.whole and not discussion_for(article, reading).found:
        raise Http404("No such part of the discussion.")
    # A commenter's browser remembers their name and email, and their comments, which they
    # may edit or withdraw from here (a page of their own, then; never a shared copy).
    author = commenter(request)
    own = {} if preview or csrf_token is not None else editing.own_comments(author, article)
    if form is None:
        replying_to = _replying_to(article, request.GET.get("reply_to"))
        initial = {
            "parent": replying_to and replying_to.pk,
            "author_name": author.name,
            "author_email": author.email,
        }
        if (question := _question(article, request.GET.get("question"))) is not None:
            initial["question"] = question
        form = CommentForm(article=article, initial=initial, staff=staff)
    else:
        replying_to = _replying_to(article, form["parent"].value())
    pending = pending_comments(request, article)
    for comment in pending:
        comment.own = own.get(comment.pk)  # an OwnComment, or None
    context = {
        "article": article,
        "object": article,
        "article_url": article.get_absolute_url(),
        "preview": preview,
        "can_post": can_post,
        "reading": reading,
        "sort_links": _sort_links(article, reading),
        # Carried by the links to a section's other pages.
        "sort_param": "" if reading.sort == article.discussion_order else reading.sort,
        "can_pick": staff is not None and not preview,
        "staff_author": staff,
        "discussion": SimpleLazyObject(lambda: discussion_for(article, reading)),
        "newest_comments": SimpleLazyObject(lambda: newest_comments(article)),
        "form": form,
        # Following the discussion by email: the same form for every reader (no per-reader
        # content), so the shared page stays shared; it posts to notices.views.follow.
        "follow_form": FollowForm(article=article) if can_post else None,
        "replying_to": replying_to,
        # {pk: editable} of the reader's own comments in the discussion: their edit and
        # withdraw links are added as the threads are assembled (comments.rendering).
        "own_comments": {
            pk: mine.editable for pk, mine in own.items() if mine.status == Comment.Status.APPROVED
        },
    }
    context["pending_comments"], context["pending_replies"] = _placed(
        pending, lambda: discussion_for(article, reading)
    )
    # The cached discussion holds them: one copy per set of a reader's own comments, whose
    # ids only that reader's signed cookie names.
    context["pending_key"] = sorted(
        reply.pk for replies in context["pending_replies"].values() for reply in replies
    )
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return TemplateResponse(request, PREVIEW_TEMPLATE if preview else TEMPLATE, context, **kwargs)


def article_view(request, slug):
    """A published article with its discussion."""
    shared = audience(request, reads=READER_COOKIES) is Audience.SHARED
    if shared and caching_on():
        return _shared_article_page(request, slug)
    # The article alone: its category, tags, questions and comments are read only as the
    # page is rendered.
    article = Article.objects.published().filter(slug=slug).first()
    if article is None:
        return _moved(request, slug)
    page = render_article_page(request, article)
    return page if shared else per_reader(page)


def _shared_article_page(request, slug):
    """The shared copy of the article page, from the cache: the article's row is read in
    full only when the copy is made."""
    try:
        keyed = Article.objects.published().for_page_key().get(slug=slug)
    except Article.DoesNotExist:
        return _moved(request, slug)
    # A copy per part of the discussion and question the form may answer; any other query
    # gets the plain page.
    question = _question(keyed, request.GET["question"]) if "question" in request.GET else None
    reading = _reading(keyed, request.GET)
    # Whether comments are accepted changes with time too (they close by themselves).
    accepts = keyed.accepts_comments
    key = page_key("article", keyed.pk, keyed.version, question, reading, accepts)

    def render(placeholder):
        # Read after the version the copy is kept under, so never older than it.
        article = Article.objects.published().select_related("category").filter(pk=keyed.pk).first()
        if article is None:
            raise Http404("No such article.")
        if "question_list" in keyed.__dict__:  # read already, to check ?question=
            article.question_list = keyed.question_list
        return render_article_page(request, article, csrf_token=placeholder)

    return serve_shared(request, key, render, has_form=accepts)


def _moved(request, slug):
    """A 301 from an address a published article had before its slug changed, or 404."""
    former = FormerSlug.objects.filter(slug=slug, article__in=Article.objects.published())
    article = Article.objects.filter(pk__in=former.values("article")).only("slug").first()
    if article is None:
        raise Http404("No such article.")
    query = request.META.get("QUERY_STRING", "")
    location = article.get_absolute_url() + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(location)


@cache_control(private=True, no_cache=True)
def preview_view(request, slug):
    """Any article as readers would see it, with a draft or schedule banner: editors only.
    Everyone else gets 404, as if the page did not exist."""
    user = request.user
    if not (user.is_staff and user.has_perm("articles.view_article")):
        raise Http404("No such article.")
    article = get_object_or_404(Article, slug=slug)
    return render_article_page(request, article, preview=True)


def comments_view(request, slug):
    """`/articles/<slug>/comments/`: a reader's comment is posted here. A GET (the address bar
    after a rejected comment, reloaded or shared) goes to the article's comment form."""
    if request.method == "POST":
        return _post(request, slug)
    if request.method in ("GET", "HEAD"):
        article = get_object_or_404(Article.objects.published(), slug=slug)
        return HttpResponseRedirect(f"{article.get_absolute_url()}#post-comment")
    return HttpResponseNotAllowed(["GET", "HEAD", "POST"])


def wants_fragment(request):
    """Whether the discussion's script posts the comment (comments/static/comments/
    discussion.js): it is answered with the part of the page that changes, not a whole page."""
    return request.headers.get(FRAGMENT_HEADER) == "comment"


def _post(request, slug):
    """Store a reader's comment and go back to it, or show the article with the errors. For
    the discussion's script: 201 with the new comment's HTML (or its author's notice while it
    awaits moderation), or the error summary with the error's status."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not article.accepts_comments:
        raise PermissionDenied("Comments are closed on this article.")

    staff = request.user if is_editor(request.user) else None
    form = CommentForm(request.POST, article=article, staff=staff)
    status, headers = 400, {}
    author = commenter(request)
    if form.is_valid():
        comment = form.build_comment()
        comment.ip_hash = client_hash(request)
        try:
            post_comment(comment, author, receipt=form.cleaned_data["send_receipt"], staff=staff)
        except CommentRejected as rejection:
            form.add_error(None, rejection.message)
            status = rejection.status
            if isinstance(rejection, PostingTooFast):
                headers["Retry-After"] = str(rejection.retry_after)
        else:
            response = _posted(request, article, comment, staff)
            if staff is not None:  # the session says who they are: no verification, no cookie
                return response
            if not is_verified_here(author, comment.author_email):
                verification.offer(comment, comment.ip_hash)
            if comment.status == Comment.Status.PENDING:
                remember_pending(response, request, comment)
            remember(response, request, author.after_posting(comment))
            return response
    if wants_fragment(request):
        return per_reader(
            TemplateResponse(request, ERROR_SUMMARY, {"form": form}, status=status, headers=headers)
        )
    return per_reader(
        render_article_page(request, article, form=form, status=status, headers=headers)
    )


def _posted(request, article, comment, staff):
    """The answer to a stored comment: back to its place, or its HTML for the script."""
    if not wants_fragment(request):
        return HttpResponseRedirect(location(comment), status=303)
    editable = None if staff else editing.can_edit(comment, article)
    html = render_posted(comment, article_url=article.get_absolute_url(), editable=editable)
    return per_reader(HttpResponse(html, status=201))
