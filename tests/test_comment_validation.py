"""A rejected comment: a clear message next to the field, the reader's text kept, nothing stored."""

import pytest

from comments.models import Comment
from tests.conftest import comment_form_data, comments_url


def post(client, article, **fields):
    return client.post(comments_url(article), comment_form_data(**fields))


def test_empty_form_shows_every_error_and_keeps_nothing_stored(client, mistral, open_comments):
    response = client.post(
        comments_url(mistral), {"author_name": "", "author_email": "", "body": ""}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus>'
        in (html)
    )
    assert '<a href="#id_author_name">Name: Please enter your name.</a>' in html
    assert "Email: Please enter your email address; it is never shown." in html
    assert "Comment: Please write your comment." in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_body_error"' in html
    assert 'aria-describedby="id_body_helptext id_body_error"' in html
    assert not Comment.objects.exists()


def test_rejected_form_keeps_everything_the_reader_typed(client, mistral, open_comments):
    question = mistral.questions.last()
    body = 'A long, careful comment <with> "quotes" & ampersands\nover two lines.'

    response = post(
        client, mistral, author_email="not-an-email", body=body, question=str(question.pk)
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Please enter a valid email address" in html
    assert 'value="Camille Durand"' in html
    assert 'value="not-an-email"' in html
    assert "A long, careful comment &lt;with&gt; &quot;quotes&quot; &amp; ampersands" in html
    assert f'<option value="{question.pk}" selected>' in html
    assert mistral.body_html in html, "the article is shown again around the form"


def test_rejected_reply_still_says_whom_it_replies_to(client, mistral, make_comment, open_comments):
    parent = make_comment(mistral, author_name="Jonas Weber")

    response = post(client, mistral, parent=str(parent.pk), body="")

    html = response.content.decode()
    assert response.status_code == 400
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Jonas Weber</a> · <a" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"author_name": "   "}, "Please enter your name."),
        ({"author_name": "\u200b\u200d\u2060"}, "Please enter your name."),
        ({"author_name": "x" * 81}, "at most 80 characters"),
        ({"author_name": "Eve\u202etxt.exe"}, "text-direction override"),
        ({"author_name": "Eve\x07"}, "control characters"),
        ({"author_email": "a" * 243 + "@example.com"}, "at most 254 characters"),
        ({"author_email": "@example.com"}, "valid email address"),
        ({"body": "   \n\n  "}, "Please write your comment."),
        ({"body": "\u200b" * 10}, "Please write your comment."),
        ({"body": "x" * 5001}, "at most 5000 characters"),
        ({"body": "bell\x07"}, "control characters"),
        ({"body": "nul\x00"}, "Null characters are not allowed."),
        ({"question": "abc"}, "Please choose one of this article&#x27;s questions."),
        ({"question": "99999999999999999999999"}, "Please choose one of this article"),
        ({"parent": "abc"}, "That is not a comment you can reply to."),
        ({"parent": "-1"}, "That is not a comment you can reply to."),
        ({"parent": "99999999999999999999999"}, "That is not a comment you can reply to."),
        ({"parent": "424242"}, "The comment you are replying to is not available."),
    ],
)
def test_invalid_fields_are_rejected_with_a_clear_message(
    client, mistral, open_comments, fields, message
):
    response = post(client, mistral, **fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"author_name": "x" * 80},
        {"author_name": "  Zoë  "},
        {"author_name": "مريم"},
        {"author_name": "👩\u200d💻 Ada"},
        {"author_name": "\u0958" * 80},  # 80 characters as typed, whatever their normal form
        {"body": "x" * 5000},
        {"body": "line\r\n" * 833},  # 5,000 characters once CRLF counts as one, as browsers do
        {"body": "عربي\u200f and English"},
        {"author_name": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"},  # Persian, with a ZWNJ
        {"author_name": "Nguyễn Thị Ánh"},
        {"author_name": "A\u0301\u0308\u0323\u0304"},  # four marks on one letter
        {"author_name": "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"},
        {"body": "Z\u0301\u0308\u0323\u0304 and a\u200bzero-width space"},
    ],
)
def test_valid_edge_cases_are_accepted(client, mistral, open_comments, fields):
    response = post(client, mistral, **fields)

    assert response.status_code == 303
    assert Comment.objects.count() == 1


def test_name_is_stored_trimmed_and_email_lowercased(client, mistral, open_comments):
    post(client, mistral, author_name="  Zoë  ", author_email="Zoe@Example.COM")

    comment = Comment.objects.get()
    assert comment.author_name == "Zoë"
    assert comment.author_email == "zoe@example.com"


def test_answering_another_articles_question_is_refused(
    client, mistral, make_article, open_comments
):
    other = make_article(questions=["Elsewhere?"]).questions.get()

    response = post(client, mistral, question=str(other.pk))

    assert response.status_code == 400
    assert "Please choose one of this article" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REMOVED, "spam"])
def test_replying_to_a_hidden_comment_is_refused(
    client, mistral, make_comment, open_comments, status
):
    hidden = make_comment(mistral, status=status)

    response = post(client, mistral, parent=str(hidden.pk))

    assert response.status_code == 400
    assert "The comment you are replying to is not available." in response.content.decode()
    assert Comment.objects.count() == 1
