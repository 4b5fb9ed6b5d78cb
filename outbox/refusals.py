"""Addresses whose mail server refused mail for good (a 5xx answer): the site sends them
nothing more until they are verified again.

The notices feature calls `clear_refusal(address)` when a reader verifies the address anew;
`outbox.sending.send()` skips a refused address unless told the email is that verification.
"""

from django.utils import timezone

from outbox.models import RefusedAddress


def normalized(address):
    # The local part is case-sensitive on paper only: no mail server in use treats it so.
    return address.strip().lower()


def refusal(address):
    """The RefusedAddress row for `address`, or None."""
    return RefusedAddress.objects.filter(address=normalized(address)).first()


def is_refused(address):
    return RefusedAddress.objects.filter(address=normalized(address)).exists()


def record_refusal(address, reason):
    """Remember that `address` refused mail, with the server's answer (the latest one)."""
    RefusedAddress.objects.update_or_create(
        address=normalized(address), defaults={"refused_at": timezone.now(), "reason": reason}
    )


def clear_refusal(address):
    """Send to `address` again: its owner has just verified it. Answers whether it was
    refused."""
    deleted, _ = RefusedAddress.objects.filter(address=normalized(address)).delete()
    return bool(deleted)
