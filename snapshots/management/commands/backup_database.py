from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from snapshots import database, media


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database while the site keeps serving: SQLite's "
        "online backup, or pg_dump's custom format on PostgreSQL, and the uploaded images beside "
        "it (FILE.media.tar). Without FILE it goes into backups/, named by the time (UTC)."
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
            archive, count = media.back_up(path)
        except database.SnapshotError as error:
            raise CommandError(error) from error
        self.stdout.write(f"Backed up the database to {path} ({path.stat().st_size:,} bytes).")
        self.stdout.write(f"Backed up {count:,} uploaded files to {archive}.")
