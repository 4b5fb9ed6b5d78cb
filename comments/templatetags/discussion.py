"""Showing a discussion: its threads and its part of the article's JSON-LD. The data comes
from the article page (mistralnews/article_page.py); these only display it."""

from django import template

from articles.structured_data import json_ld_script, news_article
from comments.rendering import render_picks, render_threads
from comments.structured_data import discussion_json_ld
from mistralnews.site_url import absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_threads(context, threads):
    """Threads of comments as list items (see comments/rendering.py); a whole thread's own
    page folds nothing away."""
    return render_threads(
        threads,
        article_url=context["article_url"],
        can_post=context["can_post"],
        collapse=context["reading"].thread is None,
        curating=_curating(context),
        pending=context.get("pending_replies") or {},
        own=context.get("own_comments"),
    )


@register.simple_tag(takes_context=True)
def comment_picks(context, picks):
    """A section's editors' picks as list items (see comments/rendering.py)."""
    return render_picks(picks, curating=_curating(context))


def _curating(context):
    """The CSRF token for an editor's Pick buttons, on an editor's own page; else None."""
    return context["csrf_token"] if context.get("can_pick") else None


@register.simple_tag(takes_context=True)
def article_json_ld(context, article, newest_comments):
    """The article's NewsArticle JSON-LD with its discussion."""
    url = absolute_url(article.get_absolute_url())
    data = {**news_article(article, url), **discussion_json_ld(article, newest_comments, url)}
    return json_ld_script(data)
