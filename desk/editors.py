"""The "Editors" group: staff who run the site from the desk without managing users."""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions

EDITORS = "Editors"


def grant(apps, schema_editor, permissions):
    """Give the Editors group exactly `permissions` ({app label: {model: [actions]}}), creating
    the group if need be; for data migrations, so running one again changes nothing."""
    using = schema_editor.connection.alias
    # Permissions are normally made after all migrations ran; make them now, on a new
    # database too, from the migration's view of the models.
    for label in permissions:
        create_permissions(
            installed_apps.get_app_config(label), verbosity=0, using=using, apps=apps
        )

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    granted = [
        Permission.objects.using(using).get(
            content_type__app_label=label, codename=f"{action}_{model}"
        )
        for label, models in permissions.items()
        for model, actions in models.items()
        for action in actions
    ]
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    group.permissions.set(granted)
