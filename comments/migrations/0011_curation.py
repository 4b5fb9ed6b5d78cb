"""Curating the discussion (issue 16): Editors' Picks (a comment's pick time, logged as the
actions "pick" and "unpick"), staff comments (the editor who posted one, and its badge) and the
comment a reply actually answers, which attach_to() may move it away from. Replies stored
before answer their parent as far as anyone knows. Articles' answer counts are filled in, and
every card made again: cards now label their time with its zone and may carry badges. Readers'
recommendations (comments.recommending) are kept, and counted on each comment, and readers'
reports (comments.reporting), which may hold a comment (the action "hold")."""

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
        ('articles', '0010_curation'),
        ('comments', '0010_desk_address_rules'),
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
        migrations.AlterField(
            model_name='moderationevent',
            name='action',
            field=models.CharField(choices=[('approve', 'Approved'), ('remove', 'Removed'), ('spam', 'Marked as spam'), ('withdraw', 'Withdrawn by its author'), ('reopen', 'Returned to moderation'), ('pick', 'Picked by the editors'), ('unpick', "Editors' pick withdrawn"), ('hold', "Held for review after readers' reports")], max_length=20),
        ),
        migrations.CreateModel(
            name='Report',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('spam', 'Spam'), ('abuse', 'Abuse or harassment'), ('off-topic', 'Off-topic'), ('misinformation', 'Misinformation'), ('illegal', 'Illegal content')], max_length=20)),
                ('note', models.TextField(blank=True, max_length=1000)),
                ('explanation', models.TextField(blank=True, max_length=2000)),
                ('notifier_name', models.CharField(blank=True, max_length=80)),
                ('notifier_email', models.EmailField(blank=True, max_length=254)),
                ('good_faith', models.BooleanField(default=False)),
                ('ip_hash', models.CharField(editable=False, max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('decided_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='comments.comment')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('decided_at__isnull', True)), fields=('comment', 'ip_hash'), name='one_open_report_per_network')],
            },
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
