"""Curating the discussion (issue 16): Editors' Picks (a comment's pick time, logged as the
actions "pick" and "unpick"), staff comments (the editor who posted one, and its badge) and the
comment a reply actually answers, which attach_to() may move it away from. Replies stored
before answer their parent as far as anyone knows. Articles' answer counts are filled in, and
every card made again: cards now label their time with its zone and may carry badges. Readers'
recommendations (comments.recommending) are kept, and counted on each comment."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from comments.cards import render_all_cards


def fill_in(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Article = apps.get_model("articles", "Article")
    Comment.objects.filter(parent__isnull=False).update(in_reply_to=models.F("parent"))
    answers = (
        Comment.objects.filter(status="approved", question__isnull=False, parent__isnull=True)
        .order_by()
        .values_list("article")
        .annotate(n=models.Count("pk"))
    )
    for article_id, number in answers:
        Article.objects.filter(pk=article_id).update(answer_count=number)
    render_all_cards(Comment.objects.all(), Article.objects.all())


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_curation'),
        ('comments', '0008_desk_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='author_user',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='comment',
            name='by_staff',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='comment',
            name='in_reply_to',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='comments.comment'),
        ),
        migrations.AddField(
            model_name='comment',
            name='picked_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='moderationevent',
            name='action',
            field=models.CharField(choices=[('approve', 'Approved'), ('remove', 'Removed'), ('spam', 'Marked as spam'), ('withdraw', 'Withdrawn by its author'), ('pick', 'Picked by the editors'), ('unpick', "Editors' pick withdrawn")], max_length=20),
        ),
        migrations.AddField(
            model_name='comment',
            name='recommend_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.CreateModel(
            name='Recommendation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reader', models.CharField(max_length=32)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recommendations', to='comments.comment')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('comment', 'reader'), name='one_recommendation_each')],
            },
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
