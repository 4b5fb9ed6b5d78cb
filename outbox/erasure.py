"""Forgetting an address in the outbox, when its owner asks the site to forget them: emails
not sent yet are deleted (a delivery task that comes for one finds nothing to send), and the
emails sent, refused or given up keep their delivery record (key, subject, status, dates)
without the address, the bodies or the headers, which hold links made for it."""

from django.db import transaction

from outbox.models import Email, RefusedAddress
from outbox.refusals import normalized


@transaction.atomic
def erase_address(address):
    """Erase `address` from the outbox; answers (emails deleted, emails erased)."""
    emails = Email.objects.filter(to__iexact=normalized(address))
    waiting = emails.filter(
        status__in=[Email.Status.QUEUED, Email.Status.FAILED], next_attempt_at__isnull=False
    )
    deleted, _ = waiting.delete()
    erased = emails.update(to="", text="", html="", headers={})
    RefusedAddress.objects.filter(address=normalized(address)).delete()
    return deleted, erased
