from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from articles.caching import CSRF_PLACEHOLDER, cached_page, has_own_cookies, page_key
from articles.models import Article, Category, ContentVersion
from articles.search import clean_query, search_articles


class CachedListMixin:
    """A list page served from the cache while nothing readers see has changed (the
    ContentVersion) and no scheduled article has appeared since it was cached."""

    def get(self, request, *args, **kwargs):
        def render():
            return super(CachedListMixin, self).get(request, *args, **kwargs)

        if not settings.PAGE_CACHE_TIMEOUT or has_own_cookies(request):
            return render()
        # The page number is the only query a list reads; other parameters make no new copy.
        page = request.GET.get(self.page_kwarg, "")
        key = page_key(request, "list", request.path, page, ContentVersion.current())
        return cached_page(request, key, render, valid_until=next_publication_time)


def next_publication_time():
    """When the next scheduled article appears, and lists change by themselves."""
    scheduled = Article.objects.scheduled().order_by("published_at")
    return scheduled.values_list("published_at", flat=True).first()


class PublishedArticlesMixin(CachedListMixin):
    """Every public list starts from the published articles, and is cached."""

    paginate_by = 10
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleIndexView(PublishedArticlesMixin, ListView):
    pass


class TagArticleListView(PublishedArticlesMixin, ListView):
    # A tag only drafts use is not public yet.
    allow_empty = False

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class CategoryArticleListView(PublishedArticlesMixin, ListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


@method_decorator(cache_control(private=True, no_cache=True), name="dispatch")
class ArticlePreviewView(DetailView):
    """Any article as readers would see it, with a draft or schedule banner: editors only.
    Everyone else gets 404, as if the page did not exist."""

    template_name = "articles/article_preview.html"
    extra_context = {"preview": True}

    def get_queryset(self):
        user = self.request.user
        if not (user.is_staff and user.has_perm("articles.view_article")):
            return Article.objects.none()
        return Article.objects.all()


class ArticleDetailView(DetailView):
    """A published article with its discussion. Readers without a query string or cookies of
    their own get the cached page, with their own CSRF token in its comment form."""

    def get_queryset(self):
        # The article alone: its category, tags, questions and comments are read only when
        # the page is rendered, not when it comes from the cache.
        return Article.objects.published()

    def get(self, request, *args, **kwargs):
        self.object = article = self.get_object()
        if not settings.PAGE_CACHE_TIMEOUT or request.GET or has_own_cookies(request):
            return self.render_to_response(self.get_context_data())
        key = page_key(request, "article", article.pk, article.cache_token)
        return cached_page(
            request,
            key,
            lambda: self.render_to_response(self.get_context_data(csrf_token=CSRF_PLACEHOLDER)),
            private=True,
        )


class SearchView(ListView):
    """`/search/?q=`: the form, and the published articles that match, ten a page."""

    paginate_by = 10
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q"))
        if not self.query:
            return Article.objects.none()
        return search_articles(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.query, page_query=urlencode({"q": self.query}), **kwargs
        )


class ArchiveMixin(PublishedArticlesMixin):
    date_field = "published_at"
    make_object_list = True
    allow_future = False


class ArticleYearArchiveView(ArchiveMixin, YearArchiveView):
    """A year's articles by month, newest first, fifty a page."""

    paginate_by = 50
    template_name = "articles/archive_year.html"

    def get_queryset(self):
        # A line per article: its body is not needed.
        return Article.objects.published().select_related("category").defer("body", "body_html")

    def get_allow_empty(self):
        # The footer links to this year, which has no articles yet on 1 January.
        return self.get_year() == timezone.localdate().year

    # The page lists every year that has articles, which says more than next and previous.
    def get_next_year(self, date):
        return None

    def get_previous_year(self, date):
        return None

    def get_context_data(self, **kwargs):
        years = Article.objects.published().dates("published_at", "year", order="DESC")
        return super().get_context_data(archive_years=[day.year for day in years], **kwargs)


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    month_format = "%m"
