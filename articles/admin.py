from django.contrib import admin

from articles.models import Article, Category, DiscussionQuestion


class DiscussionQuestionInline(admin.TabularInline):
    model = DiscussionQuestion
    extra = 1


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "category"]
    list_filter = ["status", "category"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DiscussionQuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")
