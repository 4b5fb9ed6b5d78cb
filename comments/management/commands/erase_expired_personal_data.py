from django.core.management.base import BaseCommand

from comments.retention import erase_expired


class Command(BaseCommand):
    help = (
        "Erase what the site keeps only for a while: comments' IP hashes, and their email "
        "addresses unless verified, after COMMENTS_RETENTION_DAYS; rate-limit counters and "
        "records of used links once they count for nothing. run_periodic runs it daily."
    )

    def handle(self, *args, **options):
        for what, count in erase_expired().items():
            self.stdout.write(f"{what}: {count} erased")
