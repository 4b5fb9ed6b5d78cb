"""The threads of a discussion as HTML, built in Python rather than with a template include
per comment: a page can hold thousands of comments, and the includes took most of its
rendering time (README, "Performance"). The markup is lean for the same reason: styles
hang on the structure, and links within the page are fragments."""

from datetime import UTC
from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe


def render_threads(threads, *, article_url, can_post):
    """`threads` (comments with their `thread_replies`, from comments.discussion) as the
    items of an <ol>. Comment text is the stored, sanitized `body_html`."""
    html = []
    clock = (timezone.get_current_timezone(), [str(name).title() for name in MONTHS_3.values()])
    for comment in threads:
        _render_comment(comment, html, article_url, can_post, clock)
    return mark_safe("".join(html))  # noqa: S308 (names escaped here, bodies sanitized on save)


def _render_comment(comment, html, article_url, can_post, clock):
    pk = comment.pk
    zone, months = clock
    posted = comment.created_at.astimezone(zone)
    shown = f"{posted.day} {months[posted.month - 1]} {posted.year}, {posted:%H:%M}"
    machine = f"{comment.created_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    permalink = f'<a href="#comment-{pk}"><time datetime="{machine}">{shown}</time></a>'
    html.append(f'<li class="comment" id="comment-{pk}">')
    if comment.is_visible:
        name = escape(comment.author_name)
        html.append(f'<article><p class="comment__meta"><b>{name}</b> {permalink}')
        if number := getattr(comment, "question_number", None):
            html.append(f' <span class="comment__answers">answering question {number}</span>')
        html.append(f'</p><div class="comment__text">{comment.body_html}</div>')
        if can_post:
            html.append(
                f'<a class="comment__reply" href="{article_url}?reply_to={pk}#post-comment" '
                f'aria-label="Reply to {name}">Reply</a>'
            )
        html.append("</article>")
    else:
        reason = f" ({escape(comment.removal_reason)})" if comment.removal_reason else ""
        html.append(
            f'<p class="comment__removed">Comment removed by the moderators{reason}. '
            f"{permalink}</p>"
        )
    if comment.thread_replies:
        html.append('<ol class="thread">')
        for reply in comment.thread_replies:
            _render_comment(reply, html, article_url, can_post, clock)
        html.append("</ol>")
    html.append("</li>")
