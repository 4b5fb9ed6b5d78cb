"""What a feed reader gets: the site, a tag, a category and an article's comments."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article, Category
from comments.models import Comment
from tests.conftest import MISTRAL_SLUG
from tests.feed_standards import atom_problems, rss_problems

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
    # Comments are not edited (yet): each was last updated when it was posted.
    assert datetime(*first.updated_parsed[:6], tzinfo=UTC) == answer.created_at.replace(
        microsecond=0
    )
    assert entries[f"http://testserver{reply.get_absolute_url()}"].title == (
        f"Ana on “{first_question.text}”"
    )
    assert entries[f"http://testserver{general.get_absolute_url()}"].title == (
        "Bo on “General discussion”"
    )
    assert all("Hidden" not in entry.title + entry.summary for entry in feed.entries)
    assert feed.entries[0].link.endswith(f"/comments/{general.pk}/"), "newest first, by permalink"


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


# The standards: RFC 4287 (Atom) and RSS 2.0


@pytest.fixture
def newsroom(mistral, make_article, make_comment, category):
    """Feeds with what the site really holds: a revised article, articles published a moment
    ago and earlier, tags, a category, and a discussion with answers, a reply, general
    comments and a removed one; plus an article nobody has commented on (slug "quiet")."""
    mistral.body += "\n\nUpdate: the valuation was confirmed."
    mistral.save()  # revised after it appeared: revised_at, to the microsecond
    make_article(title="Just in", published_at=timezone.now(), tags=["MistralAI"])
    make_article(title="Quiet piece", slug="quiet", tags=["MistralAI", "Policy"])
    first_question, second_question = mistral.questions.all()
    answer = make_comment(mistral, question=first_question, body="It is *resilience*.")
    make_comment(mistral, parent=answer, author_name="Ana", body="Or [fragmentation](/about/).")
    make_comment(mistral, question=second_question, body="Contracts, mostly.")
    make_comment(mistral, body="Great piece.")
    make_comment(mistral, body="Spam.", status=Comment.Status.REMOVED)
    return mistral


FEEDS = [
    ("/feed/", atom_problems, 3),
    ("/feed/rss/", rss_problems, 3),
    ("/tags/mistralai/feed/", atom_problems, 3),
    ("/category/aicloud/feed/", atom_problems, 3),
    (COMMENTS_FEED.format(MISTRAL_SLUG), atom_problems, 4),
    (COMMENTS_FEED.format("quiet"), atom_problems, 0),
]


@pytest.mark.parametrize(("url", "problems", "entries"), FEEDS)
def test_every_feed_meets_its_standard(client, newsroom, url, problems, entries):
    response = client.get(url)

    assert len(parse(response).entries) == entries
    assert problems(response.content) == []


ATOM_FAULTS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>/relative</id>
<updated>2026-06-02 08:00:00</updated><link href="http://x.example/" rel="alternate"/>
<entry><title>a</title><id>http://x.example/a</id><link href="http://x.example/a"/>
<author><name>Ana</name></author><content type="html"><p>unescaped</p></content></entry>
<entry><title>b</title><id>http://x.example/a</id><updated>2026-06-02T08:00:00.5+00:00</updated>
<summary type="markdown">b</summary></entry></feed>"""

RSS_FAULTS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title><link>/</link>
<item><title>a</title><guid>article-1</guid><pubDate>2026-06-02T08:00:00Z</pubDate></item>
<item><description>b</description><guid isPermaLink="false">b</guid>
<pubDate>Wed, 02 Jun 2026 08:00:00 +0000</pubDate></item><item><link>/c</link></item>
</channel></rss>"""


def test_the_standards_checks_find_what_they_look_for():
    assert atom_problems(ATOM_FAULTS) == [
        "feed: <id> '/relative' is not an absolute IRI",
        "feed: '2026-06-02 08:00:00' is not an RFC 3339 date-time",
        'feed: no <link rel="self"> (RFC 4287 says SHOULD)',
        "feed: no <author>, and 1 entries have none either",
        "entry 1: no <updated>",
        "entry 1 content: type='html' holds child elements; its markup must be escaped",
        'entry 2: no <link rel="alternate">',
        "entry 2 summary: type='markdown' is not text, html or xhtml",
        "two entries share an <id>",
    ]
    assert rss_problems(RSS_FAULTS) == [
        "channel: no <description>",
        "channel: <link> '/' is not an absolute URL",
        'channel: no <atom:link rel="self">',
        "item 1: <guid> 'article-1' is taken for a permalink (isPermaLink is true unless it "
        "says false) but is not an http(s) URL",
        "item 1 pubDate: '2026-06-02T08:00:00Z' is not an RFC 822 date-time",
        "item 2 pubDate: 'Wed, 02 Jun 2026 08:00:00 +0000' names the wrong day of the week",
        "item 3: neither <title> nor <description>",
        "item 3: <link> '/c' is not an absolute URL",
        "item 3: no <guid>",
        "item 3: no <pubDate>",
    ]


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
