"""The version records pages are cached under.

A page's cached copy is kept under the versions of what it shows; a writer that changes what
readers see renews those versions in the same transaction (freshness.versions.renew), so no
process anywhere finds a copy under the new versions that was made from the old data. The
versions live in the database, beside the data, for the same reason.
"""

import secrets

from django.db import models


def new_version():
    """A version no cached copy was ever kept under: random, so that a database restored from
    a backup never meets copies made from a later state under its old versions."""
    return secrets.token_hex(8)


class Versioned(models.Model):
    """A model whose rows each have a page (or a part of one), cached under `version`."""

    version = models.CharField(max_length=16, default=new_version, editable=False)

    class Meta:
        abstract = True


class ListVersion(models.Model):
    """The version of a kind of list page: which rows it lists, in which order, how many.
    What each listed row shows is covered by the row's own version."""

    name = models.CharField(max_length=50, primary_key=True)
    value = models.CharField(max_length=16, default=new_version)

    def __str__(self):
        return f"{self.name} lists, version {self.value}"
