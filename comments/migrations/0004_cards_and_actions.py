"""Comments keep their card (comments/cards.py), made here for every existing comment, and
moderation actions get a vocabulary of their own: what the editor did ("approve"), no longer
the status it gave ("approved")."""

from django.db import migrations, models

from comments.cards import render_all_cards

ACTIONS = {"approved": "approve", "removed": "remove", "spam": "spam"}


def make_cards(apps, schema_editor):
    render_all_cards(
        apps.get_model("comments", "Comment").objects.all(),
        apps.get_model("articles", "Article").objects.all(),
    )


def rename_actions(apps, schema_editor, names=ACTIONS):
    ModerationEvent = apps.get_model("comments", "ModerationEvent")
    for old, new in names.items():
        ModerationEvent.objects.filter(action=old).update(action=new)


def restore_actions(apps, schema_editor):
    rename_actions(apps, schema_editor, {new: old for old, new in ACTIONS.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0003_editors_group'),
        ('articles', '0004_versions_and_comment_count'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='card_html',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name='moderationevent',
            name='action',
            field=models.CharField(choices=[('approve', 'Approved'), ('remove', 'Removed'), ('spam', 'Marked as spam')], max_length=20),
        ),
        migrations.RunPython(make_cards, migrations.RunPython.noop),
        migrations.RunPython(rename_actions, restore_actions),
    ]
