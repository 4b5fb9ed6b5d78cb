"""Hostile comments: what an attacker may post, and what the article page then shows.

The first half posts the corpus of tests/hostile_corpus.py (XSS filter-evasion payloads,
Markdown link tricks, mutation XSS, floods), and bodies with control characters, as comment
bodies and checks the page a reader then gets. The second half sends hostile form
submissions and checks that each one is refused with the right status, stores nothing, and
gives the reader their text back.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from comments.models import Comment
from mistralnews.markup import COMMENT
from tests.conftest import comment_form_data, comments_url
from tests.hostile_corpus import (
    COMMENT_BODIES,
    HOSTILE_BODIES,
    Element,
    dangerous_urls,
    event_handlers,
    foreign_elements,
    script_elements,
    up_to_limit,
    url_scheme,
)

# Bodies the form refuses outright, with the message the reader gets.
CONTROL_CHARACTERS = "Your comment contains control characters; please remove them."
REJECTED_BODIES = [
    ("nul", "<scr\x00ipt>alert(1)</script>", "Null characters are not allowed."),
    ("nul-in-scheme", "[x](java\x00script:alert(1))", "Null characters are not allowed."),
    ("bell", "hello\x07<script>", CONTROL_CHARACTERS),
    ("escape-sequence", "\x1b[31mred\x1b[0m", CONTROL_CHARACTERS),
    ("vertical-tab-in-scheme", "[x](java\x0bscript:alert(1))", CONTROL_CHARACTERS),
    ("form-feed", "a\x0cb", CONTROL_CHARACTERS),
    ("delete", "[x](java\x7fscript:alert(1))", CONTROL_CHARACTERS),
    ("c1-csi", "[x](java\x9bscript:alert(1))", CONTROL_CHARACTERS),
    ("markdown-placeholder", "\x02klzzwxh:0000\x03", CONTROL_CHARACTERS),
]


# --- Reading the article page --------------------------------------------------------------

# The containers the page prints a comment's stored HTML into.
USER_TEXT_CLASSES = frozenset({"comment__text", "notice__text"})


class PageParser(HTMLParser):
    """Every start tag of a page, noting those inside a comment's rendered text."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.comment_texts = 0
        self._open_divs = 0  # <div>s open since a comment's text began; 0 outside one

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, tuple(attrs), in_user_text=self._open_divs > 0))
        if tag != "div":
            return
        if self._open_divs:
            self._open_divs += 1
        elif USER_TEXT_CLASSES.intersection((dict(attrs).get("class") or "").split()):
            self._open_divs = 1
            self.comment_texts += 1

    def handle_endtag(self, tag):
        if tag == "div" and self._open_divs:
            self._open_divs -= 1


def parse(html):
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def test_page_checks_catch_what_they_look_for():
    """The checks below are only worth something if they can fail."""
    page = parse(
        '<div class="comment__text prose"><iframe></iframe><p>ok</p></div>'
        '<ScRiPt>x</ScRiPt><script src="/static/comments/discussion.js" defer></script>'
        '<b OnClick="x">b</b><a href=" &#x4A;ava\tScript:alert(1)">a</a>'
        '<img src="DATA:image/png,x"><form action="vbscript:x"></form><iframe></iframe>'
    )

    assert page.comment_texts == 1
    assert [element.tag for element in script_elements(page)] == ["script"]
    assert event_handlers(page) == [("b", "onclick")]
    assert [(tag, name) for tag, name, _ in dangerous_urls(page)] == [
        ("a", "href"),
        ("img", "src"),
        ("form", "action"),
    ]
    assert foreign_elements(page, COMMENT.tags) == ["iframe"]
    assert url_scheme("java\\script:x") == ""
    assert url_scheme("/relative/path:x") == ""


# --- Posting the hostile bodies ------------------------------------------------------------


def post(client, article, **fields):
    return client.post(comments_url(article), comment_form_data(**fields))


@dataclass
class Posted:
    response: object
    page_html: str

    @property
    def page(self):
        return parse(self.page_html)


@pytest.fixture(params=[pytest.param(body, id=name) for name, body in COMMENT_BODIES])
def posted(request, client, mistral, open_comments):
    """A hostile body posted as a comment on the Mistral article, and the page afterwards."""
    response = post(client, mistral, body=request.param)
    page = client.get(mistral.get_absolute_url())
    assert page.status_code == 200
    return Posted(response, page.content.decode())


def test_hostile_body_is_stored_once_and_rendered_harmless(posted):
    comment = Comment.objects.get()
    assert posted.response.status_code == 303
    assert posted.response["Location"] == f"/articles/{comment.article.slug}/#comment-{comment.pk}"
    assert f'id="comment-{comment.pk}"' in posted.page_html
    assert posted.page.comment_texts == 1, "the comment is on the page"

    page = posted.page
    assert script_elements(page) == []
    scripts = re.findall(r"<\s*/?\s*script[^>]*>", posted.page_html, re.IGNORECASE)
    assert scripts == [
        '<script src="/static/comments/discussion.js" defer>',  # the site's own, a file
        "</script>",
        '<script type="application/ld+json">',
        "</script>",
    ]
    assert event_handlers(page) == []
    assert dangerous_urls(page) == []
    assert foreign_elements(page, COMMENT.tags) == []
    links = [dict(e.attrs) for e in page.elements if e.in_user_text and e.tag == "a"]
    assert all(link.get("rel") == "nofollow ugc noopener" for link in links), links


def test_comment_with_three_links_is_held_even_when_open(client, mistral, open_comments):
    """The spam rule holds it; the poster still sees it, in the awaiting-moderation notice."""
    body = dict(HOSTILE_BODIES)["three-links-held"]

    post(client, mistral, body=body)

    page_html = client.get(mistral.get_absolute_url()).content.decode()
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert "Your comment is awaiting moderation." in page_html


@pytest.mark.parametrize(
    ("body", "message"),
    [pytest.param(body, message, id=name) for name, body, message in REJECTED_BODIES],
)
def test_body_with_control_characters_is_rejected(client, mistral, open_comments, body, message):
    response = post(client, mistral, body=body)

    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not Comment.objects.exists()


HOSTILE_NAMES = [
    ("name-script", "<script>alert(1)</script>"),
    ("name-attribute-breakout", '"><img src=x onerror=alert(1)>'),
    ("name-single-quote-breakout", "' onmouseover='alert(1)"),
    ("name-javascript-url", "javascript:alert(1)"),
    ("name-template-syntax", "{{ request.META }}{% debug %}"),
    ("name-already-escaped", "&lt;script&gt;alert(1)&lt;/script&gt;"),
]


@pytest.mark.parametrize("name", [pytest.param(name, id=key) for key, name in HOSTILE_NAMES])
def test_hostile_name_is_shown_as_text(client, mistral, open_comments, name):
    post(client, mistral, author_name=name)
    comment = Comment.objects.get()

    # ?reply_to= also prints the name in the form's "Replying to" line.
    html = client.get(f"{mistral.get_absolute_url()}?reply_to={comment.pk}").content.decode()
    page = parse(html)
    assert html.count(escape(name)) >= 3  # author, reply link, replying-to
    assert (script_elements(page), event_handlers(page), dangerous_urls(page)) == ([], [], [])


@pytest.mark.parametrize(
    "query",
    [
        '?reply_to="><script>alert(1)</script>',
        "?question=%22%3E%3Csvg%20onload%3Dalert(1)%3E",
        "?reply_to=" + "9" * 5000,
        "?question=-1&reply_to=0",
    ],
)
def test_hostile_query_string_on_the_article_page_is_ignored(client, mistral, query):
    response = client.get(mistral.get_absolute_url() + query)

    page = parse(response.content.decode())
    assert response.status_code == 200
    assert (script_elements(page), event_handlers(page)) == ([], [])
    assert "Replying to" not in response.content.decode()


# --- Hostile form submissions --------------------------------------------------------------

MISSING = object()  # the field is left out of the submission


@dataclass(frozen=True)
class Ref:
    """The id of a row the `rows` fixture makes, sent as the field's value."""

    name: str


@dataclass
class Rows:
    """Comments and questions a hostile submission may point at."""

    approved: Comment
    pending: Comment
    removed: Comment
    spam: Comment
    other_article_comment: Comment
    other_article_question: object


def hidden_comment(make_comment, article, status):
    """A comment readers of the Mistral article must not see, easy to spot if they do."""
    return make_comment(
        article,
        status=status,
        author_name=f"Hidden {status} author",
        body=f"Hidden {status} text on {article.slug}.",
    )


@pytest.fixture
def rows(mistral, make_article, make_comment):
    other = make_article(questions=["Is this the other article's question?"])
    return Rows(
        approved=make_comment(mistral),
        pending=hidden_comment(make_comment, mistral, Comment.Status.PENDING),
        removed=hidden_comment(make_comment, mistral, Comment.Status.REMOVED),
        spam=hidden_comment(make_comment, mistral, Comment.Status.SPAM),
        other_article_comment=hidden_comment(make_comment, other, Comment.Status.APPROVED),
        other_article_question=other.questions.get(),
    )


def submission(rows, fields):
    """The form data for `fields`, with Refs resolved and MISSING fields left out."""
    data = comment_form_data()
    for name, value in fields.items():
        if value is MISSING:
            del data[name]
        elif isinstance(value, Ref):
            data[name] = str(getattr(rows, value.name).pk)
        else:
            data[name] = value
    return data


NAME_REQUIRED = "Please enter your name."
BODY_REQUIRED = "Please write your comment."
BAD_EMAIL = "Please enter a valid email address, like name@example.com."
NO_SUCH_PARENT = "The comment you are replying to is not available."
NOT_A_PARENT = "That is not a comment you can reply to."
BAD_QUESTION = "Please choose one of this article's questions."
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

FORM_REJECTIONS = [
    # Name.
    ("name-empty", {"author_name": ""}, NAME_REQUIRED),
    ("name-whitespace", {"author_name": " \t \u3000 "}, NAME_REQUIRED),
    ("name-zero-width", {"author_name": ZERO_WIDTH}, NAME_REQUIRED),
    ("name-combining-marks", {"author_name": "\u0301\u0308\u20dd"}, NAME_REQUIRED),
    ("name-81-chars", {"author_name": "N" * 81}, "at most 80 characters (it has 81)"),
    ("name-control-char", {"author_name": "Eve\x07 Admin"}, "cannot contain control characters"),
    ("name-escape-sequence", {"author_name": "Eve\x1b[2J"}, "cannot contain control characters"),
    ("name-bidi-override", {"author_name": "Eve \u202enimdA"}, "text-direction override"),
    ("name-bidi-isolate", {"author_name": "Eve \u2067nimdA"}, "text-direction override"),
    ("name-nul", {"author_name": "Eve\x00Admin"}, "Null characters are not allowed."),
    ("name-zero-width-inside", {"author_name": "Ad\u200bmin"}, "cannot contain invisible"),
    ("name-word-joiner", {"author_name": "Ad\u2060min"}, "cannot contain invisible"),
    ("name-byte-order-mark", {"author_name": "\ufeffAdmin"}, "cannot contain invisible"),
    ("name-soft-hyphen", {"author_name": "Ad\u00admin"}, "cannot contain invisible"),
    ("name-combining-flood", {"author_name": "Z" + "\u0301\u0308" * 3}, "too many accents"),
    # Body.
    ("body-empty", {"body": ""}, BODY_REQUIRED),
    ("body-whitespace", {"body": " \r\n\t\r\n "}, BODY_REQUIRED),
    ("body-zero-width", {"body": ZERO_WIDTH * 3}, BODY_REQUIRED),
    ("body-missing", {"body": MISSING}, BODY_REQUIRED),
    ("body-5001-chars", {"body": "b" * 5001}, "at most 5000 characters (it has 5001)"),
    ("body-nul", {"body": "fine\x00text"}, "Null characters are not allowed."),
    ("body-bidi-override", {"body": "invoice \u202egpj.exe"}, "text-direction override"),
    ("body-bidi-isolate", {"body": "a \u2066b\u2069 c"}, "text-direction override"),
    ("body-combining-flood", {"body": "Zalgo" + "\u0336" * 5}, "too many accents"),
    # Email.
    ("email-missing", {"author_email": MISSING}, "Please enter your email address"),
    ("email-invalid", {"author_email": "not-an-email"}, BAD_EMAIL),
    ("email-255-chars", {"author_email": "a" * 243 + "@example.com"}, "at most 254 characters"),
    ("email-header-injection", {"author_email": "a@example.com\nBcc: b@example.com"}, BAD_EMAIL),
    ("email-script", {"author_email": "<script>@example.com"}, BAD_EMAIL),
    # Parent: must be a visible comment of this article.
    ("parent-other-article", {"parent": Ref("other_article_comment")}, NO_SUCH_PARENT),
    ("parent-pending", {"parent": Ref("pending")}, NO_SUCH_PARENT),
    ("parent-removed", {"parent": Ref("removed")}, NO_SUCH_PARENT),
    ("parent-spam", {"parent": Ref("spam")}, NO_SUCH_PARENT),
    ("parent-nonexistent", {"parent": str(2**63 - 1)}, NO_SUCH_PARENT),
    ("parent-abc", {"parent": "abc"}, NOT_A_PARENT),
    ("parent-minus-one", {"parent": "-1"}, NOT_A_PARENT),
    ("parent-zero", {"parent": "0"}, NOT_A_PARENT),
    ("parent-decimal", {"parent": "1.5"}, NOT_A_PARENT),
    ("parent-exponent", {"parent": "1e3"}, NOT_A_PARENT),
    ("parent-20-digits", {"parent": "9" * 20}, NOT_A_PARENT),
    ("parent-max-id-plus-one", {"parent": str(2**63)}, NOT_A_PARENT),
    ("parent-sql", {"parent": "1 OR 1=1"}, NOT_A_PARENT),
    # Question: must be one of this article's questions.
    ("question-other-article", {"question": Ref("other_article_question")}, BAD_QUESTION),
    ("question-abc", {"question": "abc"}, BAD_QUESTION),
    ("question-huge", {"question": "9" * 30}, BAD_QUESTION),
    ("question-minus-one", {"question": "-1"}, BAD_QUESTION),
    ("question-full-width-digit", {"question": "\uff11"}, BAD_QUESTION),
    # Honeypot.
    ("honeypot-filled", {"homepage": "http://spam.example"}, "This field must stay empty."),
]
FORM_REJECTION_PARAMS = [
    pytest.param(fields, message, id=name) for name, fields, message in FORM_REJECTIONS
]


@pytest.fixture
def reject(client, rows, open_comments):
    """Post a hostile submission; returns (response, data sent, comments stored before)."""

    def send(fields):
        data = submission(rows, fields)
        before = Comment.objects.count()
        return client.post(comments_url(rows.approved.article), data), data, before

    return send


@pytest.mark.parametrize(("fields", "message"), FORM_REJECTION_PARAMS)
def test_hostile_submission_is_refused_clearly_keeping_the_readers_text(reject, fields, message):
    response, data, before = reject(fields)

    html = response.content.decode()
    assert response.status_code == 400
    assert Comment.objects.count() == before
    start = html.index('class="error-summary"')
    assert escape(message) in html[start : html.index("</ul>", start)]
    if data.get("author_name"):
        assert f'name="author_name" value="{escape(data["author_name"])}"' in html
    if data.get("body"):
        assert f">\n{escape(data['body'])}</textarea>" in html
    assert data.get("author_name") or data.get("body"), "nothing typed to keep"


HOSTILE_REJECTED_VALUES = [
    ("name", {"author_name": '"><script>alert(1)</script>' + "x" * 80}),
    ("email", {"author_email": '"><img src=x onerror=alert(1)>'}),
    ("body", {"body": "<script>alert(1)</script>\x00"}),
    ("parent", {"parent": '"><script>alert(1)</script>'}),
    ("question", {"question": '"><svg onload=alert(1)>'}),
    ("honeypot", {"homepage": '"><script>alert(1)</script>'}),
]


@pytest.mark.parametrize(
    "fields", [pytest.param(fields, id=key) for key, fields in HOSTILE_REJECTED_VALUES]
)
def test_rejected_form_page_echoes_hostile_values_harmlessly(reject, fields):
    response, _data, _before = reject(fields)

    page = parse(response.content.decode())
    assert response.status_code == 400
    assert (script_elements(page), event_handlers(page), dangerous_urls(page)) == ([], [], [])


@pytest.mark.parametrize("hidden", ["pending", "removed", "spam", "other_article_comment"])
def test_rejected_reply_does_not_reveal_the_hidden_comment(reject, rows, hidden):
    hidden_comment = getattr(rows, hidden)

    response, _data, _before = reject({"parent": Ref(hidden)})

    html = response.content.decode()
    assert response.status_code == 400
    assert hidden_comment.author_name not in html
    assert hidden_comment.body not in html
    assert "Replying to" not in html


def test_request_body_over_the_upload_limit_is_a_bad_request(client, mistral, open_comments):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(
        comments_url(mistral),
        f"author_name=Big&author_email=big%40example.com&body={body}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_body_of_exactly_5000_characters_is_accepted(client, mistral, open_comments):
    body = up_to_limit("Long but fair.")

    response = post(client, mistral, body=body)

    assert response.status_code == 303
    assert Comment.objects.get().body == body


def test_browser_newlines_count_once_towards_the_limit(client, mistral, open_comments):
    body = "\r\n".join(["line"] * 999 + ["last!"])  # 5,999 sent, 5,000 once CRLF is LF

    response = post(client, mistral, body=body)

    assert len(body.replace("\r\n", "\n")) == 5000
    assert response.status_code == 303
    assert Comment.objects.get().body == body.replace("\r\n", "\n")


def test_parent_in_full_width_digits_is_read_as_that_comment(client, mistral, open_comments, rows):
    """Python's int() reads any Unicode decimal digits; the reply goes to the same comment."""
    full_width = str(rows.approved.pk).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})

    response = post(client, mistral, parent=full_width)

    assert response.status_code == 303
    assert Comment.objects.latest("id").parent == rows.approved


def test_duplicated_parameters_take_the_last_value(client, mistral, open_comments):
    data = comment_form_data()
    data["body"] = ["<script>first</script>", "The second body."]
    data["author_name"] = ["First Name", "Second Name"]

    response = client.post(comments_url(mistral), data)

    comment = Comment.objects.get()
    assert response.status_code == 303
    assert (comment.author_name, comment.body) == ("Second Name", "The second body.")


def test_duplicated_parent_takes_the_last_value_and_is_checked(client, mistral, rows):
    data = submission(rows, {"parent": MISSING})
    data["parent"] = [str(rows.approved.pk), str(rows.removed.pk)]
    before = Comment.objects.count()

    response = client.post(comments_url(mistral), data)

    assert response.status_code == 400
    assert escape(NO_SUCH_PARENT) in response.content.decode()
    assert Comment.objects.count() == before


def test_too_many_fields_is_a_bad_request(client, mistral, open_comments):
    data = comment_form_data()
    data.update({f"extra{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})

    response = client.post(comments_url(mistral), data)

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_json_body_is_not_read_as_a_form(client, mistral, open_comments):
    response = client.post(
        comments_url(mistral),
        json.dumps(comment_form_data(author_name="Jason Body")),
        content_type="application/json",
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html
    assert not Comment.objects.exists()


def test_undecodable_bytes_are_not_a_server_error(client, mistral, open_comments):
    """Invalid UTF-8 is read with replacement characters, then treated like any text."""
    response = client.post(
        comments_url(mistral),
        b"author_name=%FF%FE&author_email=a%40example.com&body=%ED%A0%80%C0%AF&question=&parent=",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 303
    assert Comment.objects.get().author_name == "\ufffd\ufffd"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, mistral, open_comments, method):
    response = getattr(client, method)(comments_url(mistral))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert not Comment.objects.exists()


@pytest.mark.parametrize("token", [None, "forged-token-" + "x" * 51])
def test_post_without_a_valid_csrf_token_is_forbidden(mistral, open_comments, token):
    client = Client(enforce_csrf_checks=True)
    data = comment_form_data()
    if token:
        data["csrfmiddlewaretoken"] = token

    response = client.post(comments_url(mistral), data)

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_post_with_the_pages_csrf_token_is_accepted(mistral, open_comments):
    """The control for the test above: the same client, with the token the page gave it."""
    client = Client(enforce_csrf_checks=True)
    client.get(mistral.get_absolute_url())
    data = comment_form_data(csrfmiddlewaretoken=client.cookies["csrftoken"].value)

    response = client.post(comments_url(mistral), data)

    assert response.status_code == 303
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "article_fields",
    [
        pytest.param({"status": Article.Status.DRAFT}, id="draft"),
        pytest.param({"published_at": timezone.now() + timedelta(days=1)}, id="scheduled"),
    ],
)
def test_unpublished_article_takes_no_comments(client, make_article, open_comments, article_fields):
    article = make_article(**article_fields)

    response = post(client, article)

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_unknown_article_takes_no_comments(client, db, open_comments):
    response = client.post("/articles/no-such-article/comments/", comment_form_data())

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_closed_article_takes_no_comments(client, make_article, open_comments):
    article = make_article(comments_open=False)

    response = post(client, article)

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_same_comment_twice_within_the_hour_is_stored_once(client, mistral, open_comments):
    body = "<script>alert('twice')</script>"
    first = post(client, mistral, body=body)

    second = post(client, mistral, body=body, author_email="CAMILLE@example.com")

    html = second.content.decode()
    assert first.status_code == 303
    assert second.status_code == 400
    assert "You have already posted this comment here." in html
    assert 'class="error-summary"' in html
    assert f">\n{escape(body)}</textarea>" in html
    assert Comment.objects.count() == 1


# --- Blank-looking input ---


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("\u3164", id="hangul-filler"),
        pytest.param("\uffa0", id="halfwidth-hangul-filler"),
        pytest.param("\u115f\u1160", id="hangul-choseong-jungseong-fillers"),
        pytest.param("\u2800", id="braille-blank"),
    ],
)
def test_blank_looking_name_is_rejected(client, mistral, open_comments, name):
    response = post(client, mistral, author_name=name)

    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("---", id="thematic-break"),
        pytest.param("* * *", id="thematic-break-stars"),
        pytest.param("[ref]: https://example.com", id="reference-definition-only"),
    ],
)
def test_body_that_renders_to_nothing_is_not_published_empty(client, mistral, open_comments, body):
    response = post(client, mistral, body=body)

    assert response.status_code == 400
    assert "Your comment has no text to show" in response.content.decode()
    assert not Comment.objects.exists()
