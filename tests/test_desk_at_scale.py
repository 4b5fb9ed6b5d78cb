"""The desk at newsroom size (10,000 articles, 2,000 tags, 200,000 comments): no page lists
every article, tag or question, counts every row, reads every body, or sorts what an index
could give in order. Measured figures: docs/performance.md."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments.models import Comment, ModerationEvent
from comments.moderation import moderate
from desk.queue import waiting
from tests.test_list_indexes import plan, reads_in_order

QUEUE = "/admin/comments/comment/"
ARTICLES = "/admin/articles/article/"
EVENTS = "/admin/comments/moderationevent/"
Status = Comment.Status


def get(client, url, **query):
    """The page and the SQL of the queries it made."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured]


def listed(response):
    return list(response.context["cl"].result_list)


@pytest.fixture
def newsroom(make_article, make_comment):
    """Twelve articles with two questions each; a pending comment on the first only."""
    articles = [
        make_article(title=f"Story {n:02d}", questions=[f"Q{n}a?", f"Q{n}b?"]) for n in range(12)
    ]
    for article in articles:
        make_comment(article, question=article.questions.first())
    make_comment(articles[0], status=Status.PENDING, author_email="Held@Example.org")
    return articles


# The comment queue's filters


def test_queue_lists_no_article_but_the_chosen_one(editor_client, newsroom):
    html = editor_client.get(QUEUE).content.decode()

    assert "Story 00" in html  # the pending comment's row
    assert not [n for n in range(1, 12) if f"Story {n:02d}" in html]
    assert 'href="/admin/articles/article/">Choose in the article list' in html

    chosen = editor_client.get(QUEUE, {"article__id__exact": newsroom[5].pk, "status": "all"})
    html = chosen.content.decode()
    assert f'<li class="selected">\n    <a href="?article__id__exact={newsroom[5].pk}' in html
    assert [n for n in range(12) if f"Story {n:02d}" in html] == [5]


def test_queue_lists_the_questions_of_the_chosen_article_only(editor_client, newsroom):
    none_chosen = editor_client.get(QUEUE, {"status": "all"}).content.decode()
    chosen = editor_client.get(
        QUEUE, {"status": "all", "article__id__exact": newsroom[3].pk}
    ).content.decode()

    assert "By question" not in none_chosen
    assert "Q3a?" in chosen and "Q3b?" in chosen
    assert not [n for n in range(12) if n != 3 and f"Q{n}a?" in chosen]


def test_the_chosen_question_is_listed_without_its_article(editor_client, newsroom):
    question = newsroom[4].questions.first()

    response = editor_client.get(QUEUE, {"status": "all", "question__id__exact": question.pk})

    assert listed(response) == list(Comment.objects.filter(question=question))
    assert "Q4a?" in response.content.decode()


def test_the_approved_and_pending_counts_choose_the_article(editor_client, newsroom):
    html = editor_client.get(ARTICLES).content.decode()
    first = newsroom[0].pk

    assert (
        f'href="/admin/comments/comment/?article__id__exact={first}&amp;status=approved">1<' in html
    )
    assert f'href="/admin/comments/comment/?article__id__exact={first}">1</a>' in html


# Counts, rows and orders


# The desk header's counts of comments waiting and reported (desk.queue.counts).
DESK_COUNTS = 'SELECT COUNT("comments_comment"."id") FILTER'


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (QUEUE, {"status": "pending"}),
        (ARTICLES, {"state": "live"}),
        (EVENTS, {"action": "approve"}),
    ],
)
def test_a_filtered_page_does_not_count_the_whole_table(
    editor_client, newsroom, editor, url, query
):
    """Only what the filters leave is counted, for the paginator; not every row, for
    "(N total)"."""
    moderate(Comment.objects.filter(status=Status.PENDING), "approve", editor)

    _, queries = get(editor_client, url, **query)

    counts = [sql for sql in queries if sql.startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert " WHERE " in counts[0]
    assert len([sql for sql in queries if sql.startswith(DESK_COUNTS)]) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_the_desk_counts_read_the_queue_and_open_reports_from_their_indexes(
    editor_client, newsroom
):
    _, queries = get(editor_client, ARTICLES)
    [counting] = [sql for sql in queries if sql.startswith(DESK_COUNTS)]

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {counting}")
        steps = " ".join(str(row) for row in cursor.fetchall())

    assert "MULTI-INDEX OR" in steps
    assert "comment_queue_idx" in steps and "one_open_report_per_network" in steps
    assert "SCAN comments_comment" not in steps


@pytest.mark.parametrize("url", [QUEUE, ARTICLES, EVENTS])
def test_rows_are_read_without_bodies(editor_client, newsroom, editor, url):
    moderate(Comment.objects.filter(status=Status.PENDING), "approve", editor)

    _, queries = get(editor_client, url, status="all") if url == QUEUE else get(editor_client, url)

    sql = " ".join(queries)
    for body in ['"comments_comment"."body"', '"comments_comment"."card_html"']:
        assert body not in sql
    assert '"articles_article"."body"' not in sql and '"articles_article"."body_html"' not in sql


def queue_plan(client, **query):
    """The plan of the query that finds a page's comments (articles.paging.ids_first)."""
    return plan(client.get(QUEUE, query).context["cl"].queryset.values("pk")[:50])


def test_the_queue_comes_in_order_from_an_index(editor_client, newsroom):
    reads_in_order(queue_plan(editor_client), "comment_queue_idx")
    reads_in_order(queue_plan(editor_client, status="all"), "comment_age_idx")
    reads_in_order(queue_plan(editor_client, status="all", o="6"), "comment_age_idx")
    reads_in_order(queue_plan(editor_client, status="all", o="-6"), "comment_age_idx")
    article = newsroom[0].pk
    reads_in_order(
        queue_plan(editor_client, status="all", article__id__exact=article),
        "comment_article_age_idx",
    )


def test_over_every_comment_only_the_age_sorts(editor_client, newsroom):
    everything = editor_client.get(QUEUE, {"status": "all"}).content.decode()
    pending = editor_client.get(QUEUE).content.decode()

    assert 'class="sortable column-age' in everything
    assert 'class="sortable column-author_name' not in everything
    assert 'class="sortable column-author_name' in pending


# Searches


def test_over_every_comment_an_email_finds_its_comments_in_any_case(editor_client, newsroom):
    held = Comment.objects.get(status=Status.PENDING)

    response, queries = get(editor_client, QUEUE, status="all", q=" held@example.ORG ")

    assert listed(response) == [held]
    assert not [sql for sql in queries if "LIKE" in sql], "no comment's text or name is read"


def test_over_every_comment_a_word_is_not_searched_for(editor_client, newsroom):
    response, queries = get(editor_client, QUEUE, status="all", q="Comment")

    assert listed(response) == []
    assert not [sql for sql in queries if "LIKE" in sql]


def test_within_one_article_the_text_is_searched(editor_client, newsroom, make_comment):
    wanted = make_comment(newsroom[2], body="On sovereign models.")
    make_comment(newsroom[3], body="Sovereign elsewhere.")

    response = editor_client.get(
        QUEUE, {"status": "all", "article__id__exact": newsroom[2].pk, "q": "sovereign"}
    )

    assert listed(response) == [wanted]


def test_moderation_events_are_found_by_reason_or_email(editor_client, newsroom, editor):
    held = Comment.objects.filter(status=Status.PENDING)
    moderate(held, "remove", editor, "off topic")
    moderate(Comment.objects.filter(article=newsroom[1]), "spam", editor)
    removal = ModerationEvent.objects.get(action="remove")

    assert listed(editor_client.get(EVENTS, {"q": "topic"})) == [removal]
    assert listed(editor_client.get(EVENTS, {"q": "HELD@example.org"})) == [removal]


# The article list


def test_article_list_offers_the_most_used_tags_and_the_chosen_one(editor_client, make_article):
    for n in range(20):
        make_article(tags=[f"Common{k}" for k in range(15)] if n < 3 else [f"Rare{n}"])
    rare = Article.objects.get(tags__name="Rare19").tags.get()

    html = editor_client.get(ARTICLES).content.decode()
    chosen = editor_client.get(ARTICLES, {"tags__id__exact": rare.pk})

    assert html.count(">Common") == 15
    assert "Rare" not in html
    assert f'<a href="?tags__id__exact={rare.pk}">Rare19</a>' in chosen.content.decode()
    assert [article.tag_list for article in listed(chosen)] == [[rare]]


def test_the_article_lists_years_come_from_the_index(editor_client, make_article):
    for year in (2019, 2021, 2021, 2024):
        make_article(published_at=datetime(year, 5, 1, tzinfo=UTC))
    make_article(status=Article.Status.DRAFT, published_at=None)

    response, queries = get(editor_client, ARTICLES)

    years = re.findall(r'<a href="\?published_at__year=(\d+)">', response.content.decode())
    assert years == ["2019", "2021", "2024"]
    assert not [sql for sql in queries if "trunc" in sql.lower()]
    by_year = editor_client.get(ARTICLES, {"published_at__year": "2021"}).content.decode()
    assert "published_at__month=5" in by_year  # Django's own months, within a year


def test_searching_articles_reads_no_dates_until_one_is_chosen(editor_client, make_article):
    make_article(title="Fjords and data centres")

    searching, queries = get(editor_client, ARTICLES, q="fjords")
    by_year = editor_client.get(ARTICLES, {"q": "fjords", "published_at__year": "2026"})

    assert searching.context["cl"].date_hierarchy is None
    assert not [sql for sql in queries if "MIN(" in sql or "trunc" in sql.lower()]
    assert by_year.context["cl"].date_hierarchy == "published_at"


# The one-click queue


def test_the_one_click_queue_reads_no_article_body_and_comes_from_an_index(editor_client, newsroom):
    _, queries = get(editor_client, "/admin/desk/queue/")

    sql = " ".join(queries)
    assert '"articles_article"."body' not in sql
    assert '"comments_comment"."card_html"' not in sql
    assert '"comments_comment"."body",' not in sql
    reads_in_order(plan(waiting().values("pk")[:25]), "comment_queue_idx")
    reads_in_order(plan(waiting(newsroom[0]).values("pk")[:25]), "comment_thread_idx")
