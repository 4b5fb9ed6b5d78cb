"""The threads of a discussion as HTML, assembled from each comment's stored card
(comments/cards.py): a page can hold hundreds of comments, and a template per comment took
most of its rendering time. What is added here is what a card cannot know: the list items
that nest the replies, the Reply link (only where readers may post), "in reply to" where the
depth limit moved a reply away from the comment it answers, the collapse of long reply lists,
the link to a thread's own page, an editor's Pick button (on their own pages only), and a
reader's Edit and Withdraw links under their own comments: cards are shared by every reader,
so these are added only to the page made for that reader, never to a card or a shared copy."""

from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from comments.discussion import ThreadNode

# Replies shown under a comment before the rest are collapsed (a <details>, no script needed).
OPEN_REPLIES = 2
# A comment id no URL pattern holds otherwise, replaced in a reversed address.
REVERSED_PK = 918273645


def render_threads(
    threads, *, article_url, can_post, collapse=True, curating=None, pending=None, own=None
):
    """`threads` (ThreadNodes with their replies, from comments.discussion) as the items of an
    <ol>. Cards are stored HTML, made by a template from sanitized text. With `collapse`, a
    comment's replies after the first OPEN_REPLIES are folded away. `curating`: the CSRF
    token of an editor's own page, which then has a Pick button on each visible comment.
    `pending`: the reader's own replies awaiting moderation, by parent, shown under it.
    `own`: {pk: editable} of the reader's own comments, each given a Withdraw link, and an Edit
    link while editable."""
    html = []
    # Each comment's report address, from one reverse() (a page may hold 2,000 comments).
    report_url = reverse("comments:report", args=[REVERSED_PK]).replace(str(REVERSED_PK), "{}")
    for node in threads:
        # The comment a reply answers is older, in its thread: shown whenever the reply is.
        names = {}
        _collect_names(node, names)
        page = (
            html, article_url, can_post, collapse, names, curating, report_url, pending or {},
            own or {},
        )  # fmt: skip
        _render_node(node, page)
    return mark_safe("".join(html))  # noqa: S308 (format_html parts and stored cards)


def render_picks(picks, *, curating=None):
    """The editors' picks of a section (ThreadNodes without their replies) as the items of an
    <ol>, each with a link to its place in its thread."""
    html = []
    for node in picks:
        html.append('<li class="comment comment--pick">')
        html.append(node.card_html)
        html.append(
            format_html(
                '<a class="comment__in-thread" href="{}">Read it in its thread</a>',
                reverse("comments:permalink", args=[node.pk]),
            )
        )
        if curating:
            html.append(_curate_button(node, curating))
        html.append("</li>")
    return mark_safe("".join(html))  # noqa: S308 (format_html parts and stored cards)


def render_posted(comment, *, article_url, editable=None):
    """A comment just posted, for the discussion's script to put under the comment it
    answers without reloading the page: its list item as a page shows it (with its author's
    Edit and Withdraw links unless `editable` is None), or, while it awaits moderation, its
    author's notice."""
    if comment.status != comment.Status.APPROVED:
        return render_pending_reply(comment)
    node = ThreadNode(
        pk=comment.pk,
        parent_id=comment.parent_id,
        question_id=comment.question_id,
        visible=True,
        card_html=comment.card_html,
        author_name=comment.author_name,
    )
    own = {} if editable is None else {comment.pk: editable}
    return render_threads([node], article_url=article_url, can_post=True, own=own)


def render_pending_reply(reply):
    """A reader's own reply awaiting moderation, as shown to them under its parent."""
    return format_html(
        '<div class="notice" id="comment-{}" role="status"><p><strong>Your comment is '
        "awaiting moderation.</strong> Only you can see this reply until an editor "
        'approves it.</p><div class="prose notice__text">{}</div></div>',
        reply.pk,
        mark_safe(reply.body_html),  # noqa: S308 (sanitized when it was saved)
    )


def _collect_names(node, names):
    names[node.pk] = node.author_name
    for reply in node.replies:
        _collect_names(reply, names)


def _reader_controls(node, article_url, report_url):
    """Reply, Recommend and Report under a visible comment, in one piece of markup (a page
    holds hundreds). Recommend is a button of the page's one recommend form
    (comments/_discussion.html), with the count as of the page's making
    (comments.recommending)."""
    count = node.recommend_count
    name = conditional_escape(node.author_name)
    return format_html(
        '<a class="comment__reply" href="{}?reply_to={}#post-comment" rel="nofollow" '
        'aria-label="Reply to {}">Reply</a>'
        ' <button class="comment__recommend" form="recommend-form" name="comment" value="{}" '
        'aria-label="Recommend the comment by {} (again to take it back)">Recommend</button>{}'
        ' <a class="comment__report" href="{}" rel="nofollow" '
        'aria-label="Report the comment by {}">Report</a>',
        article_url,
        node.pk,
        name,
        node.pk,
        name,
        format_html(
            ' <span class="comment__recommends">{} recommendation{}</span>',
            count,
            "" if count == 1 else "s",
        )
        if count
        else "",
        report_url.format(node.pk),
        name,
    )


def _curate_button(node, csrf_token):
    action, label = ("unpick", "Unpick") if node.picked else ("pick", "Pick")
    return format_html(
        '<form class="comment__curate" method="post" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="button button--small" name="action" value="{}" '
        'aria-label="{} the comment by {}">{}</button></form>',
        reverse("comments:pick", args=[node.pk]),
        csrf_token,
        action,
        label,
        node.author_name,
        label,
    )


def _render_node(node, page):
    html, article_url, can_post, collapse, names, curating, report_url, pending, own = page
    html.append(format_html('<li class="comment" id="comment-{}">', node.pk))
    answered = node.in_reply_to_id
    if answered and answered != node.parent_id:
        name = names.get(answered)
        html.append(
            format_html(
                '<p class="comment__in-reply-to"><a href="#comment-{}">In reply to {}</a></p>',
                answered,
                name or "a comment no longer shown",
            )
        )
    html.append(node.card_html)
    if node.visible and node.pk in own:
        html.append(_own_links(node.pk, editable=own[node.pk]))
    if curating and node.visible:
        html.append(_curate_button(node, curating))
    if can_post and node.visible:
        html.append(_reader_controls(node, article_url, report_url))
    for reply in pending.get(node.pk, ()):
        html.append(render_pending_reply(reply))
    shown = node.replies[:OPEN_REPLIES] if collapse else node.replies
    folded = node.replies[len(shown) :]
    if shown:
        _render_list(shown, page)
    if folded:
        html.append(
            format_html(
                '<details class="thread__folded"><summary>{} more repl{}</summary>',
                len(folded),
                "y" if len(folded) == 1 else "ies",
            )
        )
        _render_list(folded, page)
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


def _render_list(nodes, page):
    html = page[0]
    html.append('<ol class="thread">')
    for node in nodes:
        _render_node(node, page)
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
