"""The community guidelines: a public page saying what editors remove and why, edited by editors
in the desk (Markdown, sanitized once on save), shared and cached under its version so an edit
shows at once, and linked from the footer, the report form, the moderation log and every
removal notice."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.urls import reverse
from django_tasks_db.models import DBTaskResult, get_date_max

from comments.models import Comment, CommunityGuidelines, VerifiedAddress
from comments.moderation import UNDO_WINDOW, moderate
from outbox.models import Email

pytestmark = pytest.mark.django_db

GUIDELINES = "/guidelines/"
DESK = "/admin/comments/communityguidelines/"
CHANGE = f"{DESK}1/change/"


def test_the_page_shows_the_default_guidelines_to_readers_without_a_cookie(client):
    response = client.get(GUIDELINES)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Community guidelines</h1>" in html
    assert "<h2>What we remove, and why</h2>" in html
    assert "<strong>Personal attacks and harassment.</strong>" in html
    assert '<link rel="canonical" href="http://testserver/guidelines/">' in html
    assert response.cookies == {}
    assert "private" not in response["Cache-Control"] and response["ETag"]


def test_a_cached_copy_is_served_for_one_query(client, django_assert_num_queries):
    client.get(GUIDELINES)

    with django_assert_num_queries(1):
        assert client.get(GUIDELINES).status_code == 200


def test_editors_edit_them_in_the_desk_and_the_page_changes_at_once(client, editor_client):
    before = client.get(GUIDELINES)
    assert editor_client.get(DESK).url == CHANGE, "the desk's list opens the one page"

    saved = editor_client.post(
        CHANGE, {"body": "## No shouting\n\nWe remove <script>alert(1)</script>CAPITALS."}
    )

    assert saved.status_code == 302
    after = client.get(GUIDELINES)
    html = after.content.decode()
    assert "<h2>No shouting</h2>" in html
    assert "<script>" not in html and "Personal attacks" not in html
    assert after["ETag"] != before["ETag"]
    stored = CommunityGuidelines.objects.get()
    assert "<script>" not in stored.body_html, "sanitized once, on save"


def test_there_is_one_page_no_one_adds_or_deletes(editor_client):
    editor_client.get(DESK)

    assert editor_client.get(f"{DESK}add/").status_code == 403
    assert editor_client.get(f"{CHANGE}../delete/").status_code == 403
    assert CommunityGuidelines.objects.count() == 1


def test_staff_without_the_permission_cannot_edit_them(client):
    client.force_login(User.objects.create_user("intern", is_staff=True))

    assert client.get(DESK).status_code == 403
    assert client.post(CHANGE, {"body": "Anything goes."}).status_code == 403


def test_linked_from_the_footer_the_report_form_and_the_moderation_log(
    client, mistral, make_comment
):
    comment = make_comment(mistral)
    link = f'href="{GUIDELINES}"'

    for page in [
        mistral.get_absolute_url(),
        reverse("comments:moderation_log"),
        reverse("comments:report", args=[comment.pk]),
    ]:
        assert link in client.get(page).content.decode(), page


def test_every_removal_notice_links_them(mistral, make_comment, editor, committed, run_tasks):
    VerifiedAddress.objects.create(email="ada@example.com")
    comment = make_comment(mistral, author_email="ada@example.com", notify_moderation=True)
    with committed():
        moderate(Comment.objects.filter(pk=comment.pk), "remove", editor, "Personal attack")
    delta = UNDO_WINDOW + timedelta(minutes=1)
    DBTaskResult.objects.exclude(run_after=get_date_max()).update(run_after=F("run_after") - delta)
    run_tasks()

    [notice] = Email.objects.filter(to="ada@example.com", key__startswith="notice:moderation:")
    assert "http://testserver/guidelines/" in notice.text
    assert 'href="http://testserver/guidelines/"' in notice.html
