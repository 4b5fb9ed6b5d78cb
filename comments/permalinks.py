"""Where a comment is read: the page and anchor that hold it, however long its discussion.
A comment's permalink, `/comments/<id>/`, redirects there; feeds and JSON-LD link to it."""

from django.db.models import Q

from comments.discussion import DEFAULT_ORDER, GENERAL, THREADS_PER_PAGE
from comments.models import Comment


def location(comment):
    """The address of the page that shows `comment`, with its anchor: a reply on its thread's
    own page, a thread's first comment on its section's page (the article page itself for the
    first), a comment awaiting moderation in its author's notice on the article page."""
    article_url = comment.article.get_absolute_url()
    anchor = f"#comment-{comment.pk}"
    if comment.status == Comment.Status.PENDING:
        return article_url + anchor
    if comment.parent_id is not None:
        return f"{article_url}?thread={comment.root_id}{anchor}"
    earlier = (
        Comment.objects.holding_a_place()
        .filter(article_id=comment.article_id, parent__isnull=True, question=comment.question_id)
        .filter(
            Q(created_at__lt=comment.created_at)
            | Q(created_at=comment.created_at, pk__lt=comment.pk)
        )
        .count()
    )
    page = earlier // THREADS_PER_PAGE + 1
    # Counted oldest first: an article sorted otherwise by default is asked for in that order.
    sort = "" if comment.article.discussion_order == DEFAULT_ORDER else f"&sort={DEFAULT_ORDER}"
    if page == 1 and not sort:
        return article_url + anchor
    return f"{article_url}?question={comment.question_id or GENERAL}&page={page}{sort}{anchor}"
