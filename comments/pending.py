"""A reader's own comments that await moderation, shown to that reader only.

The ids live in a signed cookie scoped to the article's path, set when the comment is
posted; nothing about it is stored server-side or shown to anyone else. The cookie makes the
reader's pages their own (freshness.pages).
"""

from django.core import signing

from comments.models import Comment
from freshness.pages import PENDING_COMMENTS_COOKIE

SALT = "comments.pending"
MAX_AGE = 7 * 24 * 3600
MAX_REMEMBERED = 20


def _pending_ids(request):
    try:
        value = request.get_signed_cookie(PENDING_COMMENTS_COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in value.split(",") if part.isdigit()]


def remember_pending(response, request, comment):
    ids = [*_pending_ids(request), comment.pk][-MAX_REMEMBERED:]
    response.set_signed_cookie(
        PENDING_COMMENTS_COOKIE,
        ",".join(map(str, ids)),
        salt=SALT,
        max_age=MAX_AGE,
        path=comment.article.get_absolute_url(),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def pending_comments(request, article):
    """The reader's comments on `article` that still await moderation."""
    ids = _pending_ids(request)
    if not ids:
        return []
    return list(Comment.objects.filter(article=article, status=Comment.Status.PENDING, pk__in=ids))
