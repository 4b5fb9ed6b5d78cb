"""The uploaded files (MEDIA_ROOT: lead images and their variants) beside a database snapshot.

A snapshot `NAME` gets `NAME.media.tar`, written under a temporary name and renamed when
complete, like the snapshot. Files are only ever added under new names (a replaced image is a
new file), so a copy taken just after the database holds every file the snapshot refers to.
A restore puts the archive's files back into MEDIA_ROOT, leaving newer files there alone.
"""

import tarfile
from pathlib import Path

from django.conf import settings


def archive_path(snapshot):
    """Where the media archive of the database snapshot `snapshot` (a Path) is."""
    return snapshot.with_name(f"{snapshot.name}.media.tar")


def back_up(snapshot):
    """Write MEDIA_ROOT's files beside `snapshot`; answer the archive's path and how many
    files it holds."""
    root = Path(settings.MEDIA_ROOT)
    path = archive_path(snapshot)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    count = 0
    try:
        with tarfile.open(partial, "w") as archive:
            if root.is_dir():
                for file in sorted(root.rglob("*")):
                    if file.is_file():
                        archive.add(file, arcname=str(file.relative_to(root)))
                        count += 1
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path, count


def restore(snapshot):
    """Put back the files of `snapshot`'s media archive, if it has one; answer how many (None
    without an archive). Only regular files under MEDIA_ROOT are extracted ("data" filter)."""
    path = archive_path(snapshot)
    if not path.is_file():
        return None
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path) as archive:
        members = [member for member in archive.getmembers() if member.isfile()]
        archive.extractall(root, members=members, filter="data")
    return len(members)
