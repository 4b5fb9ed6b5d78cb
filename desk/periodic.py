"""The desk's periodic job (outbox.schedule): the editors' digest, looked at every minute and
sent at most every DESK_DIGEST_MINUTES (desk/alerts.py)."""

from datetime import timedelta

from desk import alerts
from outbox.schedule import periodic


@periodic(every=timedelta(minutes=1))
def send_waiting_digest():
    return alerts.send_digest()
