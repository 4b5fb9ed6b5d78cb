"""The notices' tasks, run by the outbox's worker (`manage.py db_worker`). Each is safe to run
twice (a dead worker's task is run again): what they owe is unique per notice, what they send
is keyed on what it carries."""

from comments.lifecycle import Event
from notices import queueing, sending

try:  # Django 6 has the tasks API built in; the django-tasks backport is the same API.
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task()
def hear(event, comment_ids):
    """What `event` (a comments.lifecycle.Event value) on `comment_ids` owes anyone."""
    queueing.hear(Event(event), comment_ids)
    return f"{event} on {len(comment_ids)} comment(s) heard"


@task()
def send_replies(parent_id):
    """The reply notices owed about replies to comment `parent_id`, once due."""
    return sending.send_replies(parent_id)


@task()
def send_report_decisions(comment_ids):
    """The editors' decisions owed to the reporters of `comment_ids`, once past the undo."""
    return sending.send_report_decisions(comment_ids)
