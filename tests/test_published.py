from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article


def test_published_holds_only_published_articles_whose_time_has_come(make_article):
    past = make_article(published_at=timezone.now() - timedelta(days=1))
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(days=1))

    assert list(Article.objects.published()) == [past]


def test_draft_with_a_past_date_is_not_published(make_article):
    make_article(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=3))

    assert not Article.objects.published().exists()


def test_scheduled_article_appears_by_itself_when_its_time_comes(make_article, client, monkeypatch):
    publish_at = timezone.now() + timedelta(hours=2)
    scheduled = make_article(published_at=publish_at)

    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert scheduled.title not in client.get("/").content.decode()

    later = publish_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert scheduled.title in client.get("/").content.decode()


def test_publishing_without_a_date_publishes_now(make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    article.status = Article.Status.PUBLISHED
    article.save()

    assert article.published_at <= timezone.now()
    assert list(Article.objects.published()) == [article]


@pytest.mark.parametrize(
    ("status", "offset", "expected_status"),
    [
        (Article.Status.DRAFT, timedelta(days=-1), 404),
        (Article.Status.PUBLISHED, timedelta(days=1), 404),
        (Article.Status.PUBLISHED, timedelta(days=-1), 200),
    ],
)
def test_article_page_status_follows_the_published_rules(
    make_article, client, status, offset, expected_status
):
    article = make_article(status=status, published_at=timezone.now() + offset)

    assert client.get(article.get_absolute_url()).status_code == expected_status
