"""What the discussion's script asks of the server (comments/static/comments/discussion.js):
the article's recommendation counts as they are now, cheap, cached under a version of their
own and answered with an ETag; a reply posted without leaving the page, answered with the part
of the page that changes; a recommendation answered as JSON. The page without the script
works as before (tests/test_replying.py, tests/test_recommendations.py)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from freshness.pages import COMMENTER_COOKIE, PENDING_COMMENTS_COOKIE, RECOMMENDER_COOKIE
from tests.conftest import comment_form_data, comments_url

RECOMMEND = reverse("comments:recommend")
SCRIPT = "comments/discussion.js"
JSON = {"HTTP_ACCEPT": "application/json"}
FRAGMENT = {"HTTP_X_FRAGMENT": "comment"}


def counts_url(article):
    return reverse("comments:recommendations", args=[article.pk])


def recommend(client, comment, **headers):
    return client.post(RECOMMEND, {"comment": comment.pk}, **headers)


@pytest.fixture
def comments(mistral, make_comment):
    return [make_comment(mistral, author_name=name) for name in ("Ada", "Grace", "Hedy")]


def test_the_counts_are_the_articles_visible_comments_with_recommendations(
    client, mistral, comments, make_comment, make_article
):
    ada, grace, _ = comments
    for _ in range(2):
        recommend(Client(), ada)
    recommend(Client(), grace)
    elsewhere = make_comment(make_article(title="Another"))
    recommend(Client(), elsewhere)

    response = client.get(counts_url(mistral))

    assert response.status_code == 200
    assert response.json() == {"counts": {str(ada.pk): 2, str(grace.pk): 1}, "recommended": []}
    assert not response.cookies, "reading sets no cookie"


def test_a_reader_learns_which_comments_they_recommend(client, mistral, comments):
    ada, grace, _ = comments
    reader = Client()
    recommend(reader, ada)
    recommend(Client(), grace)

    response = reader.get(counts_url(mistral))

    assert response.json()["recommended"] == [ada.pk]
    assert "private" in response["Cache-Control"], "what one reader recommends is theirs alone"
    assert "private" not in client.get(counts_url(mistral))["Cache-Control"]


def test_a_removed_comment_has_no_count(client, mistral, comments, editor):
    from comments.moderation import moderate

    recommend(Client(), comments[0])
    moderate(Comment.objects.filter(pk=comments[0].pk), "remove", editor, "Rude")

    assert client.get(counts_url(mistral)).json()["counts"] == {}


def test_the_counts_of_an_unpublished_or_unknown_article_are_not_found(client, make_article):
    draft = make_article(title="Draft", status=Article.Status.DRAFT)

    assert client.get(counts_url(draft)).status_code == 404
    assert client.get(reverse("comments:recommendations", args=[10**9])).status_code == 404


def test_the_counts_are_one_query_when_cached_and_two_when_not(
    client, mistral, comments, django_assert_num_queries
):
    recommend(Client(), comments[0])
    with django_assert_num_queries(2):  # the versions; the counts
        client.get(counts_url(mistral))
    with django_assert_num_queries(1):  # the versions; the counts from the cache
        assert client.get(counts_url(mistral)).json()["counts"] == {str(comments[0].pk): 1}


def test_a_recommenders_own_cost_one_query_more(mistral, comments, django_assert_num_queries):
    reader = Client()
    recommend(reader, comments[0])
    reader.get(counts_url(mistral))
    with django_assert_num_queries(2):  # the versions, the counts from the cache; theirs
        assert reader.get(counts_url(mistral)).json()["recommended"] == [comments[0].pk]


def test_the_counts_do_not_grow_with_the_discussion(
    client, mistral, make_comment, settings, django_assert_num_queries
):
    settings.COMMENTS_RECOMMEND_LIMIT = "off"
    for _ in range(30):
        recommend(Client(), make_comment(mistral))
    with django_assert_num_queries(2):
        assert len(client.get(counts_url(mistral)).json()["counts"]) == 30


def test_a_recommendation_renews_the_counts_and_not_the_article_page(
    client, mistral, comments, django_assert_num_queries
):
    page = mistral.get_absolute_url()
    page_etag = client.get(page)["ETag"]
    counts_etag = client.get(counts_url(mistral))["ETag"]
    version = type(mistral).objects.get(pk=mistral.pk).version

    recommend(Client(), comments[1])

    assert type(mistral).objects.get(pk=mistral.pk).version == version
    with django_assert_num_queries(1):  # the page still comes from the cache
        assert client.get(page)["ETag"] == page_etag
    fresh = client.get(counts_url(mistral))
    assert fresh["ETag"] != counts_etag
    assert fresh.json()["counts"] == {str(comments[1].pk): 1}


def test_the_counts_are_answered_by_etag(client, mistral, comments, django_assert_num_queries):
    recommend(Client(), comments[0])
    first = client.get(counts_url(mistral))

    with django_assert_num_queries(1):
        again = client.get(counts_url(mistral), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert "no-cache" in first["Cache-Control"] and "Cookie" in first["Vary"]
    recommend(Client(), comments[0])
    assert client.get(counts_url(mistral), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_change_to_the_discussion_renews_the_counts(client, mistral, comments, editor):
    from comments.moderation import moderate

    recommend(Client(), comments[0])
    first = client.get(counts_url(mistral))
    moderate(Comment.objects.filter(pk=comments[0].pk), "remove", editor, "Rude")

    assert client.get(counts_url(mistral), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# Recommending from the script


def test_the_script_recommends_and_takes_back_without_a_redirect(mistral, comments):
    reader = Client()

    first = recommend(reader, comments[0], **JSON)
    again = recommend(reader, comments[0], **JSON)

    assert first.status_code == 200
    assert first.json() == {"recommended": True, "count": 1}
    assert RECOMMENDER_COOKIE in first.cookies, "the cookie comes with the first, as without it"
    assert again.json() == {"recommended": False, "count": 0}
    assert "no-store" in first["Cache-Control"]


def test_the_script_hears_a_refusal_as_429(settings, comments):
    settings.COMMENTS_RECOMMEND_LIMIT = "1/1m"
    recommend(Client(), comments[0], **JSON)

    refused = recommend(Client(), comments[0], **JSON)

    assert refused.status_code == 429
    assert "wait" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0


# Replying from the script


def test_a_reply_posted_by_the_script_is_answered_with_its_html(
    client, mistral, comments, open_comments
):
    parent = comments[0]

    response = client.post(
        comments_url(mistral),
        comment_form_data(parent=str(parent.pk), author_name="Lin", body="Quite *so*."),
        **FRAGMENT,
    )

    reply = Comment.objects.get(body="Quite *so*.")
    html = response.content.decode()
    assert response.status_code == 201
    assert reply.parent_id == parent.pk
    assert html.startswith(f'<li class="comment" id="comment-{reply.pk}">')
    assert "<em>so</em>" in html and "Lin" in html
    assert 'aria-label="Reply to Lin"' in html, "the new comment can be answered too"
    assert f'form="recommend-form" name="comment" value="{reply.pk}"' in html
    assert f'href="/comments/{reply.pk}/edit/"' in html, "its author may edit it"
    assert "<html" not in html
    assert "private" in response["Cache-Control"]
    assert COMMENTER_COOKIE in response.cookies, "remembered as without the script"


def test_a_held_reply_is_answered_with_its_authors_notice(client, mistral, comments):
    response = client.post(
        comments_url(mistral),
        comment_form_data(parent=str(comments[0].pk), body="Held for now."),
        **FRAGMENT,
    )

    reply = Comment.objects.get(body="Held for now.")
    assert reply.status == Comment.Status.PENDING
    assert response.status_code == 201
    html = response.content.decode()
    assert html.startswith(f'<div class="notice" id="comment-{reply.pk}" role="status">')
    assert "awaiting moderation" in html
    assert PENDING_COMMENTS_COOKIE in response.cookies


def test_a_rejected_reply_is_answered_with_the_error_summary(client, mistral, comments):
    response = client.post(
        comments_url(mistral), comment_form_data(parent=str(comments[0].pk), body=""), **FRAGMENT
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert html.startswith('<div class="error-summary" id="error-summary" role="alert"')
    assert re.search(r'<a href="#id_body">Comment: [^<]+</a>', html)
    assert "<html" not in html
    assert not Comment.objects.filter(parent=comments[0]).exists()


def test_without_the_header_a_post_is_answered_as_before(client, mistral, comments):
    ok = client.post(
        comments_url(mistral), comment_form_data(parent=str(comments[0].pk), body="Plain.")
    )
    rejected = client.post(comments_url(mistral), comment_form_data(body=""))

    assert ok.status_code == 303
    assert rejected.status_code == 400
    assert '<div class="error-summary"' in rejected.content.decode()
    assert "<html" in rejected.content.decode()


# The page and its script


def test_the_article_page_loads_the_script_and_names_the_counts(client, mistral):
    html = client.get(mistral.get_absolute_url()).content.decode()

    assert f'<script src="/static/{SCRIPT}" defer></script>' in html
    assert f'data-recommendations="{counts_url(mistral)}"' in html


def test_a_page_without_a_form_loads_no_script(client, mistral):
    type(mistral).objects.filter(pk=mistral.pk).update(comments_open=False)

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert SCRIPT not in html


def test_the_script_is_small(settings):
    script = settings.BASE_DIR / "comments" / "static" / SCRIPT
    assert script.stat().st_size <= 10 * 1024
