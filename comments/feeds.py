"""The Atom feed of an article's approved comments, each naming the question it answers."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.views.decorators.http import conditional_page

from articles.feeds import AtomWithContent, SiteFeed
from articles.models import Article
from comments.models import Comment
from mistralnews.site_url import absolute_url

FEED_SIZE = 50


class ArticleCommentsFeed(SiteFeed):
    """The newest approved comments under one published article."""

    feed_type = AtomWithContent

    # Comments record no moderation time, so no date or cheap fingerprint can tell that an
    # editor approved an older comment: the ETag hashes the built feed, and there is no
    # Last-Modified for a reader to compare dates against.
    @method_decorator(conditional_page)
    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        del response.headers["Last-Modified"]
        return response

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, article):
        return f"Comments on “{article.title}” · {settings.SITE_NAME}"

    def link(self, article):
        return absolute_url(f"{article.get_absolute_url()}#discussion")

    def subtitle(self, article):
        return f"Readers' answers to the questions of “{article.title}”, and their replies."

    def items(self, article):
        comments = list(
            Comment.objects.visible()
            .filter(article=article)
            .select_related("question")
            .only(
                "article", "author_name", "body_html", "created_at", "edited_at", "question__text"
            )
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )
        for comment in comments:  # its link needs the article: no query per comment
            comment.article = article
        return comments

    def item_page(self, comment):
        return absolute_url(comment.article.get_absolute_url())

    def item_title(self, comment):
        topic = comment.question.text if comment.question else "General discussion"
        return f"{comment.author_name} on “{topic}”"

    def item_description(self, comment):
        return escape(comment.excerpt)  # <summary type="html">: plain text, so escaped

    def item_author_name(self, comment):
        return comment.author_name

    def author_name(self, article):
        # Each entry names its author; the feed names the site, so that it has an author
        # while it has no entry.
        return settings.SITE_NAME

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.modified_at
