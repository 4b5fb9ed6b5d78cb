"""An article's discussion as schema.org items, joined to its NewsArticle JSON-LD."""

from django.conf import settings
from django.db.models import BooleanField, Case, Value, When

from articles.structured_data import iso_datetime
from comments.models import Comment
from mistralnews.site_url import absolute_url

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
        .only(
            "id",
            "author_name",
            "created_at",
            "edited_at",
            "body_html",
            "parent_id",
            "question_id",
            "by_staff",
        )
        .order_by("-created_at", "-id")[:JSON_LD_COMMENTS]
    )


def author(comment):
    """A comment's author as a schema.org Person; an editor's (posted as staff, which only
    their session can do) a member of the site's organisation."""
    person = {"@type": "Person", "name": comment.author_name}
    if comment.by_staff:
        person["memberOf"] = {"@type": "Organization", "name": settings.SITE_NAME}
    return person


def discussion_json_ld(article, newest, url):
    """commentCount, the `newest` comments and the questions of `article`, whose page is at
    `url`, from the counts the article and its questions keep.

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
            "url": absolute_url(comment.get_absolute_url()),
            "author": author(comment),
            "dateCreated": iso_datetime(comment.created_at),
            "text": comment.excerpt,
        }
        if comment.edited_at:
            item["dateModified"] = iso_datetime(comment.edited_at)
        if comment.parent_visible:
            item["parentItem"] = {"@id": comment_id(comment.parent_id)}
        elif comment.question_id:
            item["parentItem"] = {"@id": question_id(comment.question_id)}
        comments.append(item)
    return {
        "commentCount": article.comment_count,
        "comment": comments,
        "hasPart": [
            {
                "@type": "Question",
                "@id": question_id(question.pk),
                "name": question.text,
                "answerCount": question.answer_count,
            }
            for question in article.question_list
        ],
    }
