import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from desk.editors import EDITORS


class Command(BaseCommand):
    help = (
        "Create a staff user in the Editors group, who can run the site from /admin/ "
        "(articles, categories, tags, questions, comments, moderation) but not manage users. "
        "Prints a generated password once, unless --password-stdin reads one from stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True, help="The editor's email address.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of stdin instead of generating one; "
            "the password validators apply.",
        )

    def handle(self, *args, username, email, password_stdin, **options):
        User = get_user_model()
        user = User(username=username, email=email, is_staff=True)
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        else:
            password = secrets.token_urlsafe(15)

        try:
            editors = Group.objects.get(name=EDITORS)
        except Group.DoesNotExist:
            raise CommandError(
                f'There is no "{EDITORS}" group; run `manage.py migrate` first.'
            ) from None

        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(editors)

        self.stdout.write(f"Created editor {username!r} ({email}), staff, in the {EDITORS} group.")
        if not password_stdin:
            self.stdout.write(f"Password, shown only now: {password}")
            self.stdout.write("Log in at /admin/ and change it there (Change password).")
