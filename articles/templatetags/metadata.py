from django import template

from articles.structured_data import iso_datetime as _iso_datetime
from mistralnews import site_url

register = template.Library()


@register.filter
def iso_datetime(value):
    """A datetime as `<time datetime>`, Open Graph and JSON-LD take it: in UTC, to the second
    ("2026-06-02T08:00:00Z"); "" for None."""
    return _iso_datetime(value) or ""


@register.simple_tag
def absolute_url(path):
    """`path` as an absolute URL on the site's origin (SITE_URL), whatever Host the request
    named: canonical links, Open Graph and the sitemap's address in robots.txt."""
    return site_url.absolute_url(path)


@register.simple_tag
def absolute_media_url(url):
    """A stored file's URL (a lead image's) as an absolute URL, for Open Graph."""
    return site_url.absolute_media_url(url)
