"""The sitemap: the front page, every published article, and every category and tag page
that lists one."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles.models import Article, Category, public_tags


class FrontPageSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:index"]

    def location(self, name):
        return reverse(name)


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at", "published_at")

    def lastmod(self, article):
        return article.modified_at


class CategorySitemap(Sitemap):
    def items(self):
        return (
            Category.objects.filter(articles__in=Article.objects.published())
            .annotate(newest=Max("articles__published_at"))
            .order_by("name")
        )

    def lastmod(self, category):
        return category.newest


class TagSitemap(Sitemap):
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
