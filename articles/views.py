from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, Category


class PublishedArticlesMixin:
    """Every public list starts from the published articles."""

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
        return Article.objects.for_article_page()


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().for_article_page()
