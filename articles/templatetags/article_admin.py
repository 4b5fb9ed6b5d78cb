"""The desk's article list: its date hierarchy."""

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def article_date_hierarchy(changelist):
    """Django's date hierarchy, its first level (the years) found through the index
    (`ArticleQuerySet.publication_years`): Django truncates every article's date to find them,
    a Python function per row on SQLite (40-80 ms at 10,000 articles)."""
    field = changelist.date_hierarchy
    if any(name.startswith(f"{field}__") for name in changelist.params):
        return date_hierarchy(changelist)
    years = sorted(changelist.queryset.publication_years())
    if len(years) < 2:
        return date_hierarchy(changelist)  # it opens on that year's months
    return {
        "show": True,
        "back": None,
        "choices": [
            {
                "link": changelist.get_query_string({f"{field}__year": year}, [f"{field}__"]),
                "title": str(year),
            }
            for year in years
        ],
    }
