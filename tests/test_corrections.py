"""Corrections: an editor adds a dated "Correction" note to a published article; readers see
it under the article and in the feed, the article shows as updated, and it stays in the
article's history."""

from datetime import UTC, timedelta

import feedparser
from django.utils import timezone

from articles.models import Article
from tests.test_article_admin import article_form_data, change_url
from tests.test_metadata import article_json_ld


def with_correction(article, text, when=None):
    fields = {
        "corrections-TOTAL_FORMS": "1",
        "corrections-0-text": text,
        "corrections-0-published_at_0": (when or timezone.now()).strftime("%Y-%m-%d"),
        "corrections-0-published_at_1": (when or timezone.now()).strftime("%H:%M:%S"),
    }
    return article_form_data(article, **fields)


def test_an_editor_adds_a_correction_and_readers_see_it_dated_under_the_article(
    editor_client, client, make_article
):
    article = make_article(
        title="Mistral raises €600m", published_at=timezone.now() - timedelta(days=3)
    )
    before = client.get(article.get_absolute_url()).content.decode()
    assert "Correction" not in before and "Updated" not in before

    response = editor_client.post(
        change_url(article), with_correction(article, "The round was **€600m**, not €500m.")
    )

    assert response.status_code == 302, response.context["errors"]
    page = client.get(article.get_absolute_url()).content.decode()
    today = timezone.now().strftime("%-d %B %Y")
    assert '<h2 id="corrections-heading">Correction</h2>' in page
    assert '<p class="correction__date"><time datetime="' in page
    assert f">{today}</time></p>" in page
    assert "The round was <strong>€600m</strong>, not €500m." in page
    assert "· Updated <time" in page  # the article is updated as of the correction
    assert page.index("The round was") < page.index('class="article__footer"')


def test_the_feed_shows_the_correction_and_the_entry_as_updated(
    editor_client, client, make_article
):
    article = make_article(published_at=timezone.now() - timedelta(days=3))
    first = feedparser.parse(client.get("/feed/").content)
    etag = client.get("/feed/")["ETag"]

    editor_client.post(change_url(article), with_correction(article, "A date was wrong."))

    response = client.get("/feed/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200  # not 304: the feed changed
    entry = feedparser.parse(response.content).entries[0]
    assert "A date was wrong." in entry.content[0].value
    assert "Correction" in entry.content[0].value
    assert entry.updated_parsed > first.entries[0].updated_parsed


def test_corrections_are_listed_oldest_first_and_a_deleted_one_disappears(client, make_article):
    article = make_article()
    now = timezone.now()
    second = article.corrections.create(text="Second fix.", published_at=now - timedelta(hours=1))
    article.corrections.create(text="First fix.", published_at=now - timedelta(hours=2))

    page = client.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="corrections-heading">Corrections</h2>' in page
    assert page.index("First fix.") < page.index("Second fix.")

    second.delete()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Second fix." not in page and "First fix." in page


def test_a_correction_to_a_draft_does_not_mark_it_revised(make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)

    draft.corrections.create(text="Fixed before anyone saw it.")

    draft.refresh_from_db()
    assert draft.revised_at is None
    assert "Fixed before anyone saw it." in draft.corrections_html


def test_the_article_page_costs_the_same_queries_with_corrections(
    client, make_article, page_cache_off, django_assert_num_queries
):
    article = make_article()
    for n in range(3):
        article.corrections.create(text=f"Fix {n}.")

    with django_assert_num_queries(6):  # as tests/test_pages.py counts it without any
        response = client.get(article.get_absolute_url())
    assert "Fix 2." in response.content.decode()


def test_corrections_are_in_the_json_ld_as_correction_comments(client, make_article):
    article = make_article(published_at=timezone.now() - timedelta(days=3))
    assert "correction" not in article_json_ld(client, article)
    first = timezone.now().replace(microsecond=0) - timedelta(days=2)
    article.corrections.create(text="The round was **€600m**.", published_at=first)
    article.corrections.create(
        text="The CEO is *Arthur Mensch*.", published_at=first + timedelta(days=1)
    )

    corrections = article_json_ld(client, article)["correction"]

    assert corrections == [
        {
            "@type": "CorrectionComment",
            "text": "The round was €600m.",
            "datePublished": first.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        {
            "@type": "CorrectionComment",
            "text": "The CEO is Arthur Mensch.",
            "datePublished": (first + timedelta(days=1))
            .astimezone(UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    ]


def test_a_deleted_correction_leaves_the_json_ld(client, make_article):
    article = make_article(published_at=timezone.now() - timedelta(days=3))
    correction = article.corrections.create(text="A date was wrong.")

    correction.delete()

    assert "correction" not in article_json_ld(client, article)
