"""Email on real parts: the task worker (`manage.py db_worker`) in processes of its own, sending
to a real SMTP server over loopback, on a database of their own (a SQLite file, or a PostgreSQL
database under `make test-postgres`). A worker killed in the middle of a delivery, and emails
queued while no worker runs, lose nothing and send nothing twice, with two workers at once."""

import json
import os
import time

import pytest
from django.db import connection

from outbox.periodic import INTERRUPTED
from tests import servers

# Queue emails PREFIX:FIRST… (COUNT of them) in one committed transaction; with TWICE=1 each
# gets a second delivery task, which another worker may run at the same time as the first.
QUEUE = """
import sys, django; django.setup()
from django.db import transaction
from outbox import delivery
from outbox.sending import list_unsubscribe, send
prefix, first, count, twice = sys.argv[1], *map(int, sys.argv[2:])
with transaction.atomic():
    emails = [
        send(f"{prefix}:{n}", f"{prefix}{n}@example.org", f"Email {n}", f"Text {n}",
             f"<p>HTML {n}</p>", list_unsubscribe(f"/notices/unsubscribe/{n}/"))
        for n in range(first, first + count)
    ]
if twice:
    for email in emails:
        delivery.enqueue(email.pk)
"""

STATE = """
import json, sys, django; django.setup()
from django_tasks_db.models import DBTaskResult
from outbox.models import Email
emails = Email.objects.filter(key__startswith=sys.argv[1] + ":")
print(json.dumps({
    "emails": {e.key: [e.status, e.attempts, e.last_error] for e in emails},
    "tasks": [t.status for t in DBTaskResult.objects.all() if t.args_kwargs["args"][0] in
              {e.pk for e in emails}],
}))
"""

# What `run_periodic` does once its thresholds have passed, with no worker running.
RECOVER = """
import django; django.setup()
from datetime import timedelta
from outbox import periodic
print(periodic.requeue_stale_tasks(timedelta(0)), periodic.fail_interrupted_sends(timedelta(0)))
"""


def state(env, prefix):
    return json.loads(servers.run_python(STATE, prefix, env=env))


def wait_until_tasks_finish(env, prefix, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = state(env, prefix)
        if not {"READY", "RUNNING"} & set(current["tasks"]):
            return current
        time.sleep(0.2)
    raise AssertionError(f"tasks still waiting after {timeout} s: {current}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Production settings on a migrated database of their own."""
    folder = tmp_path_factory.mktemp("email")
    server = os.environ["DATABASE_URL"] if connection.vendor == "postgresql" else None
    with servers.fresh_database(folder, server) as database_url:
        env = servers.production_env(
            DJANGO_SECRET_KEY="tests-only-not-a-secret",
            DJANGO_ALLOWED_HOSTS="news.example",
            DJANGO_SITE_URL="https://news.example",
            DATABASE_URL=database_url,
            DEFAULT_FROM_EMAIL="news@news.example",
            SITE_NAME="Mistral News",
        )
        servers.manage("migrate", "--no-input", env=env)
        yield env


def test_the_worker_delivers_a_committed_email_over_smtp(site, smtp_server, tmp_path):
    env = {**site, "EMAIL_URL": smtp_server.url}
    servers.run_python(QUEUE, "one", 0, 1, 0, env=env)

    with servers.TaskWorker(env, tmp_path / "worker.log"):
        [message] = smtp_server.wait_for(1)

    assert message["From"] == "Mistral News <news@news.example>"
    assert message["To"] == "one0@example.org"
    assert message["Subject"] == "Email 0"
    assert message["List-Unsubscribe"] == "<https://news.example/notices/unsubscribe/0/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    assert [(part.get_content_type(), part.get_content()) for part in message.iter_parts()] == [
        ("text/plain", "Text 0"),
        ("text/html", "<p>HTML 0</p>"),
    ]
    assert state(env, "one")["emails"] == {"one:0": ["sent", 1, ""]}


def test_killed_workers_lose_nothing_and_send_nothing_twice(site, smtp_server, tmp_path):
    env = {**site, "EMAIL_URL": smtp_server.url}
    servers.run_python(QUEUE, "crash", 0, 6, 1, env=env)

    # Killed while waiting for the server's answer to the first email, which the server kept.
    with smtp_server.hold():
        worker = servers.TaskWorker(env, tmp_path / "killed.log")
        assert smtp_server.receiving.wait(timeout=20), (tmp_path / "killed.log").read_text()
        worker.kill()
    assert len(smtp_server.messages) == 1
    # More emails while no worker runs: they wait in the database.
    servers.run_python(QUEUE, "crash", 6, 3, 1, env=env)
    waiting = state(env, "crash")
    assert sorted(status for status, _, _ in waiting["emails"].values()) == [
        *["queued"] * 8,
        "sending",
    ]
    assert sorted(waiting["tasks"]) == ["READY"] * 17 + ["RUNNING"]

    assert servers.run_python(RECOVER, env=env).split() == [
        "1",
        "1",
    ]  # the task requeued, the email failed
    with (
        servers.TaskWorker(env, tmp_path / "first.log"),
        servers.TaskWorker(env, tmp_path / "second.log"),
    ):
        smtp_server.wait_for(9)
        done = wait_until_tasks_finish(env, "crash")

    assert sorted(message["To"] for message in smtp_server.messages) == sorted(
        f"crash{n}@example.org" for n in range(9)
    )
    interrupted = [key for key, (status, _, _) in done["emails"].items() if status == "failed"]
    assert len(interrupted) == 1
    assert done["emails"].pop(interrupted[0]) == ["failed", 1, INTERRUPTED]
    assert sorted(done["emails"].values()) == [["sent", 1, ""]] * 8
    assert done["tasks"] == ["SUCCESSFUL"] * 18
