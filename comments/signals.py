"""Comments change the page of their article: mark it changed (Article.objects.touch())
once the change is written, so no cached copy of the page outlives it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from comments.models import Comment


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance, created, **kwargs):
    # A new comment held for moderation shows on no page but its author's, never cached.
    if not (created and instance.status == Comment.Status.PENDING):
        Article.objects.filter(pk=instance.article_id).touch()


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance, **kwargs):
    Article.objects.filter(pk=instance.article_id).touch()
