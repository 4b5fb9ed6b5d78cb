import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "mistral.json"


class Command(BaseCommand):
    help = (
        "Load the Mistral article fixture unless its article is already in the database, "
        "so running it again never duplicates rows nor overwrites editors' changes."
    )

    def handle(self, *args, **options):
        objects = json.loads(SEED_FIXTURE.read_text(encoding="utf-8"))
        slugs = [obj["fields"]["slug"] for obj in objects if obj["model"] == "articles.article"]
        if Article.objects.filter(slug__in=slugs).exists():
            self.stdout.write("The seed article is already in the database; nothing to load.")
            return
        call_command("loaddata", SEED_FIXTURE, verbosity=options["verbosity"])
