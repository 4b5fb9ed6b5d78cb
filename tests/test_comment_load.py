"""Readers posting comments at once to gunicorn's two workers, and the workers crashing
mid-way: every acknowledged comment is stored, exactly once. Runs bench/comment_load.py and
bench/comment_crash.py at a reduced size (`make test-load`; `make load` runs the full size)."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.load


def bench(script, *args, tmp_path):
    """Run bench/`script` with `args`; its figures. Its report shows with pytest's -rP."""
    figures = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, f"bench/{script}", *args, "--json", str(figures)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(figures.read_text())


def test_comments_from_eight_readers_at_once_are_all_stored_exactly_once(tmp_path):
    database = "postgres" if connection.vendor == "postgresql" else "sqlite"

    figures = bench(
        "comment_load.py", "--clients", "8", "--posts", "200", "--database", database,
        tmp_path=tmp_path,
    )  # fmt: skip

    assert figures["acknowledged"] == figures["stored"] == 200
    assert figures["lost"] == figures["duplicates"] == figures["misplaced"] == 0
    assert figures["errors"] == {}
    assert figures["status_5xx"] == figures["database_locked"] == 0
    assert figures["server_log_errors"] == 0


def test_comments_acknowledged_before_the_servers_are_killed_survive_the_crash(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the crash test is about SQLite's file; `make test-load` runs it on SQLite")

    figures = bench("comment_crash.py", "--clients", "8", "--posts", "400", tmp_path=tmp_path)

    assert figures["acknowledged_before_kill"] >= 80  # the kill comes after 80 to 320
    assert figures["lost"] == figures["duplicates"] == figures["incomplete"] == 0
    assert figures["left_running"] == []
    assert figures["integrity_check"] == "ok"
    assert figures["restart"] == {"article_page": 200, "new_comment": 303, "stored": True}
