"""What search engines and link previews read: titles, descriptions, canonical URLs,
Open Graph and JSON-LD."""

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from comments.moderation import moderate
from tests.hostile_corpus import own_script


class HeadReader(HTMLParser):
    """The <title>, <meta>, <link rel="canonical"> and JSON-LD of a page."""

    def __init__(self):
        super().__init__()
        self.title = ""
        self.meta = []
        self.canonical = []
        self.json_ld = []
        self.scripts = 0
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs["name"], attrs.get("content")))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "script":
            self.scripts += not own_script(attrs.get("src"))  # the site's own are files
            if attrs.get("type") == "application/ld+json":
                self._in = "json_ld"
                self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json_ld":
            self.json_ld[-1] += data

    def values(self, name):
        return [content for key, content in self.meta if key == name]

    def value(self, name):
        (content,) = self.values(name)
        return content


def read_head(response):
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def article_json_ld(client, article):
    head = read_head(client.get(article.get_absolute_url()))
    (text,) = head.json_ld
    return json.loads(text)


# A date and time as ISO 8601 gives it in full, with its offset (Open Graph, JSON-LD).
ISO_8601 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")
# HTML's "valid global date and time string", which <time datetime> takes: at most three
# digits of a second.
HTML_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})\Z"
)


def iso(value):
    assert ISO_8601.match(value), f"{value} is not an ISO 8601 date and time with its offset"
    return datetime.fromisoformat(value)


class TimeReader(HTMLParser):
    """The datetime attribute of every <time> on a page."""

    def __init__(self):
        super().__init__()
        self.datetimes = []

    def handle_starttag(self, tag, attrs):
        if tag == "time":
            self.datetimes.append(dict(attrs).get("datetime"))


def time_datetimes(response):
    assert response.status_code == 200
    reader = TimeReader()
    reader.feed(response.content.decode())
    return reader.datetimes


# Every page


@pytest.mark.parametrize(
    ("url", "canonical", "title"),
    [
        ("/", "http://testserver/", "mistralnews"),
        ("/?page=1", "http://testserver/", "mistralnews"),
        ("/tags/sovereignai/", "http://testserver/tags/sovereignai/", "#SovereignAI · mistralnews"),
        ("/category/aicloud/", "http://testserver/category/aicloud/", "AICloud · mistralnews"),
        ("/search/", "http://testserver/search/", "Search · mistralnews"),
        ("/search/?q=sovereign", "http://testserver/search/", "“sovereign” · Search · mistralnews"),
        ("/archive/2026/", "http://testserver/archive/2026/", "2026 · Archive · mistralnews"),
        (
            "/archive/2026/06/",
            "http://testserver/archive/2026/06/",
            "June 2026 · Archive · mistralnews",
        ),
        ("/nope/", "http://testserver/nope/", "Page not found · mistralnews"),
    ],
)
def test_every_page_has_title_description_and_canonical_url(client, mistral, url, canonical, title):
    head = read_head(client.get(url))

    assert head.title == title
    assert head.canonical == [canonical]
    (description,) = head.values("description")
    assert len(description) > 20


def test_article_page_title_description_and_canonical_url(client, mistral):
    head = read_head(client.get(f"{mistral.get_absolute_url()}?reply_to=1&utm_source=x"))

    assert head.title == f"{mistral.title} · mistralnews"
    assert head.value("description") == mistral.summary
    assert head.canonical == [f"http://testserver{mistral.get_absolute_url()}"]


def test_rejected_comment_page_keeps_the_article_as_canonical(client, mistral, open_comments):
    response = client.post(f"{mistral.get_absolute_url()}comments/", {"body": ""})

    head = read_head(response)
    assert response.status_code == 400
    assert head.canonical == [f"http://testserver{mistral.get_absolute_url()}"]
    assert head.value("og:url") == head.canonical[0]


def test_later_pages_of_a_list_are_their_own_canonical(client, make_article):
    for _ in range(11):
        make_article()

    head = read_head(client.get("/?page=2&utm_source=x"))

    assert head.canonical == ["http://testserver/?page=2"]


def test_description_is_plain_text_cut_short(client, make_article):
    article = make_article(
        summary="", body="**Bold** start, a [link](https://example.com) & " + "word " * 100
    )

    description = read_head(client.get(article.get_absolute_url())).value("description")

    assert description.startswith("Bold start, a link & word")
    assert "<" not in description
    assert len(description.split()) == 40


# Reply forms


class LinkReader(HTMLParser):
    """The href and rel of every link on a page."""

    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            self.links.append((attrs.get("href", ""), (attrs.get("rel") or "").split()))


def test_reply_pages_are_kept_out_of_search_engines(client, mistral, make_comment):
    answer = make_comment(mistral, question=mistral.questions.first())
    make_comment(mistral, parent=answer)
    make_comment(mistral)
    article = mistral.get_absolute_url()

    links = LinkReader()
    links.feed(client.get(article).content.decode())
    replies = [(href, rel) for href, rel in links.links if "reply_to=" in href]
    reply_page = read_head(client.get(f"{article}?reply_to={answer.pk}"))

    assert len(replies) == 3
    assert [href for href, rel in replies if "nofollow" not in rel] == []
    assert reply_page.values("robots") == ["noindex"]
    assert read_head(client.get(article)).values("robots") == []


# Machine-readable times


def test_every_time_element_has_a_valid_datetime(
    mistral, make_article, make_comment, editor, editor_client
):
    # Times with microseconds, as "publish now", a revision and moderation store them.
    # A second back, so that setting the microseconds never puts "now" in the future.
    now = (timezone.now() - timedelta(seconds=1)).replace(microsecond=123456)
    just_in = make_article(published_at=now, tags=["MistralAI"])
    mistral.body += "\n\nCorrection: the raise was $3.5bn."
    mistral.save()
    scheduled = make_article(published_at=now + timedelta(days=1))
    removed = make_comment(mistral, question=mistral.questions.first())
    make_comment(mistral, parent=removed)
    moderate(Comment.objects.filter(pk=removed.pk), "remove", editor, "off topic")
    reader = Client()

    found = {
        url: time_datetimes(reader.get(url))
        for url in [
            "/",
            mistral.get_absolute_url(),
            just_in.get_absolute_url(),
            "/tags/mistralai/",
            "/category/aicloud/",
            f"/archive/{now.year}/",
            f"/archive/{now.year}/{now.month:02d}/",
            "/search/?q=article",
            "/moderation/",
        ]
    }
    found["preview"] = time_datetimes(editor_client.get(scheduled.get_preview_url()))

    invalid = {
        url: [value for value in values if not HTML_DATETIME.match(value or "")]
        for url, values in found.items()
    }
    assert {url: values for url, values in invalid.items() if values} == {}
    assert all(found.values()), "every page shows a time"
    assert sum(len(values) for values in found.values()) >= 15
    assert f"{now:%Y-%m-%dT%H:%M:%S}Z" in found["/"]


# Open Graph


def test_article_page_has_open_graph_tags(client, mistral):
    head = read_head(client.get(mistral.get_absolute_url()))

    assert head.value("og:type") == "article"
    assert head.value("og:title") == mistral.title
    assert head.value("og:description") == mistral.summary
    assert head.value("og:url") == f"http://testserver{mistral.get_absolute_url()}"
    assert head.value("og:site_name") == "mistralnews"
    assert iso(head.value("article:published_time")) == datetime(2026, 6, 2, 8, tzinfo=UTC)
    assert iso(head.value("article:modified_time")) == mistral.modified_at


def test_open_graph_and_json_ld_times_are_iso_8601_to_the_second(client, mistral):
    mistral.body += "\n\nCorrection: the raise was $3.5bn."
    mistral.save()  # revised now, to the microsecond

    head = read_head(client.get(mistral.get_absolute_url()))
    data = json.loads(head.json_ld[0])

    revised = mistral.revised_at.replace(microsecond=0)
    assert iso(head.value("article:modified_time")) == revised
    assert iso(data["dateModified"]) == revised
    assert data["dateModified"] == head.value("article:modified_time")
    assert iso(data["datePublished"]) == mistral.published_at
    assert head.value("article:section") == "AICloud"
    assert head.values("article:tag") == list(mistral.tags.names())
    assert len(head.values("article:tag")) == 7


# JSON-LD


def test_json_ld_describes_the_article(client, mistral):
    data = article_json_ld(client, mistral)

    url = f"http://testserver{mistral.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == mistral.title
    assert data["description"] == mistral.summary
    assert iso(data["datePublished"]) == mistral.published_at
    assert data["dateModified"].endswith("Z")
    assert data["author"] == {"@type": "Person", "name": "mistralnews staff"}
    assert data["articleSection"] == "AICloud"
    assert data["keywords"] == list(mistral.tags.names())
    assert data["url"] == url
    assert data["commentCount"] == 0
    assert data["comment"] == []
    assert [part["name"] for part in data["hasPart"]] == [q.text for q in mistral.questions.all()]
    assert all(part["@type"] == "Question" for part in data["hasPart"])


def test_json_ld_carries_the_discussion(client, mistral, make_comment):
    question = mistral.questions.first()
    answer = make_comment(mistral, question=question, body="It *helps*.", author_name="Ana")
    reply = make_comment(mistral, parent=answer, body="It fragments.")
    make_comment(mistral, status=Comment.Status.PENDING, body="Held back.")

    data = article_json_ld(client, mistral)

    url = f"http://testserver{mistral.get_absolute_url()}"
    assert data["commentCount"] == 2
    newest, oldest = data["comment"]
    assert oldest == {
        "@type": "Comment",
        "@id": f"{url}#comment-{answer.pk}",
        "url": f"http://testserver/comments/{answer.pk}/",
        "author": {"@type": "Person", "name": "Ana"},
        "dateCreated": oldest["dateCreated"],
        "text": "It helps.",
        "parentItem": {"@id": f"{url}#question-{question.pk}"},
    }
    assert iso(oldest["dateCreated"]) == answer.created_at.replace(microsecond=0)
    assert newest["parentItem"] == {"@id": f"{url}#comment-{answer.pk}"}
    assert newest["text"] == reply.body
    assert data["hasPart"][0]["@id"] == f"{url}#question-{question.pk}"
    assert data["hasPart"][0]["answerCount"] == 1
    assert "Held back." not in json.dumps(data)


def test_json_ld_holds_the_newest_ten_comments_and_counts_all(client, mistral, make_comment):
    comments = [make_comment(mistral) for _ in range(15)]

    data = article_json_ld(client, mistral)

    assert data["commentCount"] == 15
    assert [item["text"] for item in data["comment"]] == [c.body for c in comments[::-1][:10]]


def test_comment_cannot_break_out_of_the_json_ld(client, mistral, make_comment):
    attack = "</script><script>alert(1)</script>"
    make_comment(mistral, body=attack, author_name="</script><b>x</b>")

    response = client.get(mistral.get_absolute_url())
    head = read_head(response)

    assert head.scripts == 1
    (text,) = head.json_ld
    assert "<" not in text
    data = json.loads(text)
    assert data["comment"][0]["text"] == attack
    assert data["comment"][0]["author"]["name"] == "</script><b>x</b>"
    assert re.search(r"<script[^>]*>alert", response.content.decode()) is None


@pytest.mark.parametrize("comments", [1, 12, 60])
def test_json_ld_adds_one_query_however_many_comments(
    client, mistral, make_comment, django_assert_num_queries, comments
):
    for _ in range(comments):
        make_comment(mistral, question=mistral.questions.first())

    # The article, its category, tags, questions, the threads and their replies, and the
    # newest comments for the JSON-LD (threads hold stored cards, not the comments' text).
    with django_assert_num_queries(7):
        response = client.get(mistral.get_absolute_url())

    assert len(read_head(response).json_ld) == 1
