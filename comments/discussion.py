"""The discussion under an article, organised by question and built from one query."""

from dataclasses import dataclass, field

from comments.models import Comment

# What the page prints; the body's Markdown and the author's email are never loaded.
THREAD_FIELDS = [
    "id", "article_id", "parent_id", "question_id", "depth", "author_name", "body_html",
    "status", "created_at",
]  # fmt: skip


@dataclass
class QuestionSection:
    question: object
    number: int
    threads: list = field(default_factory=list)

    @property
    def answer_count(self):
        return len(self.threads)


@dataclass
class Discussion:
    sections: list
    general: list
    comments: dict

    @property
    def count(self):
        return len(self.comments)


def build_discussion(article):
    """Visible comments of `article` as threads: one section per question, then the rest."""
    comments = Comment.objects.visible().filter(article=article).only(*THREAD_FIELDS)
    by_id = {}
    roots = []
    for comment in comments:  # oldest first, so a parent comes before its replies
        comment.thread_replies = []
        by_id[comment.pk] = comment
        parent = by_id.get(comment.parent_id)
        (parent.thread_replies if parent else roots).append(comment)

    sections = [
        QuestionSection(question, number)
        for number, question in enumerate(article.questions.all(), start=1)
    ]
    section_of = {section.question.pk: section for section in sections}
    general = []
    for root in roots:
        section = section_of.get(root.question_id)
        if section is None:
            general.append(root)
        else:
            root.question_number = section.number
            section.threads.append(root)
    return Discussion(sections, general, by_id)


def discussion_for(article):
    """build_discussion once per article object: a page may show the discussion in several
    places (the threads, their counts, metadata) and should query it once."""
    if not hasattr(article, "_discussion"):
        article._discussion = build_discussion(article)
    return article._discussion
