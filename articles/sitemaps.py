"""The sitemap: the front page, every published article, and every category and tag page
that lists one, each on the site's origin (SITE_URL)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles.models import Article, Category, public_tags


class SiteSitemap(Sitemap):
    """A sitemap whose addresses are on SITE_URL, where Django's view would take the
    request's scheme and Host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class FrontPageSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:index"]

    def location(self, name):
        return reverse(name)


class ArticleSitemap(SiteSitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at", "published_at")

    def lastmod(self, article):
        return article.modified_at


class CategorySitemap(SiteSitemap):
    def items(self):
        return (
            Category.objects.filter(articles__in=Article.objects.published())
            .annotate(newest=Max("articles__published_at"))
            .order_by("name")
        )

    def lastmod(self, category):
        return category.newest


class TagSitemap(SiteSitemap):
    def items(self):
        return public_tags().order_by("name")

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


SITEMAPS = {
    "pages": FrontPageSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
