"""Readers' recommendations, without accounts: a reader recommends a comment once, and takes
the recommendation back by recommending again.

Who the reader is: a random id in a signed cookie (`recommender`), set only when they first
recommend, so readers who only read get no cookie; it keeps pages shared (freshness.pages
reads it nowhere). One network (clients.identity.client_hash) may recommend only so often
(COMMENTS_RECOMMEND_LIMIT, counted by clients.limits in Redis or the database, so the limit
holds across processes), so clearing cookies does not inflate a count for long.

A count is stored on its comment (Comment.recommend_count) and printed where the thread is
assembled (comments/rendering.py), never in the stored card: recommending renews no version,
so it never throws away everyone's cached page. A cached page shows the counts as of its
making, and is made again at the article's next change.
"""

import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from clients import limits
from comments.models import Comment, Recommendation
from freshness.pages import RECOMMENDER_COOKIE

SALT = "comments.recommending"
MAX_AGE = 365 * 24 * 3600


class RecommendingTooFast(Exception):
    def __init__(self, retry_after):
        super().__init__(f"Too many recommendations from your network; wait {retry_after} s.")
        self.retry_after = retry_after


def reader_id(request):
    """The reader's id from their `recommender` cookie, or None."""
    try:
        value = request.get_signed_cookie(RECOMMENDER_COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None
    return value if len(value) == 32 else None


def new_reader_id():
    return secrets.token_hex(16)


def remember_reader(response, request, reader):
    response.set_signed_cookie(
        RECOMMENDER_COOKIE,
        reader,
        salt=SALT,
        max_age=MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def toggle(comment, reader, client):
    """Recommend `comment` for `reader`, or take their recommendation back if they had made
    one; answer whether it is recommended now. `client`: the network's hash, whose limit both
    count against. Raises RecommendingTooFast."""
    with transaction.atomic():
        if wait := limits.take("recommend", client):
            raise RecommendingTooFast(wait)
        taken_back, _ = Recommendation.objects.filter(comment=comment, reader=reader).delete()
        if not taken_back:
            try:
                with transaction.atomic():
                    Recommendation.objects.create(comment=comment, reader=reader)
            except IntegrityError:  # the same reader twice at once: one counts
                pass
        Comment.objects.filter(pk=comment.pk).update(recommend_count=_count())
    return not taken_back


def _count():
    count = (
        Recommendation.objects.filter(comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))
