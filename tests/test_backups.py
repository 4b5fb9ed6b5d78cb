"""`make backup` and `make restore`: a snapshot taken while a reader keeps posting comments is
a consistent database, and restoring it brings back every row as it was. On SQLite in
`make test`, on PostgreSQL in `make test-postgres`."""

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from snapshots.database import SUFFIXES
from tests import servers
from tests.conftest import MISTRAL_SLUG

SITE = """
import sys, django
django.setup()
"""

# Every kind of row: two articles, tags, questions, comments in every status and thread
# position, moderation events, an editor in the Editors group.
POPULATE = (
    SITE
    + """
from django.contrib.auth.models import User
from django.core.management import call_command
from articles.models import Article, Category
from comments.models import Comment
from comments.moderation import moderate

call_command("migrate", "--no-input", verbosity=0)
call_command("seed", verbosity=0)
call_command("create_editor", "alice", email="alice@example.com", stdout=sys.stderr)
editor = User.objects.get(username="alice")
draft = Article.objects.create(
    title="A draft", slug="a-draft", summary="Not yet.", body="Some *Markdown*.",
    category=Category.objects.create(name="Europe", slug="europe"),
)
draft.tags.set(["drafts", "europe"])
draft.questions.create(text="Is it ready?", position=1)
mistral = Article.objects.get(slug=sys.argv[1])
question = mistral.questions.first()
comments = [
    Comment.objects.create(
        article=mistral, question=question if number % 2 else None,
        author_name=f"Reader {number}", author_email=f"reader{number}@example.com",
        body=f"Comment {number}, with **Markdown**.", ip_hash=f"{number:064x}",
        status="pending" if number > 5 else "approved",
    )
    for number in range(8)
]
reply = Comment(article=mistral, author_name="Replier", author_email="r@example.com", body="Yes.")
reply.attach_to(comments[0])
reply.save()
moderate(Comment.objects.filter(pk=comments[1].pk), "remove", editor, reason="Off topic")
moderate(Comment.objects.filter(pk=comments[2].pk), "spam", editor)
moderate(Comment.objects.filter(pk=comments[6].pk), "approve", editor)
"""
)

# A reader posting comments (saying argv[3]) one after another, printing each one's id once it
# is stored, until its stdin closes.
WRITER = (
    SITE
    + """
import threading
from articles.models import Article
from comments.models import Comment
from comments.posting import post_comment

article = Article.objects.get(slug=sys.argv[1])
closed = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), closed.set()), daemon=True).start()
for number in range(int(sys.argv[2])):
    if closed.is_set():
        break
    comment = post_comment(Comment(
        article=article, author_name="Writer", author_email="writer@example.com",
        body=f"{sys.argv[3]}, number {number}.",
    ))
    print(comment.pk, flush=True)
"""
)

# Every row of every model, as dumpdata serialises them.
ROWS = SITE + "from django.core.management import call_command\ncall_command('dumpdata')"

RESTORE = (
    SITE
    + """
from django.core.management import call_command
call_command("restore_database", sys.argv[1], interactive=False, stdout=sys.stderr)
call_command("dumpdata")
"""
)

COMMENT = "comments.comment"
WRITES_TIMEOUT = 60


def run(code, *args, env):
    """Run `code` with `args` in a process of its own; its output."""
    process = servers.python(code, *args, env=env)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


# What every comment posted changes beside the comment itself (its article's version and
# count of comments, the lists' versions): the writer's later comments change them in the
# source after the snapshot was taken.
CHANGED_BY_COMMENTS = {"version", "comment_count"}
VERSION_MODELS = {"freshness.listversion"}


def rows(dump):
    """{(model, pk): fields} from dumpdata's JSON, less what comments posted later change;
    many-to-many lists sorted."""
    return {
        (row["model"], row["pk"]): {
            name: sorted(value) if isinstance(value, list) else value
            for name, value in row["fields"].items()
            if name not in CHANGED_BY_COMMENTS
        }
        for row in json.loads(dump)
        if row["model"] not in VERSION_MODELS
    }


class Writer:
    """WRITER in a process of its own; `ids` are the comments it has stored so far."""

    def __init__(self, env, saying):
        self.process = servers.python(
            WRITER, MISTRAL_SLUG, "5000", saying, env=env, stdin=subprocess.PIPE
        )
        self.ids = []
        self.wrote = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            with self.wrote:
                self.ids.append(int(line))
                self.wrote.notify_all()

    def wait_for(self, count):
        with self.wrote:
            assert self.wrote.wait_for(lambda: len(self.ids) >= count, WRITES_TIMEOUT), (
                self.process.stderr.read() if self.process.poll() is not None else "too slow"
            )

    def stop(self):
        self.process.stdin.close()
        assert self.process.wait(timeout=WRITES_TIMEOUT) == 0, self.process.stderr.read()
        return list(self.ids)


@dataclass
class Snapshot:
    path: Path
    site: dict  # the environment of the site it was taken from
    committed_before: list  # ids of the writer's comments stored before the backup began
    written: list  # ids of every comment the writer stored, in order
    source_rows: dict  # every row of the source database once the writer had stopped


def postgresql_server():
    """The PostgreSQL server `make test-postgres` runs on, or None on SQLite."""
    return os.environ["DATABASE_URL"] if connection.vendor == "postgresql" else None


def site_env(database_url):
    return servers.production_env(
        DJANGO_SECRET_KEY="tests-only-not-a-secret",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SITE_URL="http://testserver",
        DATABASE_URL=database_url,
        COMMENTS_MODERATION="open",
        COMMENTS_RATE_LIMIT="off",
    )


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A site's database, backed up with `backup_database` while a reader keeps posting."""
    folder = tmp_path_factory.mktemp("backups")
    with servers.fresh_database(folder, postgresql_server()) as source:
        site = site_env(source)
        run(POPULATE, MISTRAL_SLUG, env=site)
        writer = Writer(site, "Posted while the backup runs")
        writer.wait_for(5)
        committed_before = list(writer.ids)
        path = folder / f"snapshot{SUFFIXES[connection.vendor]}"
        servers.manage("backup_database", str(path), env=site)
        writer.wait_for(len(writer.ids) + 5)  # and it goes on posting
        written = writer.stop()
        yield Snapshot(path, site, committed_before, written, rows(run(ROWS, env=site)))


def assert_is_the_snapshot(restored, snapshot):
    """`restored` holds the source's rows as they were at one moment during the backup: the
    writer's comments up to some point, none after, and every other row as it is."""
    written = [(COMMENT, pk) for pk in snapshot.written]
    kept = [key for key in written if key in restored]
    assert kept == written[: len(kept)], "the writer's comments in the snapshot have a gap"
    assert len(kept) >= len(snapshot.committed_before)
    later = set(written[len(kept) :])
    assert restored == {key: row for key, row in snapshot.source_rows.items() if key not in later}
    assert Counter(model for model, _ in restored) >= Counter(
        {
            "articles.article": 2,
            "articles.discussionquestion": 3,
            "taggit.tag": 9,
            "articles.taggedarticle": 9,
            COMMENT: 9 + len(kept),
            "comments.moderationevent": 3,
            "auth.user": 1,
            "auth.group": 1,
        }
    )


def test_a_snapshot_taken_while_comments_are_posted_restores_every_row(snapshot, tmp_path):
    with servers.fresh_database(tmp_path, postgresql_server()) as empty:
        restored = rows(run(RESTORE, str(snapshot.path), env=site_env(empty)))

    assert_is_the_snapshot(restored, snapshot)


def test_a_restore_over_the_live_database_brings_the_snapshot_back_and_the_site_goes_on(
    snapshot,
):
    restored = rows(run(RESTORE, str(snapshot.path), env=snapshot.site))
    assert_is_the_snapshot(restored, snapshot)

    after = Writer(snapshot.site, "Posted after the restore")
    after.wait_for(1)
    new_id = after.stop()[0]

    assert new_id > max(pk for model, pk in restored if model == COMMENT)
    assert (COMMENT, new_id) in rows(run(ROWS, env=snapshot.site))


def test_restore_refuses_a_file_that_is_not_a_snapshot(snapshot, tmp_path):
    not_a_snapshot = tmp_path / f"notes{SUFFIXES[connection.vendor]}"
    not_a_snapshot.write_text("Remember to back up.\n")
    before = rows(run(ROWS, env=snapshot.site))

    result = subprocess.run(
        [sys.executable, "manage.py", "restore_database", str(not_a_snapshot), "--no-input"],
        cwd=settings.BASE_DIR,
        env=snapshot.site,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "CommandError" in result.stderr
    assert rows(run(ROWS, env=snapshot.site)) == before
