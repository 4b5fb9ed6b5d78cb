import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from outbox.schedule import run_due

logger = logging.getLogger(__name__)


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
        if every is None:
            self.run_once(options["verbosity"])
            return
        while True:
            try:
                self.run_once(options["verbosity"])
            except DatabaseError:
                # A database that is away or busy for a moment: the next pass tries again.
                logger.exception("Periodic jobs could not run")
            # As a request would: drop a connection the database closed meanwhile.
            close_old_connections()
            time.sleep(every)

    def run_once(self, verbosity):
        for name in run_due():
            if verbosity > 1:
                self.stdout.write(f"Ran {name}")
