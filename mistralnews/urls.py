from django.contrib import admin
from django.urls import include, path

admin.site.site_header = admin.site.site_title = "mistralnews desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
]
