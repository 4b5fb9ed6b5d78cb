"""Editors' email digest of the comments waiting for them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from comments.models import Comment, Report
from desk.alerts import send_digest
from outbox.models import Email
from outbox.schedule import run_due

Status = Comment.Status


@pytest.fixture
def digest_every_30(settings):
    settings.DESK_DIGEST_MINUTES = 30


def digests_to(address):
    return Email.objects.filter(to=address, key__startswith="desk-digest:")


def test_editors_get_a_digest_linking_to_the_queue(editor, mistral, make_comment, digest_every_30):
    for _ in range(2):
        make_comment(mistral, status=Status.PENDING)

    send_digest()

    email = digests_to("editor@example.com").get()
    assert email.subject == "2 comments waiting on mistralnews"
    assert "http://testserver/admin/desk/queue/" in email.text
    assert f"http://testserver/admin/desk/queue/?article={mistral.pk}" in email.html
    assert "http://testserver/admin/desk/alerts/" in email.text
    assert email.status == Email.Status.QUEUED


def test_at_most_one_digest_every_n_minutes_and_only_with_news(
    editor, mistral, make_comment, digest_every_30
):
    start = timezone.now()
    make_comment(mistral, status=Status.PENDING)
    assert send_digest(start)

    make_comment(mistral, status=Status.PENDING)
    assert send_digest(start + timedelta(minutes=29)) is None  # too soon
    assert send_digest(start + timedelta(minutes=31))  # due, and a comment arrived
    assert send_digest(start + timedelta(minutes=62)) is None  # due, but nothing new

    assert digests_to("editor@example.com").count() == 2


def test_no_digest_when_nothing_waits_or_when_turned_off_for_the_site(
    editor, mistral, make_comment, settings
):
    make_comment(mistral, status=Status.APPROVED)
    assert send_digest() is None

    settings.DESK_DIGEST_MINUTES = 0
    make_comment(mistral, status=Status.PENDING)
    assert send_digest() is None
    assert not Email.objects.exists()


def test_an_editor_turns_the_digest_off_and_on(
    editor_client, editor, mistral, make_comment, digest_every_30
):
    make_comment(mistral, status=Status.PENDING)
    other = User.objects.create_user("bea", "bea@example.com", is_staff=True)
    other.groups.set(editor.groups.all())

    page = editor_client.get("/admin/desk/alerts/").content.decode()
    response = editor_client.post("/admin/desk/alerts/", {})
    send_digest()

    assert 'name="wants_digest" id="wants_digest" checked' in page
    assert response.status_code == 302
    assert not digests_to("editor@example.com").exists()
    assert digests_to("bea@example.com").exists()
    assert "checked" not in editor_client.get("/admin/desk/alerts/").content.decode()

    editor_client.post("/admin/desk/alerts/", {"wants_digest": "on"})
    make_comment(mistral, status=Status.PENDING)
    send_digest(timezone.now() + timedelta(hours=1))
    assert digests_to("editor@example.com").exists()


def test_only_active_staff_who_moderate_get_it(db, mistral, make_comment, digest_every_30):
    User.objects.create_user("intern", "intern@example.com", is_staff=True)
    User.objects.create_user("reader", "reader@example.com")
    User.objects.create_superuser("root", "root@example.com")
    make_comment(mistral, status=Status.PENDING)

    send_digest()

    assert list(Email.objects.values_list("to", flat=True)) == ["root@example.com"]


def test_the_alerts_page_needs_the_moderation_permission(client, db):
    client.force_login(User.objects.create_user("intern", is_staff=True))

    assert client.get("/admin/desk/alerts/").status_code == 403
    assert client.post("/admin/desk/alerts/", {"wants_digest": "on"}).status_code == 403


def test_the_digest_is_a_periodic_job(editor, mistral, make_comment, digest_every_30):
    make_comment(mistral, status=Status.PENDING)

    assert "desk.periodic.send_waiting_digest" in run_due()
    assert digests_to("editor@example.com").exists()


def test_the_digest_lists_reported_comments_with_links_to_the_reported_filter(
    editor, mistral, make_comment, digest_every_30
):
    make_comment(mistral, status=Status.PENDING)
    most, once = make_comment(mistral), make_comment(mistral)
    for n, comment in enumerate([most, most, once]):
        Report.objects.create(comment=comment, reason="abuse", ip_hash=f"network-{n}")

    send_digest()

    email = digests_to("editor@example.com").get()
    assert email.subject == "1 comment waiting, 2 reported on mistralnews"
    reported = "http://testserver/admin/comments/comment/?status=reported"
    assert f"Open the reported comments: {reported}" in email.text
    assert f'href="{reported}"' in email.html
    lines = email.text.splitlines()
    assert lines.index(
        f"- 2 reports on a comment under “{mistral.title}”: "
        f"http://testserver/admin/comments/comment/{most.pk}/change/"
    ) < lines.index(
        f"- 1 report on a comment under “{mistral.title}”: "
        f"http://testserver/admin/comments/comment/{once.pk}/change/"
    )


def test_a_new_report_alone_makes_a_digest_due(editor, mistral, make_comment, digest_every_30):
    make_comment(mistral, status=Status.PENDING)
    start = timezone.now()
    assert send_digest(start)
    assert send_digest(start + timedelta(minutes=31)) is None  # nothing new

    Report.objects.create(comment=make_comment(mistral), reason="spam", ip_hash="network")

    digest = send_digest(start + timedelta(minutes=62))
    assert digest and digest.reported == 1
    assert "(1 new report since the last digest)" in digests_to("editor@example.com").first().text
