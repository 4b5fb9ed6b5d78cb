import itertools
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Category

MISTRAL_SLUG = "europes-23-billion-ai-powerhouse-mistral-is-growing-fast"


@pytest.fixture
def category(db):
    return Category.objects.create(name="AICloud", slug="aicloud")


@pytest.fixture
def make_article(db, category):
    """Create an article; published an hour ago unless told otherwise."""
    numbers = itertools.count(1)

    def make(*, tags=(), questions=(), **fields):
        number = next(numbers)
        fields.setdefault("title", f"Article number {number}")
        fields.setdefault("slug", f"article-{number}")
        fields.setdefault("summary", f"Summary of article {number}.")
        fields.setdefault("body", f"Body of article {number}.")
        fields.setdefault("category", category)
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - timedelta(hours=number))
        article = Article.objects.create(**fields)
        article.tags.set(list(tags))
        for position, text in enumerate(questions, start=1):
            article.questions.create(text=text, position=position)
        return article

    return make


@pytest.fixture
def mistral(db):
    """The Mistral article as the site ships it (fixtures/mistral.json)."""
    call_command("loaddata", "mistral", verbosity=0)
    return Article.objects.get(slug=MISTRAL_SLUG)
