"""What a feed reader gets: the site, a tag, a category and an article's comments."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article, Category
from comments.models import Comment

COMMENTS_FEED = "/articles/{}/comments/feed/"


def parse(response):
    """The feed as a feed reader sees it; it must parse without a single complaint."""
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def hidden_articles(make_article, **fields):
    """A draft and a scheduled article that no feed may show."""
    return [
        make_article(title="Draft piece", status=Article.Status.DRAFT, **fields),
        make_article(
            title="Scheduled piece", published_at=timezone.now() + timedelta(days=1), **fields
        ),
    ]


def test_site_feed_has_each_article_in_full(client, mistral, make_article):
    hidden_articles(make_article, tags=["SovereignAI"])

    feed = parse(client.get("/feed/"))

    assert feed.version == "atom10"
    assert feed.feed.title == "mistralnews"
    assert feed.feed.link == "http://testserver/"
    assert [entry.title for entry in feed.entries] == [mistral.title]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{mistral.get_absolute_url()}"
    assert entry.author == "mistralnews staff"
    assert entry.summary == mistral.summary
    assert "sovereign tech" in entry.content[0].value
    assert entry.content[0].type == "text/html"
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == mistral.published_at
    assert datetime(*entry.updated_parsed[:6], tzinfo=UTC) == mistral.modified_at.replace(
        microsecond=0
    )
    assert {tag.term for tag in entry.tags} == set(mistral.tags.names())


def test_site_feed_holds_the_newest_twenty(client, make_article):
    articles = [make_article() for _ in range(25)]  # each older than the one before

    feed = parse(client.get("/feed/"))

    assert [entry.title for entry in feed.entries] == [a.title for a in articles[:20]]


def test_rss_feed_carries_the_same_articles(client, mistral, make_article):
    hidden_articles(make_article)

    feed = parse(client.get("/feed/rss/"))

    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == [mistral.title]
    entry = feed.entries[0]
    assert entry.author == "mistralnews staff"
    assert "sovereign tech" in entry.content[0].value
    assert entry.summary == mistral.summary
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == mistral.published_at
    assert {tag.term for tag in entry.tags} == set(mistral.tags.names())


def test_summary_is_text_even_when_it_looks_like_markup(client, make_article):
    make_article(summary="Why <b>bold</b> claims & small print matter")

    entry = parse(client.get("/feed/")).entries[0]

    assert "<b>" not in entry.summary
    assert "&lt;b&gt;bold&lt;/b&gt;" in entry.summary


def test_tag_feed_lists_only_published_articles_with_the_tag(client, make_article):
    tagged = make_article(tags=["Quantum"])
    make_article(tags=["Other"])
    hidden_articles(make_article, tags=["Quantum"])

    feed = parse(client.get("/tags/quantum/feed/"))

    assert feed.feed.title == "#Quantum · mistralnews"
    assert feed.feed.link == "http://testserver/tags/quantum/"
    assert [entry.title for entry in feed.entries] == [tagged.title]


def test_category_feed_lists_only_published_articles_in_it(client, make_article, category):
    policy = Category.objects.create(name="Policy", slug="policy")
    filed = make_article(category=policy)
    make_article()  # in the default category
    hidden_articles(make_article, category=policy)

    feed = parse(client.get("/category/policy/feed/"))

    assert feed.feed.title == "Policy · mistralnews"
    assert [entry.title for entry in feed.entries] == [filed.title]


@pytest.mark.parametrize(
    "url",
    [
        "/tags/nope/feed/",
        "/tags/secret/feed/",
        "/category/nope/feed/",
        COMMENTS_FEED.format("nope"),
    ],
)
def test_feeds_of_nothing_public_are_404(client, make_article, url):
    make_article(tags=["Secret"], status=Article.Status.DRAFT)

    assert client.get(url).status_code == 404


def test_comments_feed_of_a_draft_is_404(client, make_article):
    draft = make_article(status=Article.Status.DRAFT)

    assert client.get(COMMENTS_FEED.format(draft.slug)).status_code == 404


def test_comments_feed_has_approved_comments_naming_their_question(client, mistral, make_comment):
    first_question, second_question = mistral.questions.all()
    answer = make_comment(mistral, question=first_question, body="Sovereignty is *resilience*.")
    reply = make_comment(mistral, parent=answer, author_name="Ana", body="Or fragmentation.")
    general = make_comment(mistral, author_name="Bo", body="Great piece.")
    for status in [Comment.Status.PENDING, Comment.Status.REMOVED, Comment.Status.SPAM]:
        make_comment(mistral, question=second_question, body=f"Hidden {status}.", status=status)

    feed = parse(client.get(COMMENTS_FEED.format(mistral.slug)))

    assert feed.feed.title == f"Comments on “{mistral.title}” · mistralnews"
    entries = {entry.link: entry for entry in feed.entries}
    assert set(entries) == {
        f"http://testserver{comment.get_absolute_url()}" for comment in [answer, reply, general]
    }
    first = entries[f"http://testserver{answer.get_absolute_url()}"]
    assert first.title == f"{answer.author_name} on “{first_question.text}”"
    assert first.author == answer.author_name
    assert "<em>resilience</em>" in first.content[0].value
    assert first.summary == "Sovereignty is resilience."
    assert entries[f"http://testserver{reply.get_absolute_url()}"].title == (
        f"Ana on “{first_question.text}”"
    )
    assert entries[f"http://testserver{general.get_absolute_url()}"].title == (
        "Bo on “General discussion”"
    )
    assert all("Hidden" not in entry.title + entry.summary for entry in feed.entries)
    assert feed.entries[0].link.endswith(f"#comment-{general.pk}"), "newest first"


def test_comment_that_reads_as_markup_stays_text_in_the_summary(client, mistral, make_comment):
    make_comment(mistral, body="I <3 <b>bold</b> claims")

    entry = parse(client.get(COMMENTS_FEED.format(mistral.slug))).entries[0]

    assert "<b>" not in entry.summary
    assert "&lt;b&gt;" in entry.summary


def test_pages_announce_their_feeds(client, mistral):
    feeds = {
        "/": ["/feed/", "/feed/rss/"],
        "/tags/sovereignai/": ["/feed/", "/tags/sovereignai/feed/"],
        "/category/aicloud/": ["/feed/", "/category/aicloud/feed/"],
        mistral.get_absolute_url(): ["/feed/", COMMENTS_FEED.format(mistral.slug)],
    }
    for page, urls in feeds.items():
        html = client.get(page).content.decode()
        for url in urls:
            assert f'href="{url}"' in html.split("</head>")[0], (page, url)
            assert client.get(url).status_code == 200


# Conditional GET


def validators(response):
    return {"If-None-Match": response["ETag"], "If-Modified-Since": response["Last-Modified"]}


@pytest.mark.parametrize("url", ["/feed/", "/feed/rss/", "/tags/mistralai/feed/"])
@pytest.mark.parametrize("header", ["If-None-Match", "If-Modified-Since"])
def test_unchanged_article_feed_is_304(client, mistral, url, header):
    first = client.get(url)

    again = client.get(url, headers={header: validators(first)[header]})

    assert again.status_code == 304
    assert again.content == b""


def test_edited_article_changes_the_feed(client, mistral):
    first = client.get("/feed/")
    mistral.title = "Mistral, revised"
    mistral.save()

    again = client.get("/feed/", headers=validators(first))

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert parse(again).entries[0].title == "Mistral, revised"


def test_unpublished_article_changes_the_feed(client, mistral, make_article):
    older = make_article(published_at=datetime(2026, 1, 1, tzinfo=UTC))
    first = client.get("/feed/")
    Article.objects.filter(pk=mistral.pk).update(status=Article.Status.DRAFT)

    again = client.get("/feed/", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 200
    assert [entry.title for entry in parse(again).entries] == [older.title]


def test_scheduled_article_changes_the_feed_when_it_appears(client, make_article, monkeypatch):
    make_article()
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    first = client.get("/feed/")

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = client.get("/feed/", headers=validators(first))

    assert again.status_code == 200
    assert parse(again).entries[0].title == scheduled.title


def test_comments_feed_answers_if_none_match(client, mistral, make_comment):
    held = make_comment(mistral, status=Comment.Status.PENDING, body="Held at first.")
    make_comment(mistral, body="Approved at once.")
    url = COMMENTS_FEED.format(mistral.slug)
    first = client.get(url)

    unchanged = client.get(url, headers={"If-None-Match": first["ETag"]})
    # An editor approves the older comment: its time is older than the feed's newest.
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.APPROVED)
    approved = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert "Last-Modified" not in first
    assert unchanged.status_code == 304
    assert approved.status_code == 200
    assert len(parse(approved).entries) == 2


# Constant queries


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/feed/", 3),  # freshness, articles with category, tags
        ("/feed/rss/", 3),
        ("/tags/common/feed/", 4),  # + the tag
        ("/category/aicloud/feed/", 4),  # + the category
    ],
)
def test_article_feed_queries_do_not_grow(
    client, make_article, django_assert_num_queries, url, queries
):
    make_article(tags=["Common"])
    with django_assert_num_queries(queries):
        parse(client.get(url))

    for number in range(14):
        make_article(tags=["Common", f"extra{number}", "More"])
    with django_assert_num_queries(queries):
        assert len(parse(client.get(url)).entries) == 15


def test_unchanged_feed_is_answered_from_one_query(client, make_article, django_assert_num_queries):
    for _ in range(15):
        make_article(tags=["Common"])
    first = client.get("/tags/common/feed/")

    with django_assert_num_queries(1):
        assert client.get("/tags/common/feed/", headers=validators(first)).status_code == 304


def test_comments_feed_queries_do_not_grow(
    client, mistral, make_comment, django_assert_num_queries
):
    question = mistral.questions.first()
    make_comment(mistral, question=question)
    url = COMMENTS_FEED.format(mistral.slug)
    with django_assert_num_queries(2):  # article, comments with their question
        parse(client.get(url))

    for number in range(14):
        make_comment(mistral, question=question if number % 2 else None)
    with django_assert_num_queries(2):
        assert len(parse(client.get(url)).entries) == 15
