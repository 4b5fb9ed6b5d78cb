"""The page cache's marks become versions (freshness): the article's `cache_token` is its
`version`, the site-wide ContentVersion gives way to freshness.ListVersion. Articles keep
their count of approved comments, filled in here from the comments."""

from django.db import migrations, models


def count_comments(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    counts = (
        Comment.objects.filter(status="approved")
        .values_list("article")
        .annotate(count=models.Count("pk"))
        .order_by()
    )
    for article_id, count in counts:
        Article.objects.filter(pk=article_id).update(comment_count=count)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0003_page_cache'),
        ('comments', '0003_editors_group'),
        ('freshness', '0001_initial'),
    ]

    operations = [
        migrations.RenameField(model_name='article', old_name='cache_token', new_name='version'),
        migrations.DeleteModel(name='ContentVersion'),
        migrations.AddField(
            model_name='article',
            name='comment_count',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Approved comments.'),
        ),
        migrations.RunPython(count_comments, migrations.RunPython.noop),
    ]
