"""Editors add, edit and remove an article's dated corrections (articles.Correction, shown on
the article and in the feed). Every permission they had before is kept (grant() sets exactly
the permissions it is given)."""

from django.db import migrations

from desk.editors import grant

PERMISSIONS = {
    "articles": {
        "article": ["add", "change", "delete", "view"],
        "category": ["add", "change", "delete", "view"],
        "discussionquestion": ["add", "change", "delete", "view"],
        "correction": ["add", "change", "delete", "view"],
    },
    "taggit": {"tag": ["add", "change", "delete", "view"]},
    "comments": {"comment": ["change", "view"], "moderationevent": ["view"]},
    "outbox": {"email": ["view"], "refusedaddress": ["view"]},
}


def let_editors_write_corrections(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)


class Migration(migrations.Migration):

    dependencies = [
        ("desk", "0002_editors_see_the_outbox"),
        ("articles", "0008_lead_images"),
    ]

    operations = [
        # Reversing keeps the permissions, as 0001 keeps the group.
        migrations.RunPython(let_editors_write_corrections, migrations.RunPython.noop),
    ]
