"""What else changes an article's page: its tags, questions and category, and deletions.
Each marks the articles whose pages show it as changed (Article.objects.touch()) after the
change is written, so that a page cached in between is never kept under the new mark."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from articles.models import Article, Category, ContentVersion, DiscussionQuestion, TaggedArticle


@receiver([post_save, post_delete], sender=DiscussionQuestion)
def question_changed(sender, instance, **kwargs):
    Article.objects.filter(pk=instance.article_id).touch()


@receiver([post_save, post_delete], sender=TaggedArticle)
def tagging_changed(sender, instance, **kwargs):
    Article.objects.filter(pk=instance.content_object_id).touch()


@receiver(post_save, sender=Tag)
def tag_changed(sender, instance, created, **kwargs):
    if not created:
        Article.objects.filter(tags=instance).touch()


@receiver(post_save, sender=Category)
def category_changed(sender, instance, created, **kwargs):
    if not created:
        Article.objects.filter(category=instance).touch()


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    ContentVersion.bump()
