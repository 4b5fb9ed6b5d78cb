from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`path` as an absolute URL on the host and scheme of this request: canonical links,
    Open Graph and the sitemap's address in robots.txt."""
    return context["request"].build_absolute_uri(path)
