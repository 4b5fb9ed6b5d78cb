"""Changes to an article's page that are written by code the project does not call itself:
taggit's tags and taggings, and the desk's forms for categories and an article's questions
(inline formsets, bulk deletion). Each renews the versions of the articles that show it
(freshness.versions.renew), in the transaction that writes it. Changes to what search reads
that `Article.save()` does not make (tags, deletions, fixtures loaded without `save()`)
update the search index (articles.search_index) the same way."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from articles import search_index
from articles.models import Article, Category, DiscussionQuestion, TaggedArticle, question_count
from freshness.versions import ARTICLE_LISTS, renew


@receiver([post_save, post_delete], sender=DiscussionQuestion)
def question_changed(sender, instance, **kwargs):
    # The lists show how many questions an article has: stored with its version.
    renew(
        Article.objects.filter(pk=instance.article_id),
        lists=[ARTICLE_LISTS],
        question_count=question_count(),
    )


@receiver([post_save, post_delete], sender=TaggedArticle)
def tagging_changed(sender, instance, **kwargs):
    Article.objects.filter(pk=instance.content_object_id).renew()
    search_index.update([instance.content_object_id])


@receiver(post_save, sender=Tag)
def tag_changed(sender, instance, created, **kwargs):
    if not created:
        tagged = Article.objects.filter(tags=instance)
        tagged.renew()
        # A renamed tag changes the words of every article that has it.
        search_index.update(tagged.values_list("pk", flat=True))


@receiver([post_save, post_delete], sender=Category)
def category_changed(sender, instance, **kwargs):
    Article.objects.filter(category=instance).renew()


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    renew(lists=[ARTICLE_LISTS])
    search_index.update([instance.pk])


@receiver(post_save, sender=Article)
def article_loaded(sender, instance, raw, **kwargs):
    # loaddata stores fixtures without Article.save(), which indexes every other save.
    if raw:
        search_index.update([instance.pk])
