"""Comments close by themselves N days after publication: the site's setting, or the
article's own number; the article says when."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.conftest import comment_form_data, comments_url


@pytest.fixture
def close_after_30(settings, open_comments):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_comments_close_by_themselves_after_the_sites_days(client, make_article, close_after_30):
    old = make_article(published_at=days_ago(31))

    page = client.get(old.get_absolute_url()).content.decode()
    posted = client.post(comments_url(old), comment_form_data())

    assert f"Comments closed on {old.comments_close_at:%-d %B %Y}." in page
    assert 'id="id_body"' not in page
    assert posted.status_code == 403
    assert not Comment.objects.exists()


def test_an_article_says_when_its_comments_close(client, make_article, close_after_30):
    recent = make_article(published_at=days_ago(2))

    page = client.get(recent.get_absolute_url()).content.decode()
    posted = client.post(comments_url(recent), comment_form_data())

    assert f"Comments close on {(recent.published_at + timedelta(days=30)):%-d %B %Y}." in page
    assert 'id="id_body"' in page
    assert posted.status_code == 303


@pytest.mark.parametrize(("own_days", "open_"), [(0, True), (60, True), (10, False)])
def test_an_article_overrides_the_sites_days(client, make_article, close_after_30, own_days, open_):
    article = make_article(published_at=days_ago(31), comments_close_after_days=own_days)

    posted = client.post(comments_url(article), comment_form_data())

    assert (posted.status_code == 303) is open_


def test_without_the_setting_comments_stay_open(client, make_article, open_comments):
    article = make_article(published_at=days_ago(3650))

    assert client.post(comments_url(article), comment_form_data()).status_code == 303
    assert "Comments close on" not in client.get(article.get_absolute_url()).content.decode()


def test_a_cached_page_closes_when_the_time_comes(
    client, make_article, close_after_30, monkeypatch
):
    article = make_article(published_at=days_ago(29))
    assert 'id="id_body"' in client.get(article.get_absolute_url()).content.decode()

    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert 'id="id_body"' not in client.get(article.get_absolute_url()).content.decode()


def test_editors_set_an_articles_days_in_the_desk(editor_client, mistral):
    page = editor_client.get(f"/admin/articles/article/{mistral.pk}/change/").content.decode()

    assert 'name="comments_close_after_days"' in page
