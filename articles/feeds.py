"""Atom and RSS feeds of the published articles: the whole site, one tag, one category.

Atom is the main format (`/feed/`, and the only one for tags and categories: every feed
reader takes it); the site feed also has RSS 2.0 at `/feed/rss/` for older readers.

Every address in a feed is on the site's origin (SITE_URL), whatever Host the feed was asked
for on, so an entry's id never changes; links in entries' HTML are absolute too.
"""

import hashlib

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.views.decorators.http import condition

from articles.models import Article, Category, public_tags
from mistralnews.site_url import absolute_links, absolute_url

FEED_SIZE = 20


class AtomWithContent(Atom1Feed):
    """Atom with each entry's full HTML in <content>, beside the plain-text <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class RssWithContent(Rss201rev2Feed):
    """RSS 2.0 with each item's full HTML in <content:encoded>."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class SiteFeed(Feed):
    """A feed with every address on SITE_URL: Django's would take the request's Host.

    `link()` and `item_link()` give absolute URLs (Django adds the request's host only to
    paths); the feed's own address is made here.
    """

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["feed_url"] = absolute_url(request.path)
        return feed

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_page(self, item):
        """The page the entry's text is shown on, which its relative addresses refer to."""
        return self.item_link(item)

    def item_extra_kwargs(self, item):
        """The entry's full HTML, its links and images absolute: a feed reader shows it away
        from its page, and may not resolve relative addresses against it."""
        return {"content_html": absolute_links(item.body_html, base=self.item_page(item))}


class LatestArticlesFeed(SiteFeed):
    """The newest published articles: summary, full sanitized body, author, dates, tags.

    A feed reader that sends If-None-Match or If-Modified-Since gets 304 Not Modified from
    one small query (the newest items' ids and dates), before the feed is built.
    """

    feed_type = AtomWithContent

    def link(self):
        return absolute_url(reverse("articles:index"))

    def title(self):
        return settings.SITE_NAME

    def description(self):
        return f"The newest articles on {settings.SITE_NAME}."

    def subtitle(self, obj):
        return self._get_dynamic_attr("description", obj)

    def articles(self, **url_kwargs):
        """This feed's published articles, found from the URL alone."""
        return Article.objects.published()

    def items(self, obj):
        url_kwargs = {"slug": obj.slug} if obj is not None else {}
        return self.articles(**url_kwargs).for_listing()[:FEED_SIZE]

    def __call__(self, request, *args, **kwargs):
        newest = list(
            self.articles(**kwargs).only("updated_at", "published_at", "revised_at")[:FEED_SIZE]
        )
        if not newest:  # nothing to compare: an unknown tag must still be 404, not 304
            return super().__call__(request, *args, **kwargs)
        fingerprint = repr([request.path, *((a.pk, a.updated_at) for a in newest)]).encode()
        etag = hashlib.sha256(fingerprint).hexdigest()[:32]
        # The date the Feed puts in Last-Modified: the newest item's modification.
        last_modified = max(article.modified_at for article in newest)
        conditional = condition(
            etag_func=lambda *args, **kwargs: etag,
            last_modified_func=lambda *args, **kwargs: last_modified,
        )
        return conditional(super().__call__)(request, *args, **kwargs)

    def item_title(self, article):
        return article.title

    def item_extra_kwargs(self, article):
        """The body, then its dated corrections, as on the article page."""
        html = article.body_html + article.corrections_html
        return {"content_html": absolute_links(html, base=self.item_page(article))}

    def item_description(self, article):
        return escape(article.excerpt)  # <summary type="html">: plain text, so escaped

    def item_author_name(self, article):
        return article.byline or settings.SITE_NAME

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_categories(self, article):
        return [tag.name for tag in article.tag_list]


class LatestArticlesRssFeed(LatestArticlesFeed):
    feed_type = RssWithContent


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(public_tags(), slug=slug)

    def articles(self, slug):
        return Article.objects.published().filter(tags__slug=slug)

    def title(self, tag):
        return f"#{tag.name} · {settings.SITE_NAME}"

    def link(self, tag):
        return absolute_url(reverse("articles:tag", args=[tag.slug]))

    def description(self, tag):
        return f"The newest articles tagged #{tag.name} on {settings.SITE_NAME}."


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category.objects.public(), slug=slug)

    def articles(self, slug):
        return Article.objects.published().filter(category__slug=slug)

    def title(self, category):
        return f"{category.name} · {settings.SITE_NAME}"

    def link(self, category):
        return absolute_url(category.get_absolute_url())

    def description(self, category):
        return category.description or (
            f"The newest articles filed under {category.name} on {settings.SITE_NAME}."
        )
