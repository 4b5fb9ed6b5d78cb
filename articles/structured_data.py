"""An article as schema.org JSON-LD, the metadata search engines read."""

import json
from datetime import UTC, datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from mistralnews.site_url import absolute_media_url

# As in django.utils.html.json_script: with no "<", ">" or "&" left in the JSON, no value
# (a comment reading "</script>", say) can end the script element early.
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def iso_datetime(value):
    """`value`, an aware datetime, in UTC to the second: "2026-06-02T08:00:00Z" (None for
    None: a draft's publication). One form for every date machines read on a page: HTML's
    <time datetime> (which allows at most three digits of a second: Django's "c" format
    prints six), Open Graph and JSON-LD (ISO 8601), and the stored comment cards, which
    print the same."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_ld_script(data):
    """`data` as a <script type="application/ld+json"> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def news_article(article, url):
    """`article` as a schema.org NewsArticle whose canonical address is `url`.

    Reads the category, tags and fields the article page has loaded; no query.
    """
    publisher = {"@type": "Organization", "name": settings.SITE_NAME}
    if settings.PUBLISHER_LOGO:
        publisher["logo"] = {"@type": "ImageObject", "url": publisher_logo_url()}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.title,
        "description": article.excerpt,
        "datePublished": iso_datetime(article.published_at),
        "dateModified": iso_datetime(article.modified_at),
        "author": {"@type": "Person", "name": article.byline} if article.byline else publisher,
        "publisher": publisher,
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in article.tag_list],
        "inLanguage": settings.LANGUAGE_CODE,
        "isAccessibleForFree": True,
    }
    if article.corrections_data:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction["text"],
                "datePublished": iso_datetime(datetime.fromisoformat(correction["published_at"])),
            }
            for correction in article.corrections_data
        ]
    if (image := article.share_image) is not None:
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute_media_url(image["url"]),
            "width": image["width"],
            "height": image["height"],
            "caption": article.lead_image_caption or article.lead_image_alt,
        }
        if article.lead_image_credit:
            data["image"]["creditText"] = article.lead_image_credit
    return data


def publisher_logo_url():
    """PUBLISHER_LOGO as an absolute URL: an absolute URL as it is, a static file's path on
    the site's origin."""
    logo = settings.PUBLISHER_LOGO
    return absolute_media_url(logo if "://" in logo else static(logo))
