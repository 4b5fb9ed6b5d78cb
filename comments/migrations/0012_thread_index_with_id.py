"""The index of an article's comments by status and time ends with the id too: one article's
part of the desk queue, in (created_at, id) order, reads it without a sort on PostgreSQL
(SQLite's indexes end with the rowid already)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0011_curation'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='comment',
            name='comment_thread_idx',
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['article', 'status', 'created_at', 'id'], name='comment_thread_idx'),
        ),
    ]
