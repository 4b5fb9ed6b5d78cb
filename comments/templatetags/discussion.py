from django import template
from django.db.models import Count

from articles.structured_data import json_ld_script, news_article
from comments.discussion import discussion_for
from comments.forms import MAX_ID, CommentForm
from comments.held import held_comments
from comments.models import Comment
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

    The page passes `comment_form` when it shows a rejected form; otherwise a new form
    is made, answering `?question=` or replying to `?reply_to=` when those are valid.
    A staff preview (`preview` in the context) shows the discussion without the form.
    """
    request = context["request"]
    thread = discussion_for(article)
    form = context.get("comment_form")
    if form is None:
        initial = {}
        if (reply_to := _small_id(request.GET.get("reply_to"))) in thread.comments:
            initial["parent"] = reply_to
        if (question := _small_id(request.GET.get("question"))) is not None:
            initial["question"] = question
        form = CommentForm(article=article, initial=initial)
    preview = context.get("preview", False)
    return {
        "article": article,
        "article_url": article.get_absolute_url(),
        "preview": preview,
        "can_post": article.comments_open and not preview,
        "discussion": thread,
        "form": form,
        "replying_to": thread.comments.get(_small_id(form["parent"].value())),
        "held_comments": held_comments(request, article),
        "csrf_token": context.get("csrf_token"),
    }


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
