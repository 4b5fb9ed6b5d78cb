"""A comment's card: its markup in a thread, made from a template when the comment changes and
stored with it (Comment.card_html), so a page with thousands of comments assembles stored
cards instead of rendering a template per comment (comments/rendering.py).

To show something new on every comment (a badge, a link), add it to the card's template and
to what `render_card` passes it; a migration that calls `render_all_cards` then brings the
stored cards up to date.
"""

from django.template.loader import render_to_string

from freshness.models import new_version

TEMPLATE = "comments/_comment_card.html"


def render_card(comment):
    """The card of `comment` (a Comment, or a historical model in a migration): its name,
    time and text while it is visible; a placeholder with the reason once it is removed or
    spam, or saying its author withdrew it; nothing while it awaits moderation, since readers
    do not see it."""
    from comments.models import Comment  # which imports this module to make cards on save

    Status = Comment.Status
    if comment.status == Status.APPROVED:
        context = {"comment": comment, "visible": True}
    elif comment.status == Status.WITHDRAWN:
        context = {"comment": comment, "visible": False, "withdrawn": True}
    elif comment.status in (Status.REMOVED, Status.SPAM):
        spam = "spam" if comment.status == Status.SPAM else ""
        context = {
            "comment": comment,
            "visible": False,
            "reason": comment.moderation_reason or spam,
        }
    else:
        return ""
    return render_to_string(TEMPLATE, context).strip()


def render_all_cards(comments, articles, batch_size=500):
    """Make the cards of `comments` (a queryset) again and store them, then renew the versions
    of `articles` (a queryset of their articles), so no cached page keeps the old cards; for
    migrations that change the card's markup."""
    batch = []
    for comment in comments.iterator(chunk_size=batch_size):
        comment.card_html = render_card(comment)
        batch.append(comment)
        if len(batch) == batch_size:
            comments.model.objects.bulk_update(batch, ["card_html"])
            batch = []
    comments.model.objects.bulk_update(batch, ["card_html"])
    articles.update(version=new_version())
