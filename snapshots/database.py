"""Consistent snapshots of the site's database, taken while it serves, and putting one back.

SQLite: the online backup API copies the database within one read transaction, so the snapshot
is the database as it was at one moment, while the site keeps reading and writing (WAL); a
restore copies a snapshot back the same way, in one write transaction. PostgreSQL: pg_dump
(custom format) reads one consistent snapshot, and pg_restore puts it back in one transaction.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing

from django.db import connection

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}


class SnapshotError(Exception):
    """A snapshot could not be written or restored; the message says why."""


def suffix():
    """How the names of this database's snapshots end."""
    return _for_this_database(SUFFIXES)


def back_up(path):
    """Write a consistent snapshot of the database to the file `path`. It gets that name only
    when complete, so a file by that name is never a partial snapshot."""
    write = _for_this_database({"sqlite": _back_up_sqlite, "postgresql": _dump_postgresql})
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def restore(path):
    """Replace everything in the database with the snapshot in the file `path`, in one
    transaction: anything written since the snapshot was taken is gone."""
    _for_this_database({"sqlite": _restore_sqlite, "postgresql": _restore_postgresql})(path)


def _for_this_database(choices):
    if connection.vendor not in choices:
        raise SnapshotError(f"Snapshots of {connection.vendor} databases are not supported.")
    return choices[connection.vendor]


def _back_up_sqlite(path):
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as snapshot:
        connection.connection.backup(snapshot)
        # One self-contained file, without the -wal and -shm files of WAL mode.
        snapshot.execute("PRAGMA journal_mode=DELETE")


def _restore_sqlite(path):
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as snapshot:
        try:
            check = snapshot.execute("PRAGMA integrity_check").fetchone()[0]
            migrated = snapshot.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as error:
            raise SnapshotError(f"{path} is not an SQLite database ({error}).") from error
        if check != "ok":
            raise SnapshotError(f"{path} is damaged: {check}")
        if not migrated:
            raise SnapshotError(f"{path} is not a snapshot of this site's database.")
        connection.ensure_connection()
        snapshot.backup(connection.connection)


def _dump_postgresql(path):
    _run_postgresql_tool("pg_dump", "--format=custom", f"--file={path}")


def _restore_postgresql(path):
    _run_postgresql_tool(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--single-transaction",
        # What is restored belongs to the site's database user, whoever owned it before.
        "--no-owner",
        "--no-privileges",
        f"--dbname={connection.settings_dict['NAME']}",
        str(path),
    )


def _run_postgresql_tool(program, *arguments):
    binary = shutil.which(program)
    if binary is None:
        raise SnapshotError(
            f"{program} is missing: install PostgreSQL's client programs (Debian: "
            "postgresql-client) of the server's major version or newer."
        )
    result = subprocess.run(  # noqa: S603 (our arguments, no shell)
        [binary, "--no-password", *arguments],
        env=_libpq_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SnapshotError(f"{program} failed: {result.stderr.strip()}")


def _libpq_environment():
    """The connection settings as libpq's environment variables, so that no password appears
    on a command line."""
    database = connection.settings_dict
    _, secrets = connection.client.settings_to_cmd_args_env(database, [])
    where = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGDATABASE": "NAME"}
    return {
        **os.environ,
        **(secrets or {}),
        **{name: str(database[key]) for name, key in where.items() if database.get(key)},
    }
