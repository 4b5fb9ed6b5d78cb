from django import template
from django.conf import settings
from django.db.models import Count
from django.utils.functional import SimpleLazyObject

from articles.structured_data import json_ld_script, news_article
from comments.discussion import discussion_for
from comments.forms import MAX_ID, CommentForm
from comments.held import held_comments
from comments.models import Comment
from comments.rendering import render_threads
from comments.structured_data import discussion_json_ld

register = template.Library()


def _small_id(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


@register.inclusion_tag("comments/_discussion.html", takes_context=True)
def discussion(context, article):
    """The comments under an article, by question, with the "Post a Comment" form.

    The threads are cached with the article's page (see articles/caching.py) and only read
    from the database when the cached copy is out of date; the form and the reader's own
    held comments are made for each reader.

    The page passes `comment_form` when it shows a rejected form; otherwise a new form
    is made, answering `?question=` or replying to `?reply_to=` when those are valid.
    A staff preview (`preview` in the context) shows the discussion without the form.
    """
    request = context["request"]
    form = context.get("comment_form")
    if form is None:
        replying_to = _replying_to(article, request.GET.get("reply_to"))
        initial = {"parent": replying_to and replying_to.pk}
        if (question := _small_id(request.GET.get("question"))) is not None:
            initial["question"] = question
        form = CommentForm(article=article, initial=initial)
    else:
        replying_to = _replying_to(article, form["parent"].value())
    preview = context.get("preview", False)
    return {
        "article": article,
        "article_url": article.get_absolute_url(),
        "preview": preview,
        "can_post": article.comments_open and not preview,
        "discussion": SimpleLazyObject(lambda: discussion_for(article)),
        "cache_timeout": settings.PAGE_CACHE_TIMEOUT,
        "form": form,
        "replying_to": replying_to,
        "held_comments": held_comments(request, article),
        "csrf_token": context.get("csrf_token"),
    }


def _replying_to(article, parent):
    """The visible comment a reply form answers, if `parent` names one of this article's."""
    if (pk := _small_id(parent)) is None:
        return None
    return Comment.objects.visible().filter(article=article, pk=pk).only("author_name").first()


@register.simple_tag(takes_context=True)
def comment_threads(context, threads):
    """Threads of comments as list items (see comments/rendering.py)."""
    return render_threads(threads, article_url=context["article_url"], can_post=context["can_post"])


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """The article's NewsArticle JSON-LD with its discussion, from the page's one query
    for comments."""
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    data = {**news_article(article, url), **discussion_json_ld(discussion_for(article), url)}
    return json_ld_script(data)


@register.filter
def with_comment_counts(articles):
    """Pairs of (article, number of visible comments), counted in one query."""
    articles = list(articles)
    counts = dict(
        Comment.objects.visible()
        .filter(article__in=articles)
        .values_list("article")
        .annotate(count=Count("id"))
        .order_by()
    )
    return [(article, counts.get(article.pk, 0)) for article in articles]
