"""Tag hygiene: suggestions while an editor types, and merging tags that drifted apart
("Mistral" and "MistralAI") with the old tag's page redirecting to the kept one."""

from django.db import models, transaction
from taggit.models import Tag

from articles import search_index
from articles.models import Article, TaggedArticle, TagRedirect


def suggestions(typed, limit):
    """Names of existing tags for what an editor is typing: those starting with it first,
    then those containing it, each alphabetically; at most `limit`."""
    typed = typed.strip().strip('"')
    if not typed:
        return []
    starting = list(
        Tag.objects.filter(name__istartswith=typed)
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )
    containing = (
        Tag.objects.filter(name__icontains=typed)
        .exclude(name__istartswith=typed)
        .order_by("name")
        .values_list("name", flat=True)[: limit - len(starting)]
    )
    return starting + (list(containing) if len(starting) < limit else [])


@transaction.atomic
def merge(sources, into):
    """Move every article tagged with one of `sources` to the tag `into`, delete `sources`,
    and redirect their pages (and pages that already redirected to them) to `into`'s. Renews
    the articles and lists and updates the search index in the same transaction; answers how
    many articles it moved."""
    source_ids = [tag.pk for tag in sources if tag.pk != into.pk]
    moving = set(
        TaggedArticle.objects.filter(tag__in=source_ids).values_list("content_object", flat=True)
    )
    has_it = set(
        TaggedArticle.objects.filter(tag=into, content_object__in=moving).values_list(
            "content_object", flat=True
        )
    )
    TaggedArticle.objects.bulk_create(
        TaggedArticle(tag=into, content_object_id=pk) for pk in sorted(moving - has_it)
    )
    old_slugs = [tag.slug for tag in sources if tag.pk != into.pk]
    # The kept tag's own address is no redirect any more, and older redirects follow along.
    TagRedirect.objects.filter(models.Q(old_slug__in=[*old_slugs, into.slug])).delete()
    TagRedirect.objects.filter(tag__in=source_ids).update(tag=into)
    TagRedirect.objects.bulk_create(TagRedirect(old_slug=slug, tag=into) for slug in old_slugs)
    # Deleting the tags deletes their taggings (signals renew each article).
    Tag.objects.filter(pk__in=source_ids).delete()
    Article.objects.filter(pk__in=moving).renew()
    search_index.update(moving)
    return len(moving)
