"""Renewing versions: the one thing every writer does when something readers see changes."""

from django.db import transaction

from freshness.models import ListVersion, new_version

# The kinds of list page, by the name their version is kept under.
ARTICLE_LISTS = "articles"
# The public moderation log: its events, and which commenters it names.
MODERATION_LOG = "moderation-log"


def renew(*rows, lists=(), **stored):
    """Record that what readers see of `rows` (querysets of Versioned models) changed, and, for
    each name in `lists`, that those lists may now hold other rows or another number of them.

    `stored` are fields kept beside the version (counts) to set in the same statement. Call it
    inside the transaction that writes the change, as the project's writers do: a copy cached
    from the old data can then never be found under the new versions, and a crash cannot
    separate the two.
    """
    version = new_version()
    with transaction.atomic():
        for queryset in rows:
            queryset.update(version=version, **stored)
        for name in lists:
            if not ListVersion.objects.filter(name=name).update(value=version):
                ListVersion.objects.update_or_create(name=name, defaults={"value": version})


def list_version(name):
    """The current version of the `name` lists."""
    return ListVersion.objects.filter(name=name).values_list("value", flat=True).first() or ""


def list_versions(*names):
    """The current versions of the `names` lists, in one query, in that order."""
    values = dict(ListVersion.objects.filter(name__in=names).values_list("name", "value"))
    return [values.get(name, "") for name in names]
