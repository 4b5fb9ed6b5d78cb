"""The discussion under an article, organised by question and built from one query."""

from dataclasses import dataclass, field

from comments.models import Comment


@dataclass
class QuestionSection:
    question: object
    number: int
    threads: list = field(default_factory=list)

    @property
    def answer_count(self):
        return sum(thread.is_visible for thread in self.threads)


@dataclass
class Discussion:
    sections: list
    general: list
    comments: dict  # the visible comments, by id

    @property
    def count(self):
        return len(self.comments)


def build_discussion(article):
    """The threads under `article`: one section per question, then the rest. Visible
    comments show; removed ones keep their place as placeholders so replies keep context."""
    in_thread = {}
    roots = []
    for comment in Comment.objects.in_threads().filter(article=article):
        # Oldest first, so a parent comes before its replies.
        if comment.is_visible:
            # in_threads() loads these under other names (a placeholder's are never loaded);
            # a visible comment gets its own fields back, so pages and metadata read them.
            comment.author_name, comment.body_html = comment.public_name, comment.public_html
        comment.thread_replies = []
        in_thread[comment.pk] = comment
        parent = in_thread.get(comment.parent_id)
        (parent.thread_replies if parent else roots).append(comment)

    sections = [
        QuestionSection(question, number)
        for number, question in enumerate(article.question_list, start=1)
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
    visible = {pk: comment for pk, comment in in_thread.items() if comment.is_visible}
    return Discussion(sections, general, visible)


def discussion_for(article):
    """build_discussion once per article object: a page may show the discussion in several
    places (the threads, their counts, metadata) and should query it once."""
    if not hasattr(article, "_discussion"):
        article._discussion = build_discussion(article)
    return article._discussion
