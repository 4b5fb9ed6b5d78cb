from django.urls import path, register_converter

from articles import feeds, views

# The article page itself joins this app and comments: mistralnews/urls.py adds it here.
app_name = "articles"


class YearConverter:
    regex = "[0-9]{4}"
    to_python = int

    def to_url(self, year):
        return f"{int(year):04d}"


class MonthConverter:
    regex = "0[1-9]|1[0-2]"
    to_python = int

    def to_url(self, month):
        return f"{int(month):02d}"


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")

urlpatterns = [
    path("", views.ArticleIndexView.as_view(), name="index"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/rss/", feeds.LatestArticlesRssFeed(), name="feed_rss"),
    path("tags/<slug:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("category/<slug:slug>/", views.CategoryArticleListView.as_view(), name="category"),
    path("category/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("archive/<year:year>/", views.ArticleYearArchiveView.as_view(), name="archive_year"),
    path(
        "archive/<year:year>/<month:month>/",
        views.ArticleMonthArchiveView.as_view(),
        name="archive_month",
    ),
]
