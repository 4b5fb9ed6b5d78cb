"""The threads of a discussion as HTML, assembled from each comment's stored card
(comments/cards.py): a page can hold thousands of comments, and a template per comment took
most of its rendering time. What is added here is what a card cannot know: the list item
that nests the replies, and the Reply link, shown only where readers may post."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe


def render_threads(threads, *, article_url, can_post):
    """`threads` (ThreadNodes with their replies, from comments.discussion) as the items of an
    <ol>. Cards are stored HTML, made by a template from sanitized text."""
    html = []
    for node in threads:
        _render_node(node, html, article_url, can_post)
    return mark_safe("".join(html))  # noqa: S308 (format_html parts and stored cards)


def _render_node(node, html, article_url, can_post):
    html.append(format_html('<li class="comment" id="comment-{}">', node.pk))
    html.append(node.card_html)
    if can_post and node.visible:
        html.append(
            format_html(
                '<a class="comment__reply" href="{}?reply_to={}#post-comment" rel="nofollow" '
                'aria-label="Reply to {}">Reply</a>',
                article_url,
                node.pk,
                node.author_name,
            )
        )
    if node.replies:
        html.append('<ol class="thread">')
        for reply in node.replies:
            _render_node(reply, html, article_url, can_post)
        html.append("</ol>")
    html.append("</li>")
