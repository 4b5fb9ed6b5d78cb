"""The discussion under an article: a section per question, then the general discussion,
each paged by its threads, so a page holds a bounded part of a discussion of any length.

A page reads one of three things (a Reading): the first page of every section, one page of one
section, or one whole thread. Its comments come from two queries: the threads that start on
the page (with their sections' sizes), then the comments of those threads.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

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


@dataclass(frozen=True)
class Reading:
    """The part of a discussion a page shows: every section's first page (the default), one
    page of the section `section` (a question's pk, or GENERAL), or the thread `thread`."""

    section: int | str | None = None
    page: int = 1
    thread: int | None = None

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
        question.pk: Section(question, numbers[question.pk]) for question in article.question_list
    }
    sections[None] = Section(None, None)
    if reading.thread is not None:
        return _one_thread(article, reading, sections)

    comments = Comment.objects.filter(article=article)
    roots = comments.filter(parent__isnull=True)
    if not reading.whole:
        question = None if reading.section == GENERAL else reading.section
        roots = roots.filter(question=question)
        sections = {question: sections[question]}
    first = (reading.page - 1) * THREADS_PER_PAGE
    by_section = {"partition_by": [F("question")], "order_by": OLDEST_FIRST}
    page_roots = (
        roots.annotate(
            position=Window(RowNumber(), **by_section),
            section_size=Window(Count("pk"), partition_by=[F("question")]),
        )
        .filter(position__gt=first, position__lte=first + THREADS_PER_PAGE)
        .in_threads("section_size")
        .order_by(*OLDEST_FIRST)
    )
    for section in sections.values():
        section.page = reading.page
    threads = {}
    for row in page_roots:
        section = sections[row["question_id"]]
        section.thread_count = row["section_size"]
        threads[row["id"]] = _node(row)
        section.threads.append(threads[row["id"]])
    _add_replies(threads, comments.filter(root__in=list(threads)), shown=SHOWN_PER_THREAD)
    found = reading.whole or reading.page == 1 or bool(threads)
    return Discussion(reading, _in_order(sections), found)


def _one_thread(article, reading, sections):
    rows = list(
        Comment.objects.filter(article=article)
        .filter(Q(pk=reading.thread, parent__isnull=True) | Q(root=reading.thread))
        .in_threads()
        .order_by(*OLDEST_FIRST)
    )
    if not rows or rows[0]["id"] != reading.thread:
        return Discussion(reading, [], found=False)
    root = _node(rows[0])
    section = sections[root.question_id]
    section.threads = [root]
    _add_replies({root.pk: root}, rows[1:], shown=None)
    return Discussion(reading, [section])


def _add_replies(threads, replies, *, shown):
    """Put `replies` (a queryset, or rows already read) under their `threads`: at most `shown`
    comments of each thread, its first included, or all of them."""
    if not threads:
        return
    if shown is not None:
        thread_order = {"partition_by": [F("root")], "order_by": OLDEST_FIRST}
        replies = (
            replies.annotate(
                rank=Window(RowNumber(), **thread_order),
                thread_size=Window(Count("pk"), partition_by=[F("root")]),
            )
            .filter(rank__lt=shown)
            .in_threads("root_id", "thread_size")
            .order_by(*OLDEST_FIRST)
        )
    nodes = dict(threads)
    for row in replies:
        node = _node(row)
        root_id = row.get("root_id") or next(iter(threads))
        if shown is not None:
            threads[root_id].unshown = max(0, row["thread_size"] - (shown - 1))
        # A reply whose parent holds no place (spam without replies of its own) joins the root.
        parent = nodes.get(node.parent_id) or threads[root_id]
        parent.replies.append(node)
        nodes[node.pk] = node


def _node(row):
    return ThreadNode(
        pk=row["id"],
        parent_id=row["parent_id"],
        question_id=row["question_id"],
        visible=row["status"] == Comment.Status.APPROVED,
        card_html=row["card_html"],
        author_name=row["public_name"],
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
