from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        # Register their system checks.
        from comments import editing, moderation  # noqa: F401
