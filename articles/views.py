import datetime
from urllib.parse import urlencode

from django.db.models import Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import ListView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from articles.models import Article, Category, TagRedirect
from articles.paging import IdsFirstPaginator, ids_first
from articles.search import clean_query, search_articles
from freshness.models import ListVersion
from freshness.pages import Audience, audience, caching_on, page_key, per_reader, serve_shared
from freshness.versions import ARTICLE_LISTS, list_version


class CachedListMixin:
    """A list page, served from the cache while what it shows has the same versions
    (`listed_versions`; freshness.pages), and until the next scheduled article appears. For
    a list of articles, that is the same articles as of the same versions: a comment changes
    its article's entry, not the other pages."""

    def get(self, request, *args, **kwargs):
        def render(placeholder=None):
            return super(CachedListMixin, self).get(request, *args, **kwargs)

        if audience(request) is Audience.PER_READER:
            return per_reader(render())
        if not caching_on():
            return render()
        page = request.GET.get(self.page_kwarg, "1")
        if not (page.isdigit() and int(page) > 0):
            return render()  # not a page number: a 404, never cached
        key = page_key("list", request.path, *self.listed_versions(int(page)))
        return serve_shared(request, key, render, expires=next_publication_time)

    def listed_versions(self, page):
        """What the page shows, in one query: the list's version and each article's id and
        version, in order."""
        per_page = self.get_paginate_by(None)
        lists = ListVersion.objects.filter(name=ARTICLE_LISTS).values("value")[:1]
        rows = (
            ids_first(self.listed(), (page - 1) * per_page, page * per_page)
            .annotate(lists=Subquery(lists))
            .values_list("lists", "pk", "version")
        )
        # An empty page (past the end, or an empty list) still changes with the lists.
        return [value for row in rows for value in row] or [list_version(ARTICLE_LISTS)]

    def listed(self):
        """The articles this list shows, in order."""
        return self.get_queryset()


def next_publication_time():
    """When the next scheduled article appears, and lists change by themselves."""
    scheduled = Article.objects.scheduled().order_by("published_at")
    return scheduled.values_list("published_at", flat=True).first()


class PublishedArticlesMixin(CachedListMixin):
    """Every public list starts from the published articles, and is cached."""

    paginate_by = 10
    paginator_class = IdsFirstPaginator
    template_name = "articles/article_list.html"

    def get_queryset(self):
        # A card shows no body: without it a deep page skips narrow rows (OFFSET reads every
        # row it skips).
        return Article.objects.published().for_listing().defer("body", "body_html")


class ArticleIndexView(PublishedArticlesMixin, ListView):
    pass


class TagArticleListView(PublishedArticlesMixin, ListView):
    # A tag only drafts use is not public yet.
    allow_empty = False

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Looked for only when there is no such page: a tag merged into another.
            moved = TagRedirect.objects.filter(old_slug=kwargs["slug"]).select_related("tag")
            if (found := moved.first()) is None:
                raise
            return redirect("articles:tag", found.tag.slug, permanent=True)

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def listed(self):
        return Article.objects.published().filter(tags__slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class CategoryArticleListView(PublishedArticlesMixin, ListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category.objects.public(), slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def listed(self):
        return Article.objects.published().filter(category__slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class SearchView(ListView):
    """`/search/?q=`: the form, and the published articles that match, ten a page."""

    paginate_by = 10
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q"))
        results = search_articles(self.query) if self.query else None
        return Article.objects.none() if results is None else results

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.query, page_query=urlencode({"q": self.query}), **kwargs
        )


class ArchiveMixin(PublishedArticlesMixin):
    date_field = "published_at"
    make_object_list = True
    allow_future = False

    def listed(self):
        start = self.period_start()
        return self.get_queryset().filter(
            published_at__gte=self._make_date_lookup_arg(start),
            published_at__lt=self._make_date_lookup_arg(self.period_end(start)),
        )


class ArticleYearArchiveView(ArchiveMixin, YearArchiveView):
    """A year's articles by month, newest first, fifty a page."""

    paginate_by = 50
    template_name = "articles/archive_year.html"

    def get_queryset(self):
        # A line per article: its body is not needed.
        return Article.objects.published().select_related("category").defer("body", "body_html")

    def period_start(self):
        return datetime.date(self.get_year(), 1, 1)

    def period_end(self, start):
        return self._get_next_year(start)

    def get_allow_empty(self):
        # The footer links to this year, which has no articles yet on 1 January.
        return self.get_year() == timezone.localdate().year

    # The page lists every year that has articles, which says more than next and previous.
    def get_next_year(self, date):
        return None

    def get_previous_year(self, date):
        return None

    def get_context_data(self, **kwargs):
        years = Article.objects.published().publication_years()
        return super().get_context_data(archive_years=years, **kwargs)


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    month_format = "%m"

    def period_start(self):
        return datetime.date(self.get_year(), self.get_month(), 1)

    def period_end(self, start):
        return self._get_next_month(start)

    # The months before and after that have articles, one small query each (Django's own look
    # loads a whole article, with its prefetched tags, for each).
    def get_next_month(self, date):
        start = self.period_end(date.replace(day=1))
        after = Article.objects.published().filter(
            published_at__gte=self._make_date_lookup_arg(start)
        )
        return self._month_of(after.order_by("published_at", "id"))

    def get_previous_month(self, date):
        start = self._make_date_lookup_arg(date.replace(day=1))
        before = Article.objects.published().filter(published_at__lt=start)
        return self._month_of(before.order_by("-published_at", "-id"))

    @staticmethod
    def _month_of(articles):
        moment = articles.values_list("published_at", flat=True).first()
        if moment is None:
            return None
        return timezone.localtime(moment).date().replace(day=1)
