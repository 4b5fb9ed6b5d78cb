"""The desk's indexes: the moderation queue by status and age, every comment by age, one
article's comments by age, and a commenter's comments by email whatever its case
(docs/performance.md)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0007_listing_indexes'),
        ('comments', '0007_withdrawn_and_notices'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['status', 'created_at', 'id'], name='comment_queue_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['created_at', 'id'], name='comment_age_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['article', 'created_at', 'id'], name='comment_article_age_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(django.db.models.functions.text.Lower('author_email'), name='comment_email_idx'),
        ),
    ]
