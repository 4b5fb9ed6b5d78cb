"""The sitemaps: an index (`/sitemap.xml`) naming one sitemap per section, each paged by
Django's framework (`?p=2`, LIMIT addresses a page): the front page, every published
article, the year and month archives that have articles, and every category and tag page
that lists one, each on the site's origin (SITE_URL).

A sitemap page costs the same few queries however many articles there are: its items carry
what `lastmod` needs, and the index asks each sitemap for its latest `lastmod` in one
aggregate query (Django's default reads every item to find it).
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap, views
from django.db.models import Max
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.functional import cached_property

from articles.models import Article, Category, modified_at, public_tags
from mistralnews.site_url import absolute_url

# Addresses per sitemap page: a page renders in well under 200 ms at this size (measured in
# docs/performance.md), and 10,000 articles make ten pages.
LIMIT = 1000


class SiteSitemap(Sitemap):
    """A sitemap whose addresses are on SITE_URL, where Django's view would take the
    request's scheme and Host."""

    limit = LIMIT

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
        # Oldest first, so a new article adds to the last page and the others keep theirs.
        return (
            Article.objects.published()
            .only("slug", "published_at", "revised_at")
            .order_by("published_at", "id")
        )

    def lastmod(self, article):
        return article.modified_at

    def get_latest_lastmod(self):
        return Article.objects.published().latest_modification()


class ArchiveSitemap(SiteSitemap):
    """The year and month archives that have articles, each modified when its latest
    article appeared or was revised: one grouped query, read once for the items and the
    index's latest lastmod."""

    @cached_property
    def entries(self):
        months = (
            Article.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .order_by("month")
            .values("month")
            .annotate(latest=Max(modified_at()))
            .values_list("month", "latest")
        )
        years, entries = {}, []
        for month, latest in months:
            years[month.year] = max(latest, years.get(month.year, latest))
            path = reverse("articles:archive_month", args=[month.year, month.month])
            entries.append((path, latest))
        paths = [
            (reverse("articles:archive_year", args=[year]), latest)
            for year, latest in years.items()
        ]
        return paths + entries

    def items(self):
        return self.entries

    def location(self, entry):
        return entry[0]

    def lastmod(self, entry):
        return entry[1]

    def get_latest_lastmod(self):
        return max((latest for _, latest in self.entries), default=None)


class CategorySitemap(SiteSitemap):
    def items(self):
        return (
            Category.objects.filter(articles__in=Article.objects.published())
            .annotate(newest=Max("articles__published_at"))
            .order_by("name")
        )

    def lastmod(self, category):
        return category.newest

    def get_latest_lastmod(self):
        newest = Article.objects.published().aggregate(newest=Max("published_at"))
        return newest["newest"]


class TagSitemap(SiteSitemap):
    def items(self):
        return public_tags().order_by("name")

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


SITEMAPS = {
    "pages": FrontPageSitemap,
    "articles": ArticleSitemap,
    "archives": ArchiveSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}


def index(request, sitemaps):
    """Django's sitemap index, naming each sitemap (and each of its pages) on SITE_URL: Django's
    view names them on the request's scheme and Host."""
    response = views.index(request, sitemaps, sitemap_url_name="sitemap_section")
    for entry in response.context_data["sitemaps"]:
        _, _, path, query, _ = urlsplit(entry.location)
        entry.location = absolute_url(urlunsplit(("", "", path, query, "")))
    return response
