"""The one-click queue's rows: each held comment with what an editor needs to decide on it,
read in a constant number of queries however many rows a page has; and the counts of comments
waiting and reported that every desk page shows."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils.text import Truncator

from clients.identity import address_hash
from comments.models import AddressRule, Comment, Report

PER_PAGE = 25
PARENT_EXCERPT_LENGTH = 200
HISTORY = [Comment.Status.APPROVED, Comment.Status.REMOVED, Comment.Status.SPAM]


@dataclass(frozen=True)
class Counts:
    waiting: int  # comments awaiting moderation
    reported: int  # comments readers reported that no editor has decided on yet


def counts():
    """The Counts, in one query: the pending comments from the queue's index, the reported
    ones by their open reports."""
    pending = Q(status=Comment.Status.PENDING)
    reported = Q(pk__in=Report.objects.open().values("comment"))
    return Counts(
        **Comment.objects.filter(pending | reported).aggregate(
            waiting=Count("pk", filter=pending), reported=Count("pk", filter=reported)
        )
    )


@dataclass
class Row:
    comment: Comment
    parent_excerpt: str
    history: dict | None  # status -> how many of the address's comments have it
    rule: AddressRule | None


def waiting(article=None):
    """The comments awaiting moderation, oldest first (the queue index's order)."""
    comments = Comment.objects.filter(status=Comment.Status.PENDING)
    if article is not None:
        comments = comments.filter(article=article)
    return comments.order_by("created_at", "id")


def page_of_rows(number, article=None, count=None):
    """Page `number` (clamped to the pages there are) of the queue, as Rows; `count`: how
    many comments it holds, when known already (not counted again)."""
    comments = (
        waiting(article)
        .select_related("article", "question", "parent")
        .only(
            "id", "author_name", "author_email", "body_html", "created_at", "status",
            "article__id", "article__title", "article__slug",
            "question__id", "question__text",
            "parent__id", "parent__author_name", "parent__body_html", "parent__status",
        )
    )  # fmt: skip
    paginator = Paginator(comments, PER_PAGE)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(number)
    listed = list(page.object_list)
    # An address erased after the retention period ("") is no one's: it has no history.
    emails = {comment.author_email for comment in listed} - {""}
    history = {email: dict.fromkeys(HISTORY, 0) for email in emails}
    counts = (
        Comment.objects.filter(author_email__in=emails, status__in=HISTORY)
        .values_list("author_email", "status")
        .annotate(count=Count("id"))
        .order_by()
    )
    for email, status, count in counts:
        history[email][status] = count
    hashes = {email: address_hash(email) for email in emails}
    rules = {
        rule.address_hash: rule
        for rule in AddressRule.objects.filter(address_hash__in=hashes.values())
    }
    page.rows = [
        Row(
            comment=comment,
            parent_excerpt=parent_excerpt(comment.parent),
            history=history.get(comment.author_email),
            rule=rules.get(hashes.get(comment.author_email)),
        )
        for comment in listed
    ]
    return page


def parent_excerpt(parent):
    if parent is None:
        return ""
    if not parent.is_visible:
        return f"({parent.get_status_display().lower()})"
    return Truncator(parent.excerpt).chars(PARENT_EXCERPT_LENGTH)
