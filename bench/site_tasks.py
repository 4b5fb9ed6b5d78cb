"""Work the benchmark does inside the site's Django: `python bench/site_tasks.py COMMAND`.

populate N   add N approved comments to the Mistral article: threads spread over its
             questions and the general discussion, replies nested up to the maximum depth
moderate N   remove N of the comments (with a reason) and mark N more as spam, each logged
             as a moderation event, as an editor's decisions are
queries      print, as JSON, the database queries and bytes of each benchmarked page: the
             first request (cache empty) and the second (cache filled)
renew        renew the article's version, as its next change would (freshness.versions)
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mistralnews.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402
from comments.lifecycle import Event, announce  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.moderation import moderate  # noqa: E402
from freshness.versions import renew  # noqa: E402

SLUG = "europes-23-billion-ai-powerhouse-mistral-is-growing-fast"
PAGES = {"article": f"/articles/{SLUG}/", "home": "/", "feed": "/feed/", "robots": "/robots.txt"}
SENTENCES = [
    "Sovereignty is about *choice*: Europe needs at least one lab that answers to its own law.",
    "Open weights change the picture, because anyone can inspect and **run** the model.",
    "Fragmentation is the price, but interoperability through shared standards lowers it.",
    "Governments should publish model cards and audit logs for every deployment.",
    "See the licence terms at https://example.org/open-weights before drawing conclusions.",
    "The forward-deployed model looks a lot like consulting with a product attached.",
]


@transaction.atomic
def populate(count):
    article = Article.objects.get(slug=SLUG)
    questions = [*article.questions.all(), None]
    comments = []
    for number in range(count):
        sentences = [SENTENCES[(number + k) % len(SENTENCES)] for k in range(1 + number % 3)]
        comment = Comment(
            article=article,
            author_name=f"Reader {number}",
            author_email=f"reader{number}@example.com",
            body=f"Comment {number}. " + " ".join(sentences),
            status=Comment.Status.APPROVED,
        )
        if comments and number % 3:
            comment.attach_to(comments[number // 2])
        else:
            comment.question = questions[number % len(questions)]
        comment.save()
        comments.append(comment)
    announce(Event.POSTED, Comment.objects.filter(article=article))


def moderate_some(count):
    comments = Comment.objects.filter(article__slug=SLUG).order_by("pk")
    removing = list(comments.values_list("pk", flat=True)[1 : 2 * count : 2])
    spam = list(comments.values_list("pk", flat=True)[2 : 2 * count + 1 : 2])
    moderate(Comment.objects.filter(pk__in=removing), "remove", None, reason="Off topic")
    moderate(Comment.objects.filter(pk__in=spam), "spam", None)


def queries():
    client = Client()
    figures = {}
    for name, path in PAGES.items():
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(captured))
        figures[name] = {"cold": counts[0], "warm": counts[1], "bytes": len(response.content)}
    print(json.dumps(figures))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "populate":
        populate(int(args[0]))
    elif command == "moderate":
        moderate_some(int(args[0]))
    elif command == "queries":
        queries()
    elif command == "renew":
        renew(Article.objects.filter(slug=SLUG))
    else:
        sys.exit(__doc__)
