from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from articles.importing import ArticleFormatError, parse_article, save_parsed_article


class Command(BaseCommand):
    help = (
        "Import an article from a text file in the article format (see "
        "fixtures/mistral-article.txt). Creates the article, or updates the one with the same "
        "slug: title, body, summary, category, tags and discussion questions."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish the article.")
        parser.add_argument("--slug", help="Slug to use instead of one made from the title.")
        parser.add_argument("--byline", default="", help="Author line shown under the title.")
        parser.add_argument(
            "--published-at",
            help="Publication time with --publish (ISO 8601, e.g. 2026-06-02T08:00:00Z); "
            "default: kept if already set, else now.",
        )

    def handle(self, *args, path, publish, slug, byline, published_at, **options):
        try:
            parsed = parse_article(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except (ArticleFormatError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error

        when = None
        if published_at:
            when = parse_datetime(published_at)
            if when is None or when.tzinfo is None:
                raise CommandError("--published-at needs an ISO 8601 time with a time zone.")

        try:
            article, created = save_parsed_article(
                parsed, slug=slug, byline=byline, publish=publish, published_at=when
            )
        except ArticleFormatError as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(
            f"{'Created' if created else 'Updated'} {article.get_status_display().lower()} "
            f"article {article.slug!r}: {len(parsed.paragraphs)} paragraphs, "
            f"{len(parsed.questions)} questions, {len(parsed.tags)} tags, "
            f"filed under {article.category}."
        )
