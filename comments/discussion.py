"""The discussion under an article, organised by question and built from one query."""

from dataclasses import dataclass, field

from comments.models import Comment


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


@dataclass
class QuestionSection:
    question: object
    number: int
    threads: list[ThreadNode] = field(default_factory=list)

    @property
    def answer_count(self):
        return sum(thread.visible for thread in self.threads)


@dataclass
class Discussion:
    sections: list[QuestionSection]
    general: list[ThreadNode]
    count: int  # the visible comments


def build_discussion(article):
    """The threads under `article`: one section per question, then the rest. Visible
    comments show; removed ones keep their place as placeholders so replies keep context."""
    nodes = {}
    roots = []
    for row in Comment.objects.in_threads().filter(article=article):
        # Oldest first, so a parent comes before its replies.
        node = ThreadNode(
            pk=row["id"],
            parent_id=row["parent_id"],
            question_id=row["question_id"],
            visible=row["status"] == Comment.Status.APPROVED,
            card_html=row["card_html"],
            author_name=row["public_name"],
        )
        nodes[node.pk] = node
        parent = nodes.get(node.parent_id)
        (parent.replies if parent else roots).append(node)

    sections = [
        QuestionSection(question, number)
        for number, question in enumerate(article.question_list, start=1)
    ]
    section_of = {section.question.pk: section for section in sections}
    general = []
    for root in roots:
        section = section_of.get(root.question_id)
        (section.threads if section else general).append(root)
    count = sum(node.visible for node in nodes.values())
    return Discussion(sections, general, count)


def discussion_for(article):
    """build_discussion once per article object: a page may show the discussion in several
    places (the threads, their counts, metadata) and should query it once."""
    if not hasattr(article, "_discussion"):
        article._discussion = build_discussion(article)
    return article._discussion
