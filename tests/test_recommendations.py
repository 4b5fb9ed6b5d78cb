"""Readers recommend comments without accounts: once each (again takes it back), a cookie set
only on the first recommendation, a limit per network that holds wherever it is counted, a
count on the comment and a "Most recommended" order, and no cached page thrown away."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, Recommendation
from freshness.pages import RECOMMENDER_COOKIE

RECOMMEND = reverse("comments:recommend")


@pytest.fixture
def comment(mistral, make_comment):
    return make_comment(mistral, author_name="Jonas Weber", body="Worth reading.")


def recommend(client, comment):
    return client.post(RECOMMEND, {"comment": comment.pk})


def count(comment):
    return Comment.objects.get(pk=comment.pk).recommend_count


def test_a_reader_recommends_a_comment_once_and_can_take_it_back(mistral, comment):
    reader = Client()

    first = recommend(reader, comment)

    assert first.status_code == 303
    assert first["Location"] == f"{mistral.get_absolute_url()}#comment-{comment.pk}"
    assert RECOMMENDER_COOKIE in first.cookies, "the cookie comes with the first recommendation"
    assert count(comment) == 1

    again = recommend(reader, comment)
    assert RECOMMENDER_COOKIE not in again.cookies, "and only then"
    assert count(comment) == 0, "recommending again takes it back"
    recommend(reader, comment)
    assert count(comment) == 1
    assert Recommendation.objects.count() == 1


def test_each_reader_counts_once(comment):
    for _ in range(3):
        recommend(Client(), comment)

    assert count(comment) == 3


def test_a_forged_cookie_is_a_new_reader(comment):
    reader = Client()
    recommend(reader, comment)
    forger = Client()
    forger.cookies[RECOMMENDER_COOKIE] = reader.cookies[RECOMMENDER_COOKIE].value[:-2] + "xx"

    response = recommend(forger, comment)

    assert RECOMMENDER_COOKIE in response.cookies
    assert count(comment) == 2, "it took nobody's recommendation back"


def test_readers_who_only_read_get_no_cookie(client, mistral, comment):
    response = client.get(mistral.get_absolute_url())

    assert RECOMMENDER_COOKIE not in response.cookies
    assert 'form="recommend-form"' in response.content.decode()


def test_the_count_shows_and_the_page_needs_no_script(client, mistral, comment, page_cache_off):
    recommend(Client(), comment)
    recommend(Client(), comment)

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert '<span class="comment__recommends">2 recommendations</span>' in html
    assert f'<form id="recommend-form" method="post" action="{RECOMMEND}">' in html
    assert f'name="comment" value="{comment.pk}"' in html


def test_recommending_keeps_pages_shared_and_cached(mistral, comment, django_assert_num_queries):
    reader = Client()
    url = mistral.get_absolute_url()
    before = reader.get(url)["ETag"]

    recommend(reader, comment)
    with django_assert_num_queries(1):  # the article; the page from the cache
        after = reader.get(url)

    assert after["ETag"] == before, "nobody's cached page was thrown away"
    assert "private" in after["Cache-Control"] and "ETag" in after, "a shared copy still"


def test_most_recommended_first(client, mistral, make_comment, page_cache_off):
    question = mistral.questions.first()
    quiet, popular = (make_comment(mistral, question=question) for _ in range(2))
    recommend(Client(), popular)

    html = client.get(mistral.get_absolute_url(), {"sort": "recommended"}).content.decode()

    assert html.index(f'id="comment-{popular.pk}"') < html.index(f'id="comment-{quiet.pk}"')
    assert 'aria-current="true"><strong>Most recommended</strong>' in html


@pytest.mark.parametrize("store", ["database", pytest.param("redis", marks=pytest.mark.redis)])
def test_one_network_can_recommend_only_so_often(request, settings, comment, store):
    if store == "redis":
        request.getfixturevalue("redis_cache")
    settings.COMMENTS_RECOMMEND_LIMIT = "2/1m"

    responses = [recommend(Client(), comment) for _ in range(3)]  # cookies cleared each time

    assert [r.status_code for r in responses] == [303, 303, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    assert count(comment) == 2
    other_network = Client(REMOTE_ADDR="192.0.2.7")
    assert recommend(other_network, comment).status_code == 303


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "99999999999999999999999"])
def test_a_recommendation_names_a_comment(client, comment, value):
    assert client.post(RECOMMEND, {"comment": value}).status_code == 400


def test_only_visible_comments_can_be_recommended(client, mistral, make_comment):
    held = make_comment(mistral, status=Comment.Status.PENDING)

    assert recommend(client, held).status_code == 404
    assert client.get(RECOMMEND, {"comment": held.pk}).status_code == 405
