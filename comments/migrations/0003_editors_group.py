"""Created the Editors group; the desk app does that now (desk.0001_editors_group), for
databases this already ran on and new ones alike. Kept so that the migration history of
existing databases stays whole."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0002_article_revised_at"),
        ("comments", "0002_moderation_events"),
    ]

    operations = []
