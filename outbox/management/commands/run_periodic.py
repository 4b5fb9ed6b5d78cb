import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from outbox.schedule import run_due


class Command(BaseCommand):
    help = (
        "Run the periodic jobs that are due (each app's periodic.py), once, or every N "
        "seconds with --every N. Any number of runners may run at once: each job's slot runs "
        "once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="Keep running, looking for due jobs every SECONDS (e.g. 60).",
        )

    def handle(self, *args, every=None, **options):
        while True:
            for name in run_due():
                if options["verbosity"] > 1:
                    self.stdout.write(f"Ran {name}")
            if every is None:
                return
            # As a request would: drop a connection the database closed meanwhile.
            close_old_connections()
            time.sleep(every)
