"""Changes to an article's page that are written by code the project does not call itself:
taggit's tags and taggings, and the desk's forms for categories and an article's questions
(inline formsets, bulk deletion). Each renews the versions of the articles that show it
(freshness.versions.renew), in the transaction that writes it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from articles.models import Article, Category, DiscussionQuestion, TaggedArticle
from freshness.versions import ARTICLE_LISTS, renew


@receiver([post_save, post_delete], sender=DiscussionQuestion)
def question_changed(sender, instance, **kwargs):
    Article.objects.filter(pk=instance.article_id).renew()


@receiver([post_save, post_delete], sender=TaggedArticle)
def tagging_changed(sender, instance, **kwargs):
    Article.objects.filter(pk=instance.content_object_id).renew()


@receiver(post_save, sender=Tag)
def tag_changed(sender, instance, created, **kwargs):
    if not created:
        Article.objects.filter(tags=instance).renew()


@receiver([post_save, post_delete], sender=Category)
def category_changed(sender, instance, **kwargs):
    Article.objects.filter(category=instance).renew()


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    renew(lists=[ARTICLE_LISTS])
