"""The outbox's periodic jobs (outbox.schedule): what the database task backend does not do
by itself. It has no retries, no periodic jobs and no recovery of a task left running by a
worker that was killed; these fill the gaps."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outbox import delivery
from outbox.models import Email
from outbox.schedule import periodic

# A task still running after this was left by a worker that died (SIGKILL, a power cut).
# Well above anything a task of ours takes: an email is one exchange of EMAIL_TIMEOUT-bound
# steps with the mail server.
STALE_TASK_AFTER = timedelta(minutes=15)
# An email still "sending" after this was interrupted mid-way.
INTERRUPTED_AFTER = timedelta(minutes=10)
# A due email no worker has claimed after this lost its task (the process that queued it
# stopped between its commit and the enqueue, or the task failed outside `deliver`).
LOST_AFTER = timedelta(minutes=2)
# Finished tasks are kept this long for the desk's task list, then deleted.
KEEP_FINISHED_TASKS_DAYS = 14
# How many lost emails one pass queues again, so a pass stays short.
BATCH = 500

INTERRUPTED = (
    "Interrupted while sending (the worker stopped). Not sent again automatically: the mail "
    "server may have taken it."
)


@periodic(every=timedelta(minutes=1))
def requeue_stale_tasks(older_than=STALE_TASK_AFTER):
    """Put tasks left running by a dead worker back in the queue. Every task must therefore
    be safe to run twice, as `deliver` is (its claim on the email decides). Answers how many."""
    cutoff = timezone.now() - older_than
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY)


@periodic(every=timedelta(minutes=1))
def fail_interrupted_sends(older_than=INTERRUPTED_AFTER):
    """Mark emails left "sending" failed for good, for editors to see: at most once, never a
    second copy to a reader. Answers how many."""
    cutoff = timezone.now() - older_than
    return Email.objects.filter(status=Email.Status.SENDING, last_attempt_at__lt=cutoff).update(
        status=Email.Status.FAILED, next_attempt_at=None, last_error=INTERRUPTED
    )


@periodic(every=timedelta(minutes=1))
def retry_lost_emails(older_than=LOST_AFTER):
    """Queue a delivery again for due emails whose task is gone: never while their task still
    waits in the queue (with no worker running, it simply waits). Answers how many."""
    lost = list(
        Email.objects.due(timezone.now() - older_than)
        .order_by("next_attempt_at")
        .values_list("pk", "task_id")[:BATCH]
    )
    waiting = {
        str(task_id)
        for task_id in DBTaskResult.objects.filter(
            id__in=[task_id for _, task_id in lost if task_id],
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        ).values_list("id", flat=True)
    }
    queued = 0
    for email_id, task_id in lost:
        if task_id not in waiting:
            delivery.enqueue(email_id)
            queued += 1
    return queued


@periodic(every=timedelta(days=1))
def prune_finished_tasks():
    """Delete finished task results after KEEP_FINISHED_TASKS_DAYS (the emails stay)."""
    call_command(
        "prune_db_task_results", "--min-age-days", str(KEEP_FINISHED_TASKS_DAYS), verbosity=0
    )
