"""Curating the discussion (issue 16): an article keeps how many questions it has, how many
answers they have and how many comments its editors picked (the lists show them), each question
its picks, and the order the article's discussion is sorted in by default. The question counts
are filled in here; the comments app's migration fills in the others."""

from django.db import migrations, models


def count_questions(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    DiscussionQuestion = apps.get_model("articles", "DiscussionQuestion")
    counts = DiscussionQuestion.objects.order_by().values_list("article").annotate(n=models.Count("pk"))
    for article_id, number in counts:
        Article.objects.filter(pk=article_id).update(question_count=number)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_former_slugs_and_closing'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='answer_count',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Approved answers to its questions.'),
        ),
        migrations.AddField(
            model_name='article',
            name='discussion_order',
            field=models.CharField(choices=[('oldest', 'Oldest first'), ('newest', 'Newest first'), ('recommended', 'Most recommended'), ('picks', "Editors' Picks first")], default='oldest', help_text='How the discussion is sorted until a reader chooses another order.', max_length=12),
        ),
        migrations.AddField(
            model_name='article',
            name='pick_count',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Approved comments picked by the editors.'),
        ),
        migrations.AddField(
            model_name='article',
            name='question_count',
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='discussionquestion',
            name='pick_count',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Approved comments under it picked by the editors.'),
        ),
        migrations.RunPython(count_questions, migrations.RunPython.noop),
    ]
