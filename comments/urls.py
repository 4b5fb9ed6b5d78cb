from django.urls import path

from comments import feeds, views

app_name = "comments"

urlpatterns = [
    path("moderation/", views.ModerationLogView.as_view(), name="moderation_log"),
    path("moderation/<int:pk>/", views.moderation_event, name="moderation_event"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("comments/<int:pk>/pick/", views.pick_view, name="pick"),
    path("comments/recommend/", views.recommend_view, name="recommend"),
    path(
        "comments/recommendations/<int:article_id>/",
        views.recommendations_view,
        name="recommendations",
    ),
    path("comments/<int:pk>/report/", views.report_view, name="report"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("privacy/", views.privacy, name="privacy"),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("articles/<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="feed"),
]
