"""Comments can be edited by their authors: the time of the last edit, which the card shows
("edited", with its time), and the versions an edit replaced, kept for editors. The cards are
made again with the new template by 0011_curation, the last migration to change them."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0008_desk_indexes'),
        ('articles', '0005_question_counts'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='edited_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name='CommentRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(help_text='Markdown, as the author wrote it.')),
                ('written_at', models.DateTimeField(help_text='When this version was posted or edited.')),
                ('replaced_at', models.DateTimeField(default=django.utils.timezone.now, help_text='When an edit replaced it.')),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='comments.comment')),
            ],
            options={
                'ordering': ['replaced_at', 'id'],
                'indexes': [models.Index(fields=['comment', 'replaced_at'], name='comment_revision_idx')],
            },
        ),
    ]
