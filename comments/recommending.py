"""Readers' recommendations, without accounts: a reader recommends a comment once, and takes
the recommendation back by recommending again.

Who the reader is: a random id in a signed cookie (`recommender`), set only when they first
recommend, so readers who only read get no cookie; it keeps pages shared (freshness.pages
reads it nowhere). One network (clients.identity.client_hash) may recommend only so often
(COMMENTS_RECOMMEND_LIMIT, counted by clients.limits in Redis or the database, so the limit
holds across processes), so clearing cookies does not inflate a count for long.

A count is stored on its comment (Comment.recommend_count) and printed where the thread is
assembled (comments/rendering.py), never in the stored card: recommending never renews the
article's version, so it never throws away everyone's cached page, and the page shows the
counts as of its making (all a reader without JavaScript sees). The discussion's script
(comments/static/comments/discussion.js) fills in the counts as they are now from the
article's counts (`/comments/recommendations/<article id>/`, comments.views), kept under a
version of their own (`counts_version_name`) that each recommendation renews.
"""

import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from articles.models import Article
from clients import limits
from comments.models import Comment, Recommendation
from freshness.models import ListVersion
from freshness.pages import RECOMMENDER_COOKIE
from freshness.versions import renew

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
        renew(lists=[counts_version_name(comment.article_id)])
    return not taken_back


def counts_version_name(article_id):
    """The name of the version an article's recommendation counts are kept under (a
    freshness ListVersion): renewed by every recommendation, unlike the article's own."""
    return f"recommendations:{article_id}"


def counts_versions(article_id):
    """The versions the counts of a published article are kept under, in one query: (its
    own, which its comments' changes renew, and its counts'); None if it is not published."""
    counts = ListVersion.objects.filter(name=counts_version_name(article_id)).values("value")
    return (
        Article.objects.published()
        .filter(pk=article_id)
        .annotate(counts_version=Subquery(counts))
        .values_list("version", "counts_version")
        .first()
    )


def counts(article_id):
    """{comment id: recommendations} of the article's visible comments that have any."""
    return dict(
        Comment.objects.visible()
        .filter(article_id=article_id, recommend_count__gt=0)
        .values_list("pk", "recommend_count")
    )


def recommended_by(reader, article_id):
    """The ids of the article's comments that `reader` recommends."""
    return list(
        Recommendation.objects.filter(reader=reader, comment__article_id=article_id).values_list(
            "comment_id", flat=True
        )
    )


def count_of(comment):
    return Comment.objects.filter(pk=comment.pk).values_list("recommend_count", flat=True).get()


def _count():
    count = (
        Recommendation.objects.filter(comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))
