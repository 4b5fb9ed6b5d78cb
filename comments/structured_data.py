"""An article's discussion as schema.org items, joined to its NewsArticle JSON-LD."""

from django.db.models import BooleanField, Case, Value, When

from articles.structured_data import iso_datetime
from comments.models import Comment

# The newest comments only, as plain text cut to Comment.excerpt: commentCount carries the
# total and the page itself shows every comment, so hundreds of them need not be repeated here.
JSON_LD_COMMENTS = 10


def newest_comments(article):
    """The article's newest visible comments for its JSON-LD, each knowing whether the comment
    it replies to is visible too (`parent_visible`)."""
    return list(
        Comment.objects.visible()
        .filter(article=article)
        .annotate(
            parent_visible=Case(
                When(parent__status=Comment.Status.APPROVED, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .only("id", "author_name", "created_at", "body_html", "parent_id", "question_id")
        .order_by("-created_at", "-id")[:JSON_LD_COMMENTS]
    )


def discussion_json_ld(discussion, newest, url):
    """commentCount, the `newest` comments and the article's questions, for the article at
    `url`.

    The questions are schema.org Questions: the editors ask them and readers answer in
    comments, which is what a Question with answerCount says; a DiscussionForumPosting
    would make them readers' posts. Each comment's parentItem is the comment it replies to
    or the question it answers.
    """

    def question_id(pk):
        return f"{url}#question-{pk}"

    def comment_id(pk):
        return f"{url}#comment-{pk}"

    comments = []
    for comment in newest:
        item = {
            "@type": "Comment",
            "@id": comment_id(comment.pk),
            "url": comment_id(comment.pk),
            "author": {"@type": "Person", "name": comment.author_name},
            "dateCreated": iso_datetime(comment.created_at),
            "text": comment.excerpt,
        }
        if comment.parent_visible:
            item["parentItem"] = {"@id": comment_id(comment.parent_id)}
        elif comment.question_id:
            item["parentItem"] = {"@id": question_id(comment.question_id)}
        comments.append(item)
    return {
        "commentCount": discussion.count,
        "comment": comments,
        "hasPart": [
            {
                "@type": "Question",
                "@id": question_id(section.question.pk),
                "name": section.question.text,
                "answerCount": section.answer_count,
            }
            for section in discussion.sections
        ],
    }
