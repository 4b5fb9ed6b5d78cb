from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        # Register their system checks, and the receipt's after-commit listener.
        from comments import editing, moderation, receipts  # noqa: F401
