from django.apps import AppConfig
from django.conf import settings
from django.utils.functional import lazy


def _desk_name():
    return f"{settings.SITE_NAME} desk"


class DeskConfig(AppConfig):
    """The editors' desk: the Django admin as editors use it, joining the articles and comments
    apps (the article list with comment counts), the Editors group and its command."""

    name = "desk"
    verbose_name = "Editors' desk"

    def ready(self):
        from django.contrib import admin

        admin.site.site_header = admin.site.site_title = lazy(_desk_name, str)()
