from django.shortcuts import get_object_or_404
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


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().for_article_page()
