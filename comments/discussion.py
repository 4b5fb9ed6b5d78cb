"""The discussion under an article: a section per question, then the general discussion,
each paged by its threads, so a page holds a bounded part of a discussion of any length.

A page reads one of three things (a Reading): the first page of every section, one page of one
section, or one whole thread; a section's threads in the order the reading sorts them by
(oldest first, newest first, most recommended or the editors' picks first), the replies in a
thread always oldest first. Its comments come from two queries: the threads that start on the
page (with their sections' sizes), then the comments of those threads; and, when the article
has editors' picks, a third for them, which each section shows at its top.
"""

from dataclasses import dataclass, field
from functools import cache

from django.db.models import (
    Case,
    Count,
    F,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from comments.models import Comment

# Threads a page of a section holds.
THREADS_PER_PAGE = 10
# Comments of a thread shown on a section's page, its first included; the whole thread has a
# page of its own. The oldest comments of a thread always form a thread: a reply comes after
# what it answers.
SHOWN_PER_THREAD = 10
# The section of comments that answer no question.
GENERAL = "general"
OLDEST_FIRST = [F("created_at").asc(), F("id").asc()]
# The orders a section's threads can be read in, by the name `?sort=` gives them
# (Article.DiscussionOrder); each ends on a unique column so pages never overlap.
THREAD_ORDERS = {
    "oldest": OLDEST_FIRST,
    "newest": [F("created_at").desc(), F("id").desc()],
    "recommended": [F("recommend_count").desc(), *OLDEST_FIRST],
    "picks": [
        Case(When(picked_at__isnull=False, then=Value(0)), default=Value(1)),
        *OLDEST_FIRST,
    ],
}
DEFAULT_ORDER = "oldest"


@dataclass(frozen=True)
class Reading:
    """The part of a discussion a page shows: every section's first page (the default), one
    page of the section `section` (a question's pk, or GENERAL), or the thread `thread`."""

    section: int | str | None = None
    page: int = 1
    thread: int | None = None
    # How the sections' threads are sorted: a key of THREAD_ORDERS.
    sort: str = DEFAULT_ORDER

    @property
    def whole(self):
        return self.section is None and self.thread is None


@dataclass
class ThreadNode:
    """A comment's place in a thread: its stored card and the replies under it."""

    pk: int
    parent_id: int | None
    question_id: int | None
    visible: bool
    card_html: str
    # Empty for a placeholder, whose author is not shown.
    author_name: str
    picked: bool = False
    recommend_count: int = 0
    # The comment it answers, where the depth limit made it a reply to another (attach_to).
    in_reply_to_id: int | None = None
    replies: list["ThreadNode"] = field(default_factory=list)
    # For a thread's first comment: how many of the thread's comments are not shown.
    unshown: int = 0


@dataclass
class Section:
    """A question's answers, or the general discussion (`question` None), as one page shows
    them."""

    question: object
    number: int | None
    threads: list[ThreadNode] = field(default_factory=list)
    # The comments the editors picked in the whole section, first picked first.
    picks: list[ThreadNode] = field(default_factory=list)
    # Threads in the whole section, placeholders included: what it pages by.
    thread_count: int = 0
    page: int = 1

    @property
    def key(self):
        return self.question.pk if self.question else GENERAL

    @property
    def anchor(self):
        return f"question-{self.question.pk}" if self.question else "general-discussion"

    @property
    def pages(self):
        return max(1, -(-self.thread_count // THREADS_PER_PAGE))

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def later_threads(self):
        """Threads on the pages after this one."""
        return max(0, self.thread_count - self.page * THREADS_PER_PAGE)


@dataclass
class Discussion:
    reading: Reading
    sections: list[Section]  # those the page shows, questions first
    found: bool = True  # False when the page or thread asked for does not exist

    @property
    def general(self):
        return next((section for section in self.sections if section.question is None), None)

    @property
    def questions(self):
        return [section for section in self.sections if section.question is not None]


def build_discussion(article, reading=Reading()):
    """The part of the discussion under `article` that `reading` names. Visible comments show;
    removed ones keep their place as placeholders so replies keep their context."""
    numbers = {question.pk: n for n, question in enumerate(article.question_list, start=1)}
    sections = {
        question.pk: Section(question, numbers[question.pk], page=reading.page)
        for question in article.question_list
    }
    sections[None] = Section(None, None, page=reading.page)
    comments = Comment.objects.filter(article=article)
    if article.pick_count and reading.thread is None:
        picks = comments.visible().filter(picked_at__isnull=False)
        if not reading.whole:
            picks = picks.filter(question=None if reading.section == GENERAL else reading.section)
        for row in picks.in_threads().order_by("picked_at", "id"):
            if row["question_id"] in sections:
                sections[row["question_id"]].picks.append(_node(row))
    if reading.thread is not None:
        rows = list(
            comments.filter(Q(pk=reading.thread, parent__isnull=True) | Q(root=reading.thread))
            .in_threads("root_id")
            .order_by(*OLDEST_FIRST)
        )
        if not rows or rows[0]["id"] != reading.thread:
            return Discussion(reading, [], found=False)
        section = sections[rows[0]["question_id"]]
        section.threads = _threads(rows)
        return Discussion(reading, [section])

    roots = _section_roots(reading.sort).filter(article=article)
    if not reading.whole:
        question = None if reading.section == GENERAL else reading.section
        roots = roots.filter(question=question)
        sections = {question: sections[question]}
    # Which threads start on this page, and how many each section has: narrow rows only.
    first = (reading.page - 1) * THREADS_PER_PAGE
    page_roots = roots.filter(position__gt=first, position__lte=first + THREADS_PER_PAGE)
    root_ids = []
    for pk, question_id, section_size in page_roots:
        sections[question_id].thread_count = section_size
        root_ids.append(pk)
    found = reading.whole or reading.page == 1 or bool(root_ids)
    if root_ids:
        # The threads' comments, the first few of each kept by their rank in the thread (the
        # root first), with the thread's size. Found by their roots and the article, which
        # both databases read by an index (an OR with a subquery made PostgreSQL read every
        # comment, and SQLite, without statistics, reads every approved one for want of the
        # article).
        rows = (
            _thread_rows()
            .filter(article=article)
            .filter(Q(pk__in=root_ids) | Q(root__in=root_ids), rank__lte=SHOWN_PER_THREAD)
        )
        # Replies come oldest first; the threads themselves in the page's order.
        place = {pk: index for index, pk in enumerate(root_ids)}
        for root in sorted(_threads(rows), key=lambda root: place[root.pk]):
            sections[root.question_id].threads.append(root)
    return Discussion(reading, _in_order(sections), found)


# The two queries of a page of threads, built once for each order: building them (the
# windows, the rule of which comments hold a place) took a third of the time they cost, and a
# query is copied by each filter that completes it.
@cache
def _section_roots(sort):
    """The first comments of threads holding a place, each with its position in its section
    in the order `sort` (a key of THREAD_ORDERS) and the section's size; for one article."""
    return (
        Comment.objects.filter(parent__isnull=True)
        .holding_a_place()
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("question")],
                order_by=THREAD_ORDERS.get(sort, OLDEST_FIRST),
            ),
            section_size=Window(Count("pk"), partition_by=[F("question")]),
        )
        .order_by("position")
        .values_list("pk", "question_id", "section_size")
    )


@cache
def _thread_rows():
    """The comments of threads as ThreadNodes are built from (Comment.objects.in_threads),
    each with its rank in its thread (the root first, then oldest first) and the thread's
    size; for the threads of one article's page."""
    thread = Coalesce("root", "pk")
    return (
        Comment.objects.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[thread],
                order_by=[F("root").asc(nulls_first=True), *OLDEST_FIRST],
            ),
            thread_size=Window(Count("pk"), partition_by=[thread]),
        )
        .in_threads("root_id", "thread_size")
        .order_by(*OLDEST_FIRST)
    )


def _threads(rows):
    """The thread roots among `rows` (oldest first, so a parent comes before its replies),
    each with its replies under it."""
    nodes, roots = {}, []
    for row in rows:
        node = nodes[row["id"]] = _node(row)
        if row["root_id"] is None:
            node.unshown = max(0, (row.get("thread_size") or 0) - SHOWN_PER_THREAD)
            roots.append(node)
        else:
            # A reply whose parent holds no place (spam without replies) joins the thread's root.
            (nodes.get(node.parent_id) or nodes[row["root_id"]]).replies.append(node)
    return roots


def _node(row):
    return ThreadNode(
        pk=row["id"],
        parent_id=row["parent_id"],
        question_id=row["question_id"],
        visible=row["status"] == Comment.Status.APPROVED,
        card_html=row["card_html"],
        author_name=row["public_name"],
        picked=row["picked_at"] is not None,
        recommend_count=row["recommend_count"],
        in_reply_to_id=row["in_reply_to_id"],
    )


def _in_order(sections):
    return sorted(sections.values(), key=lambda section: section.number or float("inf"))


def discussion_for(article, reading=Reading()):
    """build_discussion once per article object and reading: a page may show the discussion
    in several places (the threads, their counts) and should query it once."""
    cached = getattr(article, "_discussions", None)
    if cached is None:
        cached = article._discussions = {}
    if reading not in cached:
        cached[reading] = build_discussion(article, reading)
    return cached[reading]
