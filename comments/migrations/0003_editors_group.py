"""The "Editors" group: staff who run the site from the admin without managing users."""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
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
    """Create the group with exactly PERMISSIONS; running it again changes nothing."""
    using = schema_editor.connection.alias
    # Permissions are normally made after all migrations ran; make them now, on a new
    # database too, from this migration's view of the models.
    for label in PERMISSIONS:
        create_permissions(installed_apps.get_app_config(label), verbosity=0, using=using, apps=apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [
        Permission.objects.using(using).get(
            content_type__app_label=label, codename=f"{action}_{model}"
        )
        for label, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    group.permissions.set(permissions)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0002_article_revised_at"),
        ("comments", "0002_moderation_events"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Reversing keeps the group: its members would otherwise lose their access silently.
        migrations.RunPython(create_editors_group, migrations.RunPython.noop),
    ]
