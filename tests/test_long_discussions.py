"""Long discussions: each section pages by its threads, long threads fold and have a page of
their own, and every comment's permalink finds the page that holds it; all without
JavaScript, in a bounded number of queries."""

import re

import pytest

from comments.discussion import SHOWN_PER_THREAD, THREADS_PER_PAGE
from comments.models import Comment
from comments.moderation import moderate
from comments.rendering import OPEN_REPLIES

COMMENT_ID = re.compile(r'<li class="comment" id="comment-(\d+)"')


def shown(html):
    return [int(pk) for pk in COMMENT_ID.findall(html)]


@pytest.fixture
def long_question(mistral, make_comment):
    """25 threads answering the first question, the first with 14 replies."""
    question = mistral.questions.first()
    roots = [make_comment(mistral, question=question, body=f"Answer {n}.") for n in range(25)]
    replies = [make_comment(mistral, parent=roots[0], body=f"Reply {n}.") for n in range(14)]
    return question, roots, replies


def test_a_section_shows_its_first_threads_and_links_to_the_next_page(
    client, mistral, long_question
):
    question, roots, _ = long_question

    html = client.get(mistral.get_absolute_url()).content.decode()

    on_page = shown(html)
    assert [root.pk for root in roots[:THREADS_PER_PAGE]] == [
        pk for pk in on_page if pk in {root.pk for root in roots}
    ]
    assert roots[THREADS_PER_PAGE].pk not in on_page
    url = mistral.get_absolute_url()
    assert f'href="{url}?question={question.pk}&amp;page=2#question-{question.pk}"' in html
    assert "15 more answers to this question →" in html


def test_later_pages_of_a_section_work_without_javascript(client, mistral, long_question):
    question, roots, _ = long_question
    url = mistral.get_absolute_url()

    second = client.get(url, {"question": question.pk, "page": 2}).content.decode()
    last = client.get(url, {"question": question.pk, "page": 3}).content.decode()

    assert shown(second) == [root.pk for root in roots[10:20]]
    assert shown(last) == [root.pk for root in roots[20:]]
    assert "Page 2 of 3" in second and 'rel="prev"' in second and 'rel="next"' in second
    assert "Page 3 of 3" in last and 'rel="next"' not in last
    assert 'id="general-discussion"' not in second, "a section's page shows that section"
    assert client.get(url, {"question": question.pk, "page": 4}).status_code == 404
    assert client.get(url, {"question": question.pk, "page": "x"}).status_code == 404
    assert client.get(url, {"question": "999999", "page": 1}).status_code == 404


def test_a_long_thread_shows_its_first_comments_folds_replies_and_has_a_page_of_its_own(
    client, mistral, long_question
):
    _, roots, replies = long_question
    url = mistral.get_absolute_url()

    html = client.get(url).content.decode()
    whole = client.get(url, {"thread": roots[0].pk}).content.decode()

    first_shown = [reply.pk for reply in replies[: SHOWN_PER_THREAD - 1]]
    assert [pk for pk in shown(html) if pk in {r.pk for r in replies}] == first_shown
    folded = SHOWN_PER_THREAD - 1 - OPEN_REPLIES
    assert f'<details class="thread__folded"><summary>{folded} more replies</summary>' in html
    assert "Read the whole thread (5 more comments)" in html
    assert f'href="{url}?thread={roots[0].pk}#comment-{roots[0].pk}"' in html
    assert shown(whole) == [roots[0].pk, *(reply.pk for reply in replies)]
    assert "<details" not in whole, "a thread's own page folds nothing"
    assert client.get(url, {"thread": replies[0].pk}).status_code == 404, "not a thread's start"


def test_every_comment_permalink_reaches_the_page_that_shows_it(
    client, mistral, long_question, make_comment, editor
):
    _, roots, replies = long_question
    general = [make_comment(mistral, body=f"General {n}.") for n in range(12)]
    moderate(Comment.objects.filter(pk=roots[11].pk), "remove", editor, "Off topic")

    for comment in [*roots, *replies, *general]:
        response = client.get(f"/comments/{comment.pk}/")
        assert response.status_code == 302
        page, anchor = response["Location"].split("#")
        assert anchor == f"comment-{comment.pk}"
        assert f'id="comment-{comment.pk}"' in client.get(page).content.decode(), page


def test_permalinks_of_comments_readers_cannot_see_are_404(client, mistral, make_comment):
    held = make_comment(mistral, status=Comment.Status.PENDING)
    spam = make_comment(mistral, status=Comment.Status.SPAM)

    for comment in [held, spam]:
        assert client.get(f"/comments/{comment.pk}/").status_code == 404
    assert client.get("/comments/99999/").status_code == 404


def test_a_comment_posted_on_a_later_page_goes_back_to_it(client, mistral, long_question, settings):
    question, _, _ = long_question
    settings.COMMENTS_MODERATION = "open"
    settings.COMMENTS_RATE_LIMIT = "off"
    data = {
        "author_name": "Late",
        "author_email": "late@example.com",
        "body": "The 26th answer.",
        "question": str(question.pk),
        "parent": "",
        "homepage": "",
    }

    response = client.post(f"{mistral.get_absolute_url()}comments/", data)

    posted = Comment.objects.get(body="The 26th answer.")
    assert response["Location"] == (
        f"{mistral.get_absolute_url()}?question={question.pk}&page=3#comment-{posted.pk}"
    )


@pytest.mark.parametrize("query", [{}, {"question": "Q", "page": 2}, {"thread": "T"}])
def test_pages_of_a_long_discussion_cost_the_same_queries(
    client,
    mistral,
    long_question,
    make_comment,
    django_assert_max_num_queries,
    page_cache_off,
    query,
):
    question, roots, _ = long_question
    for root in roots:
        for _ in range(3):
            make_comment(mistral, parent=root)
    query = {
        name: {"Q": question.pk, "T": roots[0].pk}.get(value, value)
        for name, value in query.items()
    }

    # The article, its category, tags and questions; the threads; their replies; the newest
    # comments for the JSON-LD.
    with django_assert_max_num_queries(7):
        response = client.get(mistral.get_absolute_url(), query)

    assert response.status_code == 200


def test_shared_copies_of_section_and_thread_pages_are_cached(
    client, mistral, long_question, django_assert_num_queries
):
    question, roots, _ = long_question
    url = mistral.get_absolute_url()
    for query, queries in [({"question": question.pk, "page": 2}, 2), ({"thread": roots[0].pk}, 1)]:
        client.get(url, query)
        # The article, and its questions to check the one named.
        with django_assert_num_queries(queries):
            assert client.get(url, query).status_code == 200
