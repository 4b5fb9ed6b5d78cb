"""The site's addresses. The article page joins the articles and comments apps, so its
addresses are added to the `articles` namespace here, where both apps meet."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from articles import urls as articles_urls
from articles.sitemaps import SITEMAPS
from articles.sitemaps import index as sitemap_index
from mistralnews import article_page
from mistralnews.health import healthz
from mistralnews.two_factor import two_factor_view

article_pages = [
    path("articles/<slug:slug>/", article_page.article_view, name="detail"),
    path("articles/<slug:slug>/preview/", article_page.preview_view, name="preview"),
    path("articles/<slug:slug>/comments/", article_page.comments_view, name="comments"),
]

urlpatterns = [
    path("admin/two-factor/", two_factor_view, name="two_factor"),
    # The desk's own pages first: under /admin/ too, where the admin would answer 404.
    path("admin/desk/", include("desk.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The index, which robots.txt names, and the sitemap of each section, paged (?p=2).
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    path("", include(([*articles_urls.urlpatterns, *article_pages], articles_urls.app_name))),
    path("", include("comments.urls")),
    path("notices/", include("notices.urls")),
]

# Uploaded images under `make run` (DEBUG only: static() adds nothing otherwise); in production
# the reverse proxy serves MEDIA_ROOT (deploy/nginx.conf).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
