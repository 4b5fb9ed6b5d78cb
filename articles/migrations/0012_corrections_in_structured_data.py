"""Articles keep their corrections for machines too (Article.corrections_data, read by the
JSON-LD); the articles corrected already get theirs, and a new version, since their pages
change."""

from django.db import migrations, models

from freshness.models import new_version
from mistralnews.markup import ARTICLE, plain_text, render_markdown


def record_corrections_data(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Correction = apps.get_model("articles", "Correction")
    corrected = Correction.objects.values_list("article_id", flat=True).distinct()
    for article_id in corrected:
        data = [
            {
                "text": plain_text(render_markdown(text, ARTICLE), words=1000),
                "published_at": published_at.isoformat(),
            }
            for text, published_at in Correction.objects.filter(article_id=article_id)
            .order_by("published_at", "id")
            .values_list("text", "published_at")
        ]
        Article.objects.filter(pk=article_id).update(
            corrections_data=data, version=new_version()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_image_library"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="corrections_data",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(record_corrections_data, migrations.RunPython.noop),
    ]
