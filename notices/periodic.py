"""The notices' periodic jobs (outbox.schedule, `manage.py run_periodic`)."""

from datetime import timedelta

from django.utils import timezone

from notices import sending
from notices.models import Notice
from outbox.schedule import periodic

# Reply notices still owed this long after they were due lost their task.
LOST_AFTER = timedelta(minutes=5)
# Notices already sent are kept this long (what the digests sent, for the desk and for
# support), then deleted.
KEEP_SENT = timedelta(days=30)


@periodic(every=timedelta(minutes=10))
def send_follow_digests():
    """Each followed discussion's digest of new comments, at most once a day per follow."""
    return sending.send_follow_digests()


@periodic(every=timedelta(minutes=5))
def send_lost_reply_notices():
    """Reply notices whose sending task was lost (it is queued after the commit that owes
    them: a process stopped in between loses it)."""
    return sending.send_due_replies(LOST_AFTER)


@periodic(every=timedelta(minutes=5))
def send_lost_report_decisions():
    """Editors' decisions owed to reporters whose sending task was lost."""
    return sending.send_due_report_decisions(LOST_AFTER)


@periodic(every=timedelta(days=1))
def forget_sent_notices():
    """Delete the record of notices sent more than KEEP_SENT ago."""
    deleted, _ = (
        Notice.objects.exclude(sent_in="")
        .filter(created_at__lt=timezone.now() - KEEP_SENT)
        .delete()
    )
    return deleted
