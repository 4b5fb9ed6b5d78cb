"""Editors keep their permissions and may now edit the community guidelines (the public
/guidelines/ page). There is one guidelines row, made from the default text when first asked
for: no one adds or deletes it."""

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
    "comments": {
        "comment": ["change", "view"],
        "moderationevent": ["view"],
        "addressrule": ["add", "change", "delete", "view"],
        "communityguidelines": ["change", "view"],
    },
    "outbox": {"email": ["view"], "refusedaddress": ["view"]},
    "desk": {"removalreason": ["add", "change", "delete", "view"]},
}


def let_editors_edit_the_guidelines(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)


class Migration(migrations.Migration):

    dependencies = [
        ("desk", "0005_editors_moderate_from_the_desk"),
        ("comments", "0013_community_guidelines_and_report_decisions"),
    ]

    operations = [
        # Reversing keeps the permissions, as 0001 keeps the group.
        migrations.RunPython(let_editors_edit_the_guidelines, migrations.RunPython.noop),
    ]
