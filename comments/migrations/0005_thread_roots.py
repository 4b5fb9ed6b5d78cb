"""Each reply knows the first comment of its thread (Comment.root), filled in here from the
replies' parents, and the indexes that page a discussion by its threads."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_roots(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.filter(depth=2).update(root_id=models.F("parent_id"))
    deeper = Comment.objects.filter(depth__gt=2, root__isnull=True)
    for depth in sorted(set(deeper.values_list("depth", flat=True))):
        parents_root = Comment.objects.filter(pk=OuterRef("parent_id")).values("root_id")
        Comment.objects.filter(depth=depth).update(root_id=Subquery(parents_root[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0004_cards_and_actions'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='root',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='thread_replies', to='comments.comment'),
        ),
        migrations.RunPython(fill_roots, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('parent__isnull', True)), fields=['article', 'question', 'created_at'], name='comment_section_roots_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['root', 'created_at'], name='comment_root_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['article', 'author_email', 'created_at'], name='comment_duplicate_idx'),
        ),
    ]
