"""The notices' pages: following a discussion (the form under it posts here), confirming a
follow, unsubscribing (RFC 8058 one-click included), managing an address's notices and
forgetting it. Every page that shows an address or acts on one is the reader's alone
(`never_cache`: private, no-store) and kept out of search engines."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from articles.models import Article
from clients import limits
from clients.identity import client_hash
from comments.commenters import commenter, remember
from comments.links import LinkRefused
from comments.verification import is_verified_here
from comments.views import link_refused
from notices import following, stopping, tokens
from notices.forms import FollowForm

# The form's place under the discussion, on the article page.
FORM_ANCHOR = "#follow-discussion"


@never_cache
def follow(request, slug):
    """The follow form's POST: a link to confirm is emailed (within the caps), or, when this
    browser holds the address's verification, the follow starts at once. A GET (the address
    bar after a mistake) goes back to the form."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(article.get_absolute_url() + FORM_ANCHOR)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if not article.comments_open:
        raise PermissionDenied("The discussion of this article is closed.")
    form = FollowForm(request.POST, article=article)
    if not form.is_valid():
        return _follow_page(request, form, status=400)
    client = client_hash(request)
    if wait := limits.take("follow", client):
        form.add_error(
            None,
            "Many requests to follow discussions have just come from your network (an office, "
            f"a school or a mobile network can share one address). Please try again in "
            f"{wait} seconds.",
        )
        return _follow_page(request, form, status=429, headers={"Retry-After": str(wait)})
    email, question = form.cleaned_data["email"], form.cleaned_data["question"]
    context = {"email": email, "article": article, "question": question}
    if is_verified_here(commenter(request), email):
        follow = following.start(email, article, question)
        return _followed_page(request, follow)
    following.request_follow(email, article, question, client)
    context["hours"] = tokens.CONFIRM_MAX_AGE // 3600
    return TemplateResponse(request, "notices/follow_requested.html", context)


def _follow_page(request, form, **kwargs):
    return TemplateResponse(
        request, "notices/follow.html", {"form": form, "article": form.article}, **kwargs
    )


def _followed_page(request, follow):
    """The page that says `follow` is on, with its own stop link and a link to manage every
    notice of its address: this browser has just proved it holds the address."""
    return TemplateResponse(
        request,
        "notices/follow_confirmed.html",
        {
            "follow": follow,
            "unsubscribe": tokens.unsubscribe_path(tokens.FOLLOW, follow.pk),
            "manage": tokens.manage_path(follow.email),
        },
    )


@never_cache
def confirm_follow(request, token):
    """A follow's confirmation link: a page with one button (a mail program opening links by
    itself confirms nothing), which confirms the follow and verifies the address here."""
    try:
        if request.method != "POST":
            payload = tokens.open_follow_confirmation(token)
            article, question = following.target(payload)
            return TemplateResponse(
                request,
                "notices/confirm_follow.html",
                {"email": payload["email"], "article": article, "question": question},
            )
        follow = following.confirm(token)
    except LinkRefused as refused:
        return link_refused(request, refused)
    response = _followed_page(request, follow)
    remember(response, request, commenter(request).after_verifying(follow.email))
    return response


@csrf_exempt  # RFC 8058: mail programs POST here without any token of ours.
@never_cache
def unsubscribe(request, token):
    """An unsubscribe link: a GET shows what it stops and a button, and changes nothing; a
    POST (the button, or a mail program's one-click `List-Unsubscribe=One-Click`) stops it,
    as often as it is sent. The link is the only credential, as RFC 8058 wants."""
    try:
        what, pk = tokens.open_unsubscribe(token)
    except LinkRefused as refused:
        return link_refused(request, refused)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    subscription = stopping.subscription(what, pk)
    if request.method == "POST":
        stopping.unsubscribe(what, pk)
        template = "notices/unsubscribed.html"
    else:
        template = "notices/unsubscribe.html"
    return TemplateResponse(request, template, {"subscription": subscription})


def _manage_link(view):
    """Run `view(request, token, email)` for a valid manage link; a refused link's page
    otherwise."""

    def opened(request, token):
        try:
            email = tokens.open_manage(token)
        except LinkRefused as refused:
            return link_refused(request, refused)
        return view(request, token, email)

    opened.__name__, opened.__doc__ = view.__name__, view.__doc__
    return never_cache(opened)


@_manage_link
def manage(request, token, email):
    """Every notice an address gets, each with its own stop link, "stop all", and "forget
    me". POST (with the page's CSRF token) stops them all."""
    if request.method == "POST":
        stopping.stop_all(email)
        return TemplateResponse(request, "notices/stopped_all.html", {"email": email})
    follows, comments = stopping.notices_of(email)
    return TemplateResponse(
        request,
        "notices/manage.html",
        {
            "email": email,
            "follows": [(f, tokens.unsubscribe_path(tokens.FOLLOW, f.pk)) for f in follows],
            "comments": [
                (
                    comment,
                    comment.notify_replies and tokens.unsubscribe_path(tokens.REPLIES, comment.pk),
                    comment.notify_moderation
                    and tokens.unsubscribe_path(tokens.MODERATION, comment.pk),
                )
                for comment in comments
            ],
            "forget": reverse("notices:forget", args=[token]),
        },
    )


@_manage_link
def forget(request, token, email):
    """Forget an address: a GET says what happens and asks; the POST (with the page's CSRF
    token) does it."""
    if request.method == "POST":
        withdrawn = stopping.forget(email)
        return TemplateResponse(
            request, "notices/forgotten.html", {"email": email, "withdrawn": withdrawn}
        )
    return TemplateResponse(
        request,
        "notices/forget.html",
        {"email": email, "manage": reverse("notices:manage", args=[token])},
    )
