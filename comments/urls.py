from django.urls import path

from comments import feeds, views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post, name="post"),
    path("articles/<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="feed"),
]
