"""The threads of a discussion as HTML, assembled from each comment's stored card
(comments/cards.py): a page can hold hundreds of comments, and a template per comment took
most of its rendering time. What is added here is what a card cannot know: the list items
that nest the replies, the Reply link (only where readers may post), the collapse of long
reply lists and the link to a thread's own page, and a reader's Edit and Withdraw links under
their own comments: cards are shared by every reader, so these are added only to the page
made for that reader, never to a card or a shared copy."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# Replies shown under a comment before the rest are collapsed (a <details>, no script needed).
OPEN_REPLIES = 2


def render_threads(threads, *, article_url, can_post, collapse=True, own=None):
    """`threads` (ThreadNodes with their replies, from comments.discussion) as the items of an
    <ol>. Cards are stored HTML, made by a template from sanitized text. With `collapse`, a
    comment's replies after the first OPEN_REPLIES are folded away. `own`: {pk: editable} of
    the reader's own comments, each given a Withdraw link, and an Edit link while editable."""
    html = []
    own = own or {}
    for node in threads:
        _render_node(node, html, article_url, can_post, collapse, own)
    return mark_safe("".join(html))  # noqa: S308 (format_html parts and stored cards)


def _render_node(node, html, article_url, can_post, collapse, own):
    html.append(format_html('<li class="comment" id="comment-{}">', node.pk))
    html.append(node.card_html)
    if node.visible and node.pk in own:
        html.append(_own_links(node.pk, editable=own[node.pk]))
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
    shown = node.replies[:OPEN_REPLIES] if collapse else node.replies
    folded = node.replies[len(shown) :]
    if shown:
        _render_list(shown, html, article_url, can_post, collapse, own)
    if folded:
        html.append(
            format_html(
                '<details class="thread__folded"><summary>{} more repl{}</summary>',
                len(folded),
                "y" if len(folded) == 1 else "ies",
            )
        )
        _render_list(folded, html, article_url, can_post, collapse, own)
        html.append("</details>")
    if node.unshown:
        html.append(
            format_html(
                '<a class="thread__whole" href="{}?thread={}#comment-{}">Read the whole thread '
                "({} more comment{})</a>",
                article_url,
                node.pk,
                node.pk,
                node.unshown,
                "" if node.unshown == 1 else "s",
            )
        )
    html.append("</li>")


def _render_list(nodes, html, article_url, can_post, collapse, own):
    html.append('<ol class="thread">')
    for node in nodes:
        _render_node(node, html, article_url, can_post, collapse, own)
    html.append("</ol>")


def _own_links(pk, *, editable):
    """The links of a reader's own comment: Edit (while `editable`) and Withdraw."""
    links = [("withdraw", "Withdraw")]
    if editable:
        links.insert(0, ("edit", "Edit"))
    return format_html(
        '<p class="comment__own">{}</p>',
        format_html_join(
            " ",
            '<a href="{}" rel="nofollow" aria-label="{} your comment">{}</a>',
            ((reverse(f"comments:{name}", args=[pk]), label, label) for name, label in links),
        ),
    )
