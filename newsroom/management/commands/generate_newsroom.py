from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsroom.generate import AlreadyGenerated, Size, generate


class Command(BaseCommand):
    help = (
        "Fill the database with the newsroom data set, for measuring the site at size: "
        "articles over several years with tags, sections and discussion questions, comments "
        "over a long tail of them with one hot article, threads four deep, and a moderation "
        "history. The same seed, --now and secret key (addresses are hashed with it) always "
        "make the same rows. Does nothing when the database already holds a newsroom data set."
    )

    def add_arguments(self, parser):
        default = Size()
        parser.add_argument("--articles", type=int, default=default.articles)
        parser.add_argument("--comments", type=int, default=default.comments)
        parser.add_argument(
            "--hot-comments",
            type=int,
            default=default.hot_comments,
            help="comments on the one hot article (part of --comments)",
        )
        parser.add_argument("--tags", type=int, default=default.tags)
        parser.add_argument("--years", type=int, default=default.years)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            help="the moment the data set is written as of (ISO 8601); default: today at "
            "midnight UTC, so that runs on one day agree",
        )

    def handle(self, *args, articles, comments, hot_comments, tags, years, seed, now, **options):
        if min(articles, comments, hot_comments, tags, years) < 0 or years == 0:
            raise CommandError("Sizes cannot be negative, and --years is at least 1.")
        if now is not None and timezone.is_naive(now):
            now = now.replace(tzinfo=UTC)
        size = Size(articles, comments, min(hot_comments, comments), tags, years)
        log = self.stdout.write if options["verbosity"] > 1 else (lambda message: None)
        try:
            figures = generate(size, seed=seed, now=now, log=log)
        except AlreadyGenerated as error:
            self.stdout.write(f"{error} Nothing to do.")
            return
        if options["verbosity"]:
            for name, value in figures.items():
                shown = f"{value:,}" if isinstance(value, int) else value
                self.stdout.write(f"{name}: {shown}")
