from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices"

    def ready(self):
        # Registers the after-commit listeners on comments.lifecycle and the settings check.
        from notices import checks, listeners  # noqa: F401
