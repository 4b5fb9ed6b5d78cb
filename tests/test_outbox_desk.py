"""The outbox in the desk: editors see what is queued, sent, failed or refused and why, and
the refused addresses; nobody adds, changes or deletes them there."""

import pytest
from django.db import transaction
from django.urls import reverse

from outbox.models import Email, RefusedAddress
from outbox.sending import send

EMAILS = reverse("admin:outbox_email_changelist")


@pytest.fixture
def emails(db):
    with transaction.atomic():
        queued = send("reply-notice:1:1", "ada@example.org", "A reply to Ada", "Text")
        failed = send("reply-notice:2:1", "bob@example.org", "A reply to Bob", "Text")
        refused = send("reply-notice:3:1", "eve@example.org", "A reply to Eve", "Text")
    Email.objects.filter(pk=failed.pk).update(
        status=Email.Status.FAILED, attempts=2, last_error="451 4.7.1 <b>Try again later</b>"
    )
    Email.objects.filter(pk=refused.pk).update(
        status=Email.Status.REFUSED, attempts=1, last_error="550 5.1.1 No such mailbox"
    )
    RefusedAddress.objects.create(address="eve@example.org", reason="550 5.1.1 No such mailbox")
    return queued, failed, refused


def test_editors_see_each_email_its_status_attempts_and_error(editor_client, emails):
    html = editor_client.get(EMAILS).content.decode()

    for subject in ["A reply to Ada", "A reply to Bob", "A reply to Eve"]:
        assert subject in html
    assert "451 4.7.1 &lt;b&gt;Try again later&lt;/b&gt;" in html  # the server's words, escaped
    assert "550 5.1.1 No such mailbox" in html
    assert "Add email" not in html


def test_editors_filter_by_status_and_search_by_recipient(editor_client, emails):
    failed = editor_client.get(EMAILS, {"status__exact": "failed"}).content.decode()
    found = editor_client.get(EMAILS, {"q": "eve@"}).content.decode()

    assert "A reply to Bob" in failed and "A reply to Ada" not in failed
    assert "A reply to Eve" in found and "A reply to Bob" not in found


def test_an_email_can_be_read_but_not_changed_or_deleted(editor_client, emails):
    queued = emails[0]
    page = reverse("admin:outbox_email_change", args=[queued.pk])

    html = editor_client.get(page).content.decode()
    assert "A reply to Ada" in html and 'name="_save"' not in html
    assert editor_client.post(page, {"subject": "Changed"}).status_code == 403
    delete = reverse("admin:outbox_email_delete", args=[queued.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert editor_client.get(reverse("admin:outbox_email_add")).status_code == 403
    assert Email.objects.get(pk=queued.pk).subject == "A reply to Ada"


def test_editors_see_the_refused_addresses(editor_client, emails):
    html = editor_client.get(reverse("admin:outbox_refusedaddress_changelist")).content.decode()

    assert "eve@example.org" in html and "550 5.1.1 No such mailbox" in html


def test_the_list_costs_the_same_queries_however_many_emails(
    editor_client, emails, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        editor_client.get(EMAILS)
    with transaction.atomic():
        for number in range(30):
            send(f"reply-notice:{number + 10}:1", "zoe@example.org", f"Reply {number}", "Text")

    with django_assert_max_num_queries(len(few.captured_queries)):
        editor_client.get(EMAILS)
