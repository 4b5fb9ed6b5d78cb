"""The receipt of a comment ("Email me a copy"): sent only to an address verified in the
browser the comment came from, once, with a link to edit the comment while editing is open
and one to withdraw it at any time."""

import re

import pytest
from django.test import Client

from comments.models import Comment
from outbox.models import Email
from tests.conftest import comment_form_data, comments_url, verify_in

EMAIL = "camille@example.com"
LINK = re.compile(r"http://testserver(/comments/\d+/(?:edit|withdraw)/\?token=\S+)")


@pytest.fixture
def posting(settings, django_capture_on_commit_callbacks):
    """Post from a browser, with what runs after the commit run."""
    settings.COMMENTS_MODERATION = "open"
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"

    def post(client, article, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(comments_url(article), comment_form_data(**fields))
        assert response.status_code == 303, response.content
        return Comment.objects.order_by("pk").last()

    return post


def receipts():
    return Email.objects.filter(key__startswith="receipt:")


def test_a_verified_author_gets_a_copy_with_working_links(
    client, mistral, posting, run_tasks, smtp
):
    verify_in(client, EMAIL)

    comment = posting(client, mistral, author_email=EMAIL, body="Keep a copy.", send_receipt="on")

    assert run_tasks() == ["sent"]
    [message] = smtp.messages
    assert message["To"] == EMAIL
    assert message["Subject"].strip() == f"Your comment on “{mistral.title}”"
    text = message.get_body(("plain",)).get_content()
    assert "Keep a copy." in text and "within 15 minutes" in text
    edit, withdraw = LINK.findall(text)
    assert edit.startswith(f"/comments/{comment.pk}/edit/")
    assert withdraw.startswith(f"/comments/{comment.pk}/withdraw/")
    elsewhere = Client()
    assert elsewhere.post(edit, {"body": "Edited by link."}).status_code == 303
    assert elsewhere.post(withdraw).status_code == 200
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.WITHDRAWN


def test_no_copy_unless_asked(client, mistral, posting):
    verify_in(client, EMAIL)

    posting(client, mistral, author_email=EMAIL)

    assert not receipts().exists()


def test_no_copy_to_an_address_not_verified_in_the_posting_browser(client, mistral, posting):
    verify_in(Client(), EMAIL)  # its owner verified it, in their own browser

    posting(client, mistral, author_email=EMAIL, send_receipt="on")  # someone typed it here
    posting(Client(), mistral, author_email="new@example.com", send_receipt="on")

    assert not receipts().exists()
    [offer] = Email.objects.filter(to=EMAIL)  # only the usual offer to verify it, no links
    assert offer.key.startswith("verify:") and "/comments/" not in offer.text


def test_one_copy_per_comment(client, mistral, posting):
    verify_in(client, EMAIL)

    first = posting(client, mistral, author_email=EMAIL, body="One.", send_receipt="on")
    second = posting(client, mistral, author_email=EMAIL, body="Two.", send_receipt="on")

    assert sorted(receipts().values_list("key", flat=True)) == sorted(
        [f"receipt:{first.pk}", f"receipt:{second.pk}"]
    )


def test_a_held_comments_copy_says_so_and_has_no_edit_link_when_editing_is_off(
    client, mistral, posting, settings
):
    settings.COMMENTS_EDIT_WINDOW = 0
    verify_in(client, EMAIL)

    posting(client, mistral, author_email=EMAIL, body=f"Links: {'[x](https://x.example) ' * 3}",
            send_receipt="on")  # fmt: skip

    [receipt] = receipts()
    assert "waiting for an editor" in receipt.text
    assert [path.split("?")[0].rsplit("/", 2)[1] for path in LINK.findall(receipt.text)] == [
        "withdraw"
    ]
