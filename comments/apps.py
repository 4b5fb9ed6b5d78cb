from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from comments import flood, moderation, signals  # noqa: F401 (signals connects)

        # Fail at start-up, under any server, rather than on a reader's first comment.
        moderation.policy()
        flood.rate_limits()
