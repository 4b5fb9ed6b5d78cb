"""The comments' periodic jobs (outbox.schedule, `manage.py run_periodic`)."""

from datetime import timedelta

from comments.retention import erase_expired
from outbox.schedule import periodic


@periodic(every=timedelta(days=1))
def erase_expired_personal_data():
    """What `manage.py erase_expired_personal_data` does, daily: IP hashes and unverified
    addresses past COMMENTS_RETENTION_DAYS, idle rate-limit counters, used links' records."""
    return erase_expired()
