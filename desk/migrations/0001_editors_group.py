"""The Editors group, with exactly these permissions. Databases made before the desk was an
app of its own already have the group (from comments.0003); this sets the same permissions
again, which changes nothing."""

from django.db import migrations

from desk.editors import grant

# app label -> model -> the actions editors may take. Comments come from readers and are
# never deleted through the desk; moderation events are written only by moderating.
PERMISSIONS = {
    "articles": {
        "article": ["add", "change", "delete", "view"],
        "category": ["add", "change", "delete", "view"],
        "discussionquestion": ["add", "change", "delete", "view"],
    },
    "taggit": {"tag": ["add", "change", "delete", "view"]},
    "comments": {"comment": ["change", "view"], "moderationevent": ["view"]},
}


def create_editors_group(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_versions_and_comment_count"),
        ("comments", "0004_cards_and_actions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Reversing keeps the group: its members would otherwise lose their access silently.
        migrations.RunPython(create_editors_group, migrations.RunPython.noop),
    ]
