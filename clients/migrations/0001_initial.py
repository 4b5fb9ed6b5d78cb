from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='RateBucket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('limit', models.CharField(max_length=32)),
                ('client', models.CharField(max_length=64)),
                ('times', models.JSONField(default=list)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'indexes': [models.Index(fields=['updated_at'], name='rate_bucket_age_idx')],
                'constraints': [models.UniqueConstraint(fields=('limit', 'client'), name='one_bucket_per_client')],
            },
        ),
    ]
