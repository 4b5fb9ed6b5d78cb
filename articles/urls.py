from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleIndexView.as_view(), name="index"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("articles/<slug:slug>/preview/", views.ArticlePreviewView.as_view(), name="preview"),
    path("tags/<slug:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("category/<slug:slug>/", views.CategoryArticleListView.as_view(), name="category"),
]
