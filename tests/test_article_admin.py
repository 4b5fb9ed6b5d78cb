"""The editors' desk for articles: the list, the form with its questions, and the actions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Category
from comments.models import Comment

CHANGELIST = "/admin/articles/article/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def article_form_data(article=None, **changes):
    """What the admin's article form posts: the article's fields and its questions inline."""
    questions = list(article.questions.all()) if article else []
    published_at = article.published_at if article else None
    data = {
        "title": article.title if article else "",
        "slug": article.slug if article else "",
        "summary": article.summary if article else "",
        "byline": article.byline if article else "",
        "body": article.body if article else "",
        "status": article.status if article else Article.Status.DRAFT,
        "published_at_0": published_at.strftime("%Y-%m-%d") if published_at else "",
        "published_at_1": published_at.strftime("%H:%M:%S") if published_at else "",
        "category": str(article.category_id) if article else "",
        "tags": ", ".join(article.tags.names()) if article else "",
        "comments_open": "on",
        "discussion_order": article.discussion_order if article else "oldest",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    for n, question in enumerate(questions):
        data |= {
            f"questions-{n}-id": str(question.pk),
            f"questions-{n}-article": str(article.pk),
            f"questions-{n}-position": str(question.position),
            f"questions-{n}-text": question.text,
        }
    return data | changes


def test_list_shows_status_dates_category_comment_counts_and_live_flag(
    editor_client, make_article, make_comment
):
    live = make_article(title="Live piece")
    make_article(title="Scheduled piece", published_at=timezone.now() + timedelta(days=2))
    make_article(title="Draft piece", status=Article.Status.DRAFT, published_at=None)
    make_comment(live)
    make_comment(live)
    make_comment(live, status=Comment.Status.PENDING)
    make_comment(live, status=Comment.Status.REMOVED)

    response = editor_client.get(CHANGELIST)

    html = response.content.decode()
    rows = {
        article.title: (article.comment_count, article.pending_count)
        for article in response.context["cl"].result_list
    }
    assert rows == {"Live piece": (2, 1), "Scheduled piece": (0, 0), "Draft piece": (0, 0)}
    headings = ["Title", "Status", "Date", "Category", "Approved", "Pending"]
    for heading in [*headings, "Live"]:
        assert f">{heading}</a>" in html or f">{heading}</span>" in html, heading
    assert f'href="/admin/comments/comment/?article__id__exact={live.pk}">1</a>' in html
    for state in ["Published", "Scheduled", "Draft"]:
        assert f'<td class="field-state">{state}</td>' in html
    assert html.count('alt="True"') == 1  # only the live article is live
    assert html.count('alt="False"') == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "draft"}, ["Draft piece"]),
        ({"state": "scheduled"}, ["Scheduled piece"]),
        ({"state": "live"}, ["Live piece"]),
        ({"q": "fjord"}, ["Live piece"]),  # search reaches the summary
        ({"q": "Scheduled"}, ["Scheduled piece"]),
        ({"q": "hydropower"}, []),  # not the body, which would mean reading every body
    ],
)
def test_list_filters_and_search(editor_client, make_article, query, expected):
    make_article(title="Live piece", summary="A fjord of data centres.", body="Hydropower.")
    make_article(title="Scheduled piece", published_at=timezone.now() + timedelta(days=2))
    make_article(title="Draft piece", status=Article.Status.DRAFT)

    response = editor_client.get(CHANGELIST, query)

    assert [article.title for article in response.context["cl"].result_list] == expected


def test_list_filters_by_category_and_tag(editor_client, make_article):
    policy = Category.objects.create(name="Policy", slug="policy")
    tagged = make_article(tags=["SovereignAI"])
    in_policy = make_article(category=policy)

    by_tag = editor_client.get(CHANGELIST, {"tags__id__exact": tagged.tags.get().pk})
    by_category = editor_client.get(CHANGELIST, {"category__id__exact": policy.pk})

    assert list(by_tag.context["cl"].result_list) == [tagged]
    assert list(by_category.context["cl"].result_list) == [in_policy]


def test_list_has_a_date_hierarchy(editor_client, make_article):
    article = make_article()

    response = editor_client.get(CHANGELIST, {"published_at__year": article.published_at.year})

    assert list(response.context["cl"].result_list) == [article]
    assert f"published_at__month={article.published_at.month}" in response.content.decode()


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_articles(
    editor_client, make_article, make_comment, category
):
    first = make_article(tags=["One", "Two"], questions=["Why?"])
    make_comment(first)
    one_row = changelist_queries(editor_client, CHANGELIST)

    for n in range(19):
        article = make_article(tags=["One", "Two", f"Tag{n}"], questions=["Why?", "How?"])
        make_comment(article)
        make_comment(article, status=Comment.Status.PENDING)

    assert changelist_queries(editor_client, CHANGELIST) == one_row


def test_form_prepopulates_the_slug_and_hides_the_rendered_html(editor_client, db):
    html = editor_client.get("/admin/articles/article/add/").content.decode()

    assert "&quot;#id_slug&quot;" in html and "&quot;#id_title&quot;" in html
    assert 'name="tags"' in html
    assert 'name="questions-0-text"' in html
    assert 'name="questions-0-position"' in html
    assert 'name="body_html"' not in html


def test_editor_writes_a_draft_with_tags_and_ordered_questions(editor_client, category):
    data = article_form_data(
        title="Le Chat in parliament",
        slug="le-chat-in-parliament",
        body="Germany's parliament pilots **Le Chat**.",
        category=str(category.pk),
        tags="MistralAI, SovereignAI",
        **{
            "questions-TOTAL_FORMS": "2",
            "questions-0-position": "2",
            "questions-0-text": "Who audits it?",
            "questions-1-position": "1",
            "questions-1-text": "Should parliaments run their own models?",
        },
    )

    response = editor_client.post("/admin/articles/article/add/", data)

    assert response.status_code == 302
    article = Article.objects.get(slug="le-chat-in-parliament")
    assert article.status == Article.Status.DRAFT
    assert article.body_html == "<p>Germany&rsquo;s parliament pilots <strong>Le Chat</strong>.</p>"
    assert sorted(article.tags.names()) == ["MistralAI", "SovereignAI"]
    assert [q.text for q in article.questions.all()] == [
        "Should parliaments run their own models?",
        "Who audits it?",
    ]


def test_view_on_site_opens_the_preview_until_the_article_is_live(editor_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    live = make_article()

    for article, url in [
        (draft, draft.get_preview_url()),
        (scheduled, scheduled.get_preview_url()),
        (live, live.get_absolute_url()),
    ]:
        html = editor_client.get(change_url(article)).content.decode()
        assert f'href="{url}" class="viewsitelink"' in html


def run_action(client, action, *articles):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [article.pk for article in articles]}
    )


def test_publish_now_publishes_drafts_and_scheduled_articles_and_leaves_live_ones(
    editor_client, client, make_article
):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=3))
    live = make_article()
    live_since = live.published_at
    before = timezone.now()

    response = run_action(editor_client, "publish_now", draft, scheduled, live)

    assert response.status_code == 302
    for article in (draft, scheduled, live):
        article.refresh_from_db()
        assert article.is_published
    assert before <= draft.published_at <= timezone.now()
    assert before <= scheduled.published_at <= timezone.now()
    assert live.published_at == live_since
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert "2 articles published." in editor_client.get(CHANGELIST).content.decode()


def test_unpublish_takes_an_article_off_the_site(editor_client, client, make_article):
    live = make_article()

    run_action(editor_client, "unpublish", live)

    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT
    assert client.get(live.get_absolute_url()).status_code == 404


def test_an_article_with_comments_cannot_be_deleted_through_the_desk(
    editor_client, mistral, make_comment
):
    make_comment(mistral)
    delete_url = f"/admin/articles/article/{mistral.pk}/delete/"

    page = editor_client.get(delete_url).content.decode()
    response = editor_client.post(delete_url, {"post": "yes"})

    assert "have permission to delete the following types of objects" in page
    assert "<li>comment</li>" in page
    assert response.status_code == 403
    assert Article.objects.filter(pk=mistral.pk).exists()
    assert Comment.objects.count() == 1
