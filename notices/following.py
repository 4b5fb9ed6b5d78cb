"""Following a discussion by email without commenting: double opt-in, like a commenter's
address. A request emails a signed link (within the verification caps of
comments.verification); following it confirms the follow and verifies the address. Nothing
is stored about a request until its link is followed: the link carries it all."""

import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import links, verification
from comments.models import VerifiedAddress
from mistralnews.site_url import absolute_url
from notices import tokens
from notices.models import Follow
from outbox import refusals
from outbox import sending as outbox


def request_follow(email, article, question, client):
    """Email `email` a link that confirms following `article` (or its `question`), unless the
    address or the network `client` had their share of such emails today. Says nothing either
    way: the answer must not tell whether an address is known, follows already, or was sent
    anything."""
    email = email.lower()
    if not verification.may_send_link(email, client):
        return None
    subject, text, html = outbox.compose(
        "notices/email/confirm_follow",
        {
            "link": tokens.confirm_follow_url(email, article, question),
            "article": article,
            "question": question,
            "hours": tokens.CONFIRM_MAX_AGE // 3600,
            "privacy": absolute_url(reverse("comments:privacy")),
        },
    )
    # Like a verification, each request is its own email and reaches an address that refused
    # mail before: confirming is how its owner gets mail again.
    key = f"confirm-follow:{secrets.token_hex(16)}"
    return outbox.send(key, email, subject, text, html, despite_refusal=True)


def start(email, article, question=None):
    """`email` follows `article` (or its `question`) from now on, if it does not already;
    answers the Follow."""
    email = email.lower()
    try:
        with transaction.atomic():
            return Follow.objects.get_or_create(email=email, article=article, question=question)[0]
    except IntegrityError:  # started at the same moment by another request
        return Follow.objects.get(email=email, article=article, question=question)


def target(payload):
    """(article, question or None) a confirmation link's `payload` is for, or LinkRefused
    when the article is no longer published or the question gone (as if tampered with)."""
    article = Article.objects.published().filter(pk=payload.get("article")).first()
    if article is None:
        raise links.LinkRefused(links.LinkRefused.TAMPERED)
    if payload.get("question") is None:
        return article, None
    question = article.questions.filter(pk=payload["question"]).first()
    if question is None:
        raise links.LinkRefused(links.LinkRefused.TAMPERED)
    return article, question


@transaction.atomic
def confirm(token):
    """Follow a confirmation link: record its address as verified, the link as used, and the
    follow; answers the Follow, or LinkRefused (and nothing changed)."""
    payload = links.open_token(tokens.CONFIRM_FOLLOW, token, max_age=tokens.CONFIRM_MAX_AGE)
    article, question = target(payload)
    links.use_once(tokens.CONFIRM_FOLLOW, payload)
    email = payload["email"]
    VerifiedAddress.objects.update_or_create(email=email, defaults={"verified_at": timezone.now()})
    refusals.clear_refusal(email)
    return start(email, article, question)
