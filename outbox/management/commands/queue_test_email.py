import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mistralnews.site_url import absolute_url
from outbox.headers import UnsafeHeader
from outbox.sending import compose, send


class Command(BaseCommand):
    help = (
        "Queue a test email to ADDRESS through the outbox: the task worker sends it, and the "
        "desk's Outbox shows how that went. Checks EMAIL_URL, DEFAULT_FROM_EMAIL and the worker "
        "together."
    )

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address, **options):
        subject, text, html = compose("outbox/test_email", {"home_url": absolute_url("/")})
        try:
            with transaction.atomic():
                email = send(f"test-email:{uuid.uuid4()}", address, subject, text, html)
        except UnsafeHeader as error:
            raise CommandError(error) from error
        self.stdout.write(
            f"Queued email {email.pk} to {address}; a worker (manage.py db_worker) sends it."
        )
