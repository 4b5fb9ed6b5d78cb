"""Editors see the outbox in the desk: what is queued, sent, failed or refused, and the
addresses that refused mail. Read-only; every permission they had before is kept (grant() sets
exactly the permissions it is given)."""

from django.db import migrations

from desk.editors import grant

PERMISSIONS = {
    "articles": {
        "article": ["add", "change", "delete", "view"],
        "category": ["add", "change", "delete", "view"],
        "discussionquestion": ["add", "change", "delete", "view"],
    },
    "taggit": {"tag": ["add", "change", "delete", "view"]},
    "comments": {"comment": ["change", "view"], "moderationevent": ["view"]},
    "outbox": {"email": ["view"], "refusedaddress": ["view"]},
}


def let_editors_see_the_outbox(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)


class Migration(migrations.Migration):

    dependencies = [
        ("desk", "0001_editors_group"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the permissions, as 0001 keeps the group.
        migrations.RunPython(let_editors_see_the_outbox, migrations.RunPython.noop),
    ]
