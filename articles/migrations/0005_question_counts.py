"""Discussion questions keep their counts of approved answers (comments that start a thread
under them) and replies, filled in here from the comments."""

from django.db import migrations, models


def count(apps, schema_editor):
    DiscussionQuestion = apps.get_model("articles", "DiscussionQuestion")
    Comment = apps.get_model("comments", "Comment")
    approved = Comment.objects.filter(status="approved", question__isnull=False).order_by()
    for field, comments in [
        ("answer_count", approved.filter(parent__isnull=True)),
        ("reply_count", approved.filter(parent__isnull=False)),
    ]:
        for question_id, number in comments.values_list("question").annotate(n=models.Count("pk")):
            DiscussionQuestion.objects.filter(pk=question_id).update(**{field: number})


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0004_versions_and_comment_count'),
        ('comments', '0005_thread_roots'),
    ]

    operations = [
        migrations.AddField(
            model_name='discussionquestion',
            name='answer_count',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Approved comments that start a thread under it.'),
        ),
        migrations.AddField(
            model_name='discussionquestion',
            name='reply_count',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Approved replies in its threads.'),
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
    ]
