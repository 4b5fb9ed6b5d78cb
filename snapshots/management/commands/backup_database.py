from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from snapshots import database, media


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database while the site keeps serving: SQLite's "
        "online backup, or pg_dump's custom format on PostgreSQL, and the uploaded images beside "
        "it (FILE.media.tar) unless they are kept in a bucket. Without FILE it goes into "
        "backups/, named by the time (UTC)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write it; it must not exist yet.")

    def handle(self, *args, file=None, **options):
        try:
            if file is None:
                taken = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                path = settings.BASE_DIR / "backups" / f"mistralnews-{taken}{database.suffix()}"
            else:
                path = Path(file)
            if path.exists():
                raise CommandError(f"{path} already exists; name another file.")
            path.parent.mkdir(parents=True, exist_ok=True)
            database.back_up(path)
            # After the database: every file a row of the snapshot names exists by then.
            media_backup = media.back_up(path)
        except database.SnapshotError as error:
            raise CommandError(error) from error
        self.stdout.write(f"Backed up the database to {path} ({path.stat().st_size:,} bytes).")
        if media_backup is None:
            self.stdout.write(
                f"Uploaded files are kept in the bucket at {settings.MEDIA_URL}, not on this "
                'machine: back them up there (docs/operations.md, "Media on an S3-compatible '
                'bucket").'
            )
        else:
            archive, count = media_backup
            self.stdout.write(f"Backed up {count:,} uploaded files to {archive}.")
