"""The uploaded files (lead images and their variants) beside a database snapshot.

A snapshot `NAME` gets `NAME.media.tar`, written under a temporary name and renamed when
complete, like the snapshot. Files are only ever added under new names (a replaced image is a
new file), so a copy taken just after the database holds every file the snapshot refers to.
A restore puts the archive's files back, leaving newer files alone.

Only files in a folder of this machine (Django's FileSystemStorage, MEDIA_ROOT) are backed up:
a bucket (MEDIA_S3_BUCKET) is shared by every machine and backed up where it is kept. A restore
into a site whose files are in a bucket uploads the archive's files into it, through the
storage API, under the names the database knows them by.
"""

import tarfile
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage


def archive_path(snapshot):
    """Where the media archive of the database snapshot `snapshot` (a Path) is."""
    return snapshot.with_name(f"{snapshot.name}.media.tar")


def local_folder():
    """The folder of this machine that holds the uploaded files, or None when they are kept
    elsewhere (a bucket)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def back_up(snapshot):
    """Write the uploaded files beside `snapshot`; answer the archive's path and how many
    files it holds, or None when they are not on this machine (local_folder())."""
    root = local_folder()
    if root is None:
        return None
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
    without an archive). Only regular files are restored, and only inside the media folder
    ("data" filter) or the bucket (the storage refuses names that climb out of it)."""
    path = archive_path(snapshot)
    if not path.is_file():
        return None
    root = local_folder()
    with tarfile.open(path) as archive:
        members = [member for member in archive.getmembers() if member.isfile()]
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)
            archive.extractall(root, members=members, filter="data")
            return len(members)
        restored = 0
        for member in members:
            if not default_storage.exists(member.name):
                with archive.extractfile(member) as content:
                    default_storage.save(member.name, content)
                restored += 1
        return restored
