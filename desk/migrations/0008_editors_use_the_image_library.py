"""Editors keep their permissions and may now upload, edit and delete the images of the image
library (articles.BodyImage), which article bodies show."""

from django.db import migrations

from desk.editors import grant

PERMISSIONS = {
    "articles": {
        "article": ["add", "change", "delete", "view"],
        "category": ["add", "change", "delete", "view"],
        "discussionquestion": ["add", "change", "delete", "view"],
        "correction": ["add", "change", "delete", "view"],
        "bodyimage": ["add", "change", "delete", "view"],
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


def let_editors_use_the_image_library(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)


class Migration(migrations.Migration):

    dependencies = [
        ("desk", "0007_digest_counts_reported"),
        ("articles", "0011_image_library"),
    ]

    operations = [
        # Reversing keeps the permissions, as 0001 keeps the group.
        migrations.RunPython(let_editors_use_the_image_library, migrations.RunPython.noop),
    ]
