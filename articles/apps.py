from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import signals  # noqa: F401 (connects the receivers)
        from mistralnews import site_url  # noqa: F401 (registers the SITE_URL check)
