"""Sorting a discussion: oldest first (the default), newest first, or the editors' picks
first, chosen with links that work without JavaScript, the article's own order set by its
editors; sorted pages page like the others and stay shared, cached pages."""

import re

import pytest
from django.test import Client

from articles.models import Article
from comments.curation import pick
from comments.discussion import THREADS_PER_PAGE
from comments.models import Comment

COMMENT_ID = re.compile(r'<li class="comment" id="comment-(\d+)"')


def shown(html):
    return [int(pk) for pk in COMMENT_ID.findall(html)]


@pytest.fixture
def question(mistral):
    return mistral.questions.first()


@pytest.fixture
def answers(mistral, make_comment, question):
    """Answers to the first question, oldest first, and a reply under the first."""
    roots = [make_comment(mistral, question=question, body=f"Answer {n}.") for n in range(4)]
    reply = make_comment(mistral, parent=roots[0], body="A reply.")
    return roots, reply


def test_oldest_first_by_default_with_links_to_the_other_orders(client, mistral, answers):
    roots, reply = answers
    url = mistral.get_absolute_url()

    html = client.get(url).content.decode()

    assert shown(html) == [roots[0].pk, reply.pk, *[root.pk for root in roots[1:]]]
    sort = html[html.index('class="discussion__sort"') :].split("</nav>")[0]
    assert '<a href="/articles/' in sort
    assert f'href="{url}#discussion" aria-current="true"><strong>Oldest first</strong>' in sort
    assert f'href="{url}?sort=newest#discussion" rel="nofollow">Newest first</a>' in sort
    assert (
        f'href="{url}?sort=picks#discussion" rel="nofollow">Editors&#x27; Picks first</a>' in sort
    )


def test_newest_first_keeps_replies_in_the_order_they_came(client, mistral, answers):
    roots, reply = answers

    html = client.get(mistral.get_absolute_url(), {"sort": "newest"}).content.decode()

    assert shown(html) == [*[root.pk for root in reversed(roots[1:])], roots[0].pk, reply.pk]
    assert 'aria-current="true"><strong>Newest first</strong>' in html


def test_picks_first_puts_picked_threads_at_the_top(client, mistral, answers, editor):
    roots, _ = answers
    pick(Comment.objects.filter(pk=roots[2].pk), editor)

    html = client.get(mistral.get_absolute_url(), {"sort": "picks"}).content.decode()
    threads = html[html.index('<ol class="thread">') :]

    assert shown(threads)[0] == roots[2].pk


def test_editors_set_an_articles_own_order(client, mistral, answers):
    roots, _ = answers
    Article.objects.filter(pk=mistral.pk).update(discussion_order="newest")
    mistral.refresh_from_db()
    url = mistral.get_absolute_url()

    html = client.get(url).content.decode()

    assert shown(html)[0] == roots[-1].pk
    assert f'href="{url}?sort=oldest#discussion" rel="nofollow">Oldest first</a>' in html
    assert f'href="{url}#discussion" aria-current="true"><strong>Newest first</strong>' in html
    oldest = client.get(url, {"sort": "oldest"}).content.decode()
    assert shown(oldest)[0] == roots[0].pk


def test_the_desk_sets_an_articles_order(editor_client, mistral):
    html = editor_client.get(f"/admin/articles/article/{mistral.pk}/change/").content.decode()
    assert 'name="discussion_order"' in html
    assert '<option value="picks">Editors&#x27; Picks first</option>' in html


def test_sorted_pages_of_a_section_carry_their_order(client, mistral, make_comment, question):
    roots = [make_comment(mistral, question=question) for _ in range(THREADS_PER_PAGE + 2)]
    url = mistral.get_absolute_url()

    whole = client.get(url, {"sort": "newest"}).content.decode()
    assert (
        f'href="{url}?question={question.pk}&amp;page=2&amp;sort=newest#question-{question.pk}"'
        in whole
    )
    second = client.get(url, {"question": question.pk, "page": 2, "sort": "newest"})
    html = second.content.decode()

    assert shown(html) == [roots[1].pk, roots[0].pk]
    assert f'page=1&amp;sort=newest#question-{question.pk}">← Earlier' in html
    assert f'href="{url}?question={question.pk}&amp;page=1#discussion"' in html, (
        "sorting a section's page starts it again at its first page"
    )


def test_each_order_is_a_shared_cached_page_of_its_own(mistral, answers, django_assert_num_queries):
    reader = Client()
    url = mistral.get_absolute_url()
    oldest = reader.get(url)
    newest = reader.get(url, {"sort": "newest"})

    with django_assert_num_queries(1):  # the article: the page comes from the cache
        again = reader.get(url, {"sort": "newest"})

    assert again["ETag"] == newest["ETag"] != oldest["ETag"]
    assert reader.get(url, {"sort": "bogus"})["ETag"] == oldest["ETag"], "unknown: the default"
    assert reader.get(url, {"sort": "oldest"})["ETag"] == oldest["ETag"], "the default by name"


def test_a_permalink_finds_its_comment_whatever_the_articles_order(client, mistral, answers):
    roots, _ = answers
    Article.objects.filter(pk=mistral.pk).update(discussion_order="newest")

    location = client.get(roots[0].get_absolute_url())["Location"]

    assert "sort=oldest" in location
    assert roots[0].pk in shown(client.get(location).content.decode())
