import tarfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from snapshots import database, media


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a snapshot written by backup_database, in "
        "one transaction, and empty the cache. Whatever was written since the snapshot was "
        "taken is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The snapshot, as backup_database wrote it.")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file, interactive, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no snapshot at {path}.")
        if interactive:
            answer = input(
                f"This replaces everything in the database {connection.settings_dict['NAME']} "
                f"with {path}; whatever was written since that snapshot is lost. "
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled; the database is unchanged.")
        try:
            database.restore(path)
        except database.SnapshotError as error:
            raise CommandError(error) from error
        try:
            restored = media.restore(path)
        except (OSError, tarfile.TarError, SuspiciousOperation) as error:
            raise CommandError(
                f"Restored the database, but not the uploaded files: {error}"
            ) from error
        # Pages cached since the snapshot show what the restore took away.
        cache.clear()
        self.stdout.write(f"Restored the database from {path}; emptied the cache.")
        if restored is None:
            missing = media.archive_path(path)
            self.stdout.write(f"No uploaded files to restore ({missing} is missing).")
        elif media.local_folder() is None:
            self.stdout.write(
                f"Uploaded {restored:,} files of {media.archive_path(path)} into "
                f"the bucket at {settings.MEDIA_URL} (those it did not have)."
            )
        else:
            self.stdout.write(f"Restored {restored:,} uploaded files into the media folder.")
