"""Editors keep their permissions and may now edit the ready-made removal reasons and set
"always hold" or "block" rules on commenters' addresses. A few reasons to start from are
added once (editors change them in the desk)."""

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
    },
    "outbox": {"email": ["view"], "refusedaddress": ["view"]},
    "desk": {"removalreason": ["add", "change", "delete", "view"]},
}

STARTING_REASONS = [
    "Off-topic",
    "Personal attack",
    "Spam or advertising",
    "Duplicate",
    "Hateful or abusive language",
]


def let_editors_moderate_from_the_desk(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)
    RemovalReason = apps.get_model("desk", "RemovalReason")
    reasons = RemovalReason.objects.using(schema_editor.connection.alias)
    if not reasons.exists():
        reasons.bulk_create(
            RemovalReason(text=text, position=position)
            for position, text in enumerate(STARTING_REASONS)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("desk", "0004_reasons_and_alerts"),
        ("comments", "0010_desk_address_rules"),
    ]

    operations = [
        # Reversing keeps the permissions and reasons, as 0001 keeps the group.
        migrations.RunPython(let_editors_moderate_from_the_desk, migrations.RunPython.noop),
    ]
