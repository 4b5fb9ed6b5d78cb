from django.contrib import admin

from comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "article", "question", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["author_name", "author_email", "body"]
    readonly_fields = ["article", "parent", "question", "depth", "created_at"]
    list_select_related = ["article", "question"]
