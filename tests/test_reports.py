"""Reader reports: every comment has "Report" (a small form, no account) with a reason and an
optional note; illegal content asks what a DSA Art. 16(2) notice needs; COMMENTS_REPORT_HOLD
reports from different networks hold the comment until an editor decides; reporters are
limited per network; the desk lists reported comments; the reporter is never public."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, ModerationEvent, Report
from comments.moderation import moderate

QUEUE = reverse("admin:comments_comment_changelist")


@pytest.fixture
def comment(mistral, make_comment):
    return make_comment(mistral, author_name="Jonas Weber", body="Buy cheap pills.")


def report_url(comment):
    return reverse("comments:report", args=[comment.pk])


def report(comment, network="192.0.2.1", **fields):
    client = Client(REMOTE_ADDR=network)
    return client.post(report_url(comment), {"reason": "spam", "note": "", **fields})


def test_every_comment_has_a_report_link_and_form(client, mistral, comment):
    html = client.get(mistral.get_absolute_url()).content.decode()
    assert f'href="{report_url(comment)}" rel="nofollow"' in html

    page = client.get(report_url(comment))

    assert page.status_code == 200
    form = page.content.decode()
    assert "Buy cheap pills." in form
    for reason in ["Spam", "Abuse or harassment", "Off-topic", "Misinformation", "Illegal content"]:
        assert reason in form
    assert "no-cache" in page["Cache-Control"]


def test_a_report_is_stored_with_its_reason_and_note(comment):
    response = report(comment, reason="abuse", note="Targets another reader.")

    assert response.status_code == 200
    assert "your report was received" in response.content.decode()
    stored = Report.objects.get()
    assert (stored.reason, stored.note, stored.comment) == (
        "abuse",
        "Targets another reader.",
        comment,
    )
    assert stored.ip_hash and "192.0.2.1" not in stored.ip_hash


def test_illegal_content_asks_what_a_dsa_notice_needs(comment):
    response = report(comment, reason="illegal")

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Art. 16(2)") >= 4  # why, name, email, good faith
    assert not Report.objects.exists()

    report(
        comment,
        reason="illegal",
        explanation="It sells prescription drugs without a licence.",
        notifier_name="Camille Durand",
        notifier_email="camille@example.com",
        good_faith="on",
    )
    assert Report.objects.get().notifier_email == "camille@example.com"


def test_child_abuse_material_needs_no_name_or_email(comment):
    report(comment, reason="illegal", explanation="…", child_abuse="on", good_faith="on")

    assert Report.objects.get().notifier_name == ""


def test_reports_from_enough_networks_hold_the_comment_until_an_editor_decides(
    client, mistral, comment, editor, settings
):
    settings.COMMENTS_REPORT_HOLD = 3
    report(comment, "192.0.2.1")
    report(comment, "192.0.2.1")  # the same network again does not count
    report(comment, "192.0.2.2")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED

    report(comment, "192.0.2.3")

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert "Buy cheap pills." not in client.get(mistral.get_absolute_url()).content.decode()
    log = client.get(reverse("comments:moderation_log")).content.decode()
    assert "Held for review after readers&#x27; reports" in log
    assert "Reported by 3 readers" in log
    assert "192.0.2" not in log

    moderate(Comment.objects.filter(pk=comment.pk), ModerationEvent.Action.APPROVE, editor)
    assert not Report.objects.open().exists(), "the decision answers the reports"
    report(comment, "192.0.2.4")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_reporters_are_limited_per_network(comment, mistral, make_comment, settings):
    settings.COMMENTS_REPORT_LIMIT = "2/10m"
    others = [make_comment(mistral) for _ in range(3)]

    responses = [report(other, "192.0.2.9") for other in others]

    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    assert Report.objects.count() == 2


def test_only_visible_comments_can_be_reported(client, mistral, make_comment):
    held = make_comment(mistral, status=Comment.Status.PENDING)

    assert client.get(report_url(held)).status_code == 404
    assert report(held).status_code == 404


def test_the_desk_lists_reported_comments_most_reported_first(
    editor_client, mistral, make_comment, comment, settings
):
    settings.COMMENTS_REPORT_HOLD = 10
    once = make_comment(mistral, body="Reported once.")
    make_comment(mistral, body="Never reported.")
    report(once, "192.0.2.1", reason="off-topic")
    report(comment, "192.0.2.1")
    report(comment, "192.0.2.2", reason="abuse")

    html = editor_client.get(QUEUE, {"status": "reported"}).content.decode()

    assert html.index("Buy cheap pills.") < html.index("Reported once.")
    assert "Never reported." not in html
    assert "2: Abuse or harassment, Spam" in html
    assert "1: Off-topic" in html


def test_keeping_a_reported_comment_is_logged_publicly_without_the_reporter(
    client, comment, editor
):
    report(comment, "192.0.2.7", note="I do not like it.")
    assert "Kept after" not in client.get(reverse("comments:moderation_log")).content.decode()
    moderate(
        Comment.objects.filter(pk=comment.pk),
        ModerationEvent.Action.APPROVE,
        editor,
        reason="Within the guidelines",
    )

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED
    [event] = comment.moderation_events.all()
    assert event.action == ModerationEvent.Action.KEEP
    log = client.get(reverse("comments:moderation_log")).content.decode()
    assert "Kept after readers&#x27; reports" in log and "Within the guidelines" in log
    assert "192.0.2" not in log and "I do not like it." not in log

    moderate(Comment.objects.filter(pk=comment.pk), ModerationEvent.Action.APPROVE, editor)
    assert comment.moderation_events.count() == 1, "approving again keeps nothing more"
