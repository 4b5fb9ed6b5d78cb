"""An article as schema.org JSON-LD, the metadata search engines read."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# As in django.utils.html.json_script: with no "<", ">" or "&" left in the JSON, no value
# (a comment reading "</script>", say) can end the script element early.
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data):
    """`data` as a <script type="application/ld+json"> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def news_article(article, url):
    """`article` as a schema.org NewsArticle whose canonical address is `url`.

    Reads the category, tags and fields the article page has loaded; no query.
    """
    publisher = {"@type": "Organization", "name": settings.SITE_NAME}
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.title,
        "description": article.excerpt,
        "datePublished": article.published_at,
        "dateModified": article.modified_at,
        "author": {"@type": "Person", "name": article.byline} if article.byline else publisher,
        "publisher": publisher,
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in article.tag_list],
        "inLanguage": settings.LANGUAGE_CODE,
        "isAccessibleForFree": True,
    }
