from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Realistic data sets for measuring the site at size (`manage.py generate_newsroom`).
    It has no models, pages or URLs; it imports articles and comments, and nothing imports it."""

    name = "newsroom"
    verbose_name = "Newsroom data sets"
