"""The site as it would be if recommending renewed the article's version, as every other
writer of what the page shows does: each recommendation would throw away everyone's cached
copy of the page. `make bench-recommend` serves it beside the site to show what that costs,
and that the benchmark sees it. It is not part of the site.
"""

from django.db import transaction

from mistralnews import wsgi

application = wsgi.application

from articles.models import Article  # noqa: E402 (Django is set up by now)
from comments import recommending  # noqa: E402
from freshness.versions import renew  # noqa: E402

toggle = recommending.toggle


def toggle_and_renew(comment, reader, client):
    with transaction.atomic():
        recommended = toggle(comment, reader, client)
        renew(Article.objects.filter(pk=comment.article_id))
    return recommended


recommending.toggle = toggle_and_renew
