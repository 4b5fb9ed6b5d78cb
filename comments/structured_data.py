"""An article's discussion as schema.org items, joined to its NewsArticle JSON-LD."""

# The newest comments only, as plain text cut to Comment.excerpt: commentCount carries the
# total and the page itself shows every comment, so 200 of them need not be repeated here.
JSON_LD_COMMENTS = 10


def discussion_json_ld(discussion, url):
    """commentCount, the newest comments and the article's questions, for the article at
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

    newest = list(discussion.comments.values())[-JSON_LD_COMMENTS:][::-1]
    comments = []
    for comment in newest:
        item = {
            "@type": "Comment",
            "@id": comment_id(comment.pk),
            "url": comment_id(comment.pk),
            "author": {"@type": "Person", "name": comment.author_name},
            "dateCreated": comment.created_at,
            "text": comment.excerpt,
        }
        if comment.parent_id in discussion.comments:
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
