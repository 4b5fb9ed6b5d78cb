"""The one-click moderation queue: held comments with their context, each decided by one POST
through `comments.moderation.moderate`, replies posted as staff, and editors' rules on
commenters' addresses."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import site
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from clients.identity import address_hash, client_hash
from comments.forms import MAX_ID, CommentForm
from comments.models import AddressRule, Comment, ModerationEvent
from comments.moderation import UNDO_WINDOW, moderate
from comments.posting import CommentRejected, post_comment
from desk.models import AlertChoice, RemovalReason
from desk.queue import counts, page_of_rows

Action = ModerationEvent.Action
MODERATE = "comments.change_comment"
SET_RULES = "comments.add_addressrule"
REASON_LENGTH = ModerationEvent._meta.get_field("reason").max_length
# The session remembers the editor's last decision from the queue, for its undo button.
UNDO_KEY = "desk-undo"


def refuse(request, message, status=400):
    """A page saying what was wrong with the request, and the way back to the queue."""
    return TemplateResponse(
        request,
        "desk/refused.html",
        {**site.each_context(request), "title": "Not done", "message": message},
        status=status,
    )


def require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def chosen_article(request):
    """The article named by ?article=, None without one; 404 for anything else."""
    value = request.GET.get("article", "")
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        raise Article.DoesNotExist
    return Article.objects.only("id", "title").get(pk=value)


@require_GET
def queue_view(request):
    require(request, MODERATE)
    try:
        article = chosen_article(request)
    except Article.DoesNotExist:
        return refuse(request, "There is no such article.", status=404)
    counted = counts()
    page = page_of_rows(
        request.GET.get("page"), article, count=counted.waiting if article is None else None
    )
    return TemplateResponse(
        request,
        "desk/queue.html",
        {
            **site.each_context(request),
            "title": "Comments waiting",
            "page": page,
            "article": article,
            "desk_counts": counted,
            "reasons": RemovalReason.objects.all(),
            "can_set_rules": request.user.has_perm(SET_RULES),
            "undo": undoable(request),
            "here": request.get_full_path(),
        },
    )


def back_to_queue(request):
    """Where the editor was in the queue (a page of it, an article's), or its start."""
    queue = reverse("desk:queue")
    there = request.POST.get("next", "")
    if there.startswith(queue) and url_has_allowed_host_and_scheme(
        there, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(there)
    return redirect(queue)


def decision(request):
    """(action, reason) from the button the editor pressed, or raise ValueError saying why
    they cannot be done."""
    pressed = request.POST.get("decision", "")
    written = " ".join(request.POST.get("reason", "").split())
    if pressed in (Action.APPROVE, Action.SPAM, Action.REOPEN):
        return Action(pressed), ""
    if pressed == Action.REMOVE:
        if not written:
            raise ValueError("Removing a comment needs a reason: pick one or write one.")
        reason = written
    elif pressed.startswith(f"{Action.REMOVE}:") and pressed[7:].isdigit():
        ready = RemovalReason.objects.filter(pk=pressed[7:]).first()
        if ready is None:
            raise ValueError("That removal reason no longer exists; pick another.")
        reason = f"{ready.text}: {written}" if written else ready.text
    else:
        raise ValueError("Choose Approve, Remove or Spam.")
    if len(reason) > REASON_LENGTH:
        raise ValueError(f"A reason has at most {REASON_LENGTH} characters.")
    return Action.REMOVE, reason


@require_POST
def moderate_view(request, pk):
    require(request, MODERATE)
    comment = get_object_or_404(Comment.objects.only("id", "author_name"), pk=pk)
    try:
        action, reason = decision(request)
    except ValueError as error:
        return refuse(request, str(error))
    if action == Action.REOPEN:
        if undoable(request) != pk:
            return refuse(request, "This decision can no longer be undone from the queue.")
        request.session.pop(UNDO_KEY)
    if moderate(Comment.objects.filter(pk=pk), action, request.user, reason):
        messages.success(request, f"{comment.author_name}'s comment: {action.label.lower()}.")
        if action != Action.REOPEN:
            until = timezone.now() + UNDO_WINDOW
            request.session[UNDO_KEY] = {"comment": pk, "until": until.timestamp()}
    else:
        messages.info(request, f"{comment.author_name}'s comment was already decided on.")
    return back_to_queue(request)


@require_POST
def reply_view(request, pk):
    """Reply to comment `pk` as staff, as an editor does on the article page (CommentForm with
    `staff`, then post_comment); a comment still waiting is approved first, as it will have an
    answer under it. Both are done, or neither."""
    require(request, MODERATE)
    parent = get_object_or_404(
        Comment.objects.only("id", "status", "author_name", "article"), pk=pk
    )
    article = Article.objects.published().filter(pk=parent.article_id).first()
    if article is None or not article.accepts_comments:
        return refuse(request, "Comments are closed on this article: no reply can be posted.", 403)
    if parent.status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
        return refuse(
            request, f"{parent.author_name}'s comment is not shown: it cannot be replied to."
        )
    with transaction.atomic():
        waiting = Comment.objects.filter(pk=pk, status=Comment.Status.PENDING)
        approved = moderate(waiting, Action.APPROVE, request.user)
        form = CommentForm(
            {"body": request.POST.get("body", ""), "parent": pk},
            article=article,
            staff=request.user,
        )
        try:
            if not form.is_valid():
                errors = form.errors.values()
                raise CommentRejected(" ".join(message for field in errors for message in field))
            reply = form.build_comment()
            reply.ip_hash = client_hash(request)
            post_comment(reply, staff=request.user)
        except CommentRejected as rejection:
            transaction.set_rollback(True)
            return refuse(request, rejection.message, rejection.status)
    done = "approved, and replied to" if approved else "replied to"
    messages.success(request, f"{parent.author_name}'s comment: {done} as staff.")
    return back_to_queue(request)


def undoable(request):
    """The comment whose decision this editor made last from the queue, while they may
    still undo it; or None."""
    last = request.session.get(UNDO_KEY)
    if not last or last["until"] < timezone.now().timestamp():
        return None
    return last["comment"]


@require_POST
def address_rule_view(request, pk):
    """Set an "always hold" or "block" rule on the address of comment `pk`'s author."""
    require(request, SET_RULES)
    comment = get_object_or_404(Comment.objects.only("id", "author_name", "author_email"), pk=pk)
    kind = request.POST.get("kind", "")
    reason = " ".join(request.POST.get("rule_reason", "").split())
    if not comment.author_email:
        return refuse(request, "This comment's address was erased (retention); no rule can be set.")
    if kind not in AddressRule.Kind.values:
        return refuse(request, "Choose Always hold or Block.")
    if not reason:
        return refuse(request, "A rule on an address needs a reason, kept with it for editors.")
    if len(reason) > REASON_LENGTH:
        return refuse(request, f"A reason has at most {REASON_LENGTH} characters.")
    with transaction.atomic():
        rule, created = AddressRule.objects.update_or_create(
            address_hash=address_hash(comment.author_email),
            defaults={"kind": kind, "reason": reason, "created_by": request.user},
        )
        label = rule.get_kind_display()
        LogEntry.objects.log_actions(
            request.user.pk,
            [rule],
            ADDITION if created else CHANGE,
            change_message=f"{label} (from comment {comment.pk}): {reason}",
            single_object=True,
        )
    messages.success(
        request, f"{label}: {comment.author_name}'s address, for later comments. ({reason})"
    )
    return back_to_queue(request)


@require_http_methods(["GET", "POST"])
def alerts_view(request):
    """The editor's own choice about the digest of comments waiting."""
    require(request, MODERATE)
    choice = AlertChoice.objects.filter(user=request.user).first()
    wants = choice.wants_digest if choice else True
    if request.method == "POST":
        wants = request.POST.get("wants_digest") == "on"
        AlertChoice.objects.update_or_create(user=request.user, defaults={"wants_digest": wants})
        messages.success(
            request,
            "You will get the digest." if wants else "You will not get the digest any more.",
        )
        return redirect("desk:alerts")
    return TemplateResponse(
        request,
        "desk/alerts.html",
        {
            **site.each_context(request),
            "title": "Your alerts",
            "wants_digest": wants,
            "minutes": settings.DESK_DIGEST_MINUTES,
            "has_email": bool(request.user.email),
        },
    )
