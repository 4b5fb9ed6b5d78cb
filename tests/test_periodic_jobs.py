"""Periodic jobs (outbox.schedule, `manage.py run_periodic`): each runs once per slot however
many runners there are, a failing one does not stop the others, and every app's are
registered: the outbox's, erasing expired personal data, the notices' digests."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from outbox import schedule
from outbox.models import Schedule


@pytest.fixture
def jobs(monkeypatch):
    """An empty registry with two jobs that count their runs."""
    monkeypatch.setattr(schedule, "JOBS", {})
    monkeypatch.setattr(schedule, "discover", lambda: None)
    runs = []
    schedule.periodic(every=timedelta(minutes=5), name="digest")(lambda: runs.append("digest"))
    schedule.periodic(every=timedelta(hours=1), name="hourly")(lambda: runs.append("hourly"))
    return runs


def test_a_due_job_runs_once_per_slot_however_many_runners(db, jobs):
    now = timezone.now()

    first = schedule.run_due(now)
    others = [schedule.run_due(now + timedelta(minutes=minute)) for minute in range(5)]

    assert first == ["digest", "hourly"]
    assert others == [[]] * 5
    assert schedule.run_due(now + timedelta(minutes=5)) == ["digest"]
    assert jobs == ["digest", "hourly", "digest"]
    assert Schedule.objects.get(name="hourly").next_run_at == now + timedelta(hours=1)


def test_a_failing_job_is_noted_and_the_others_still_run(db, jobs, caplog):
    def broken():
        raise RuntimeError("the digest's template is missing")

    schedule.periodic(every=timedelta(minutes=1), name="broken")(broken)

    assert schedule.run_due() == ["broken", "digest", "hourly"]

    assert Schedule.objects.get(name="broken").last_error == (
        "RuntimeError: the digest's template is missing"
    )
    assert Schedule.objects.get(name="digest").last_error == ""
    assert "Periodic job broken failed" in caplog.text


def test_run_periodic_runs_every_apps_jobs_once(db):
    out = StringIO()

    call_command("run_periodic", verbosity=2, stdout=out)
    call_command("run_periodic", verbosity=2, stdout=out)

    assert out.getvalue().splitlines() == [
        "Ran comments.periodic.erase_expired_personal_data",
        "Ran desk.periodic.send_waiting_digest",
        "Ran notices.periodic.forget_sent_notices",
        "Ran notices.periodic.send_follow_digests",
        "Ran notices.periodic.send_lost_reply_notices",
        "Ran notices.periodic.send_lost_report_decisions",
        "Ran outbox.periodic.fail_interrupted_sends",
        "Ran outbox.periodic.prune_finished_tasks",
        "Ran outbox.periodic.requeue_stale_tasks",
        "Ran outbox.periodic.retry_lost_emails",
    ]
