"""The desk's one-click queue: each held comment with its context, decided by one button."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from comments.models import AddressRule, Comment, ModerationEvent, Report
from comments.moderation import moderate
from desk.models import RemovalReason
from tests.conftest import comment_form_data, comments_url

QUEUE = "/admin/desk/queue/"
Status = Comment.Status


def act_url(comment):
    return f"{QUEUE}{comment.pk}/"


def rule_url(comment):
    return f"{QUEUE}{comment.pk}/rule/"


def rows(response):
    return [row.comment for row in response.context["page"].rows]


@pytest.fixture
def moderator_without_rules(db):
    """Staff who may moderate comments but not set rules on addresses (not an Editor)."""
    user = User.objects.create_user("helper", "helper@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=["change_comment", "view_comment"]
        )
    )
    client = Client()
    client.force_login(user)
    return client


def test_queue_shows_each_comment_rendered_with_its_context(editor_client, mistral, make_comment):
    question = mistral.questions.first()
    parent = make_comment(
        mistral, question=question, author_name="Ana", body="Sovereign compute matters most."
    )
    make_comment(mistral, author_email="bo@example.com", status=Status.APPROVED)
    make_comment(mistral, author_email="bo@example.com", status=Status.REMOVED)
    make_comment(mistral, author_email="bo@example.com", status=Status.SPAM)
    make_comment(mistral, author_email="bo@example.com", status=Status.SPAM)
    long_text = "\n\n".join(f"Paragraph {n} of a **long** answer." for n in range(1, 30))
    held = make_comment(
        mistral, parent=parent, author_name="Bo", author_email="bo@example.com",
        body=long_text, status=Status.PENDING,
    )  # fmt: skip

    response = editor_client.get(QUEUE)
    page = response.content.decode()

    assert rows(response) == [held]
    assert "<strong>long</strong>" in page  # rendered, not Markdown
    assert "Paragraph 29 of a" in page  # the whole text, folded by the stylesheet
    assert escape(question.text[:60]) in page
    assert "In reply to Ana:</span> Sovereign compute matters most." in page
    assert escape(mistral.title[:60]) in page
    assert "1 approved · 1 removed · 2 spam" in page
    assert "bo@example.com" not in page  # the address is never shown
    assert "1 comment waiting" in page


def test_queue_lists_held_comments_oldest_first_25_a_page(editor_client, mistral, make_comment):
    held = [make_comment(mistral, status=Status.PENDING) for _ in range(30)]
    make_comment(mistral, status=Status.APPROVED)

    first = editor_client.get(QUEUE)
    second = editor_client.get(QUEUE, {"page": 2})

    assert rows(first) == held[:25]
    assert rows(second) == held[25:]
    assert "30 comments waiting" in first.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "999", "1" * 30])
def test_a_bad_page_number_shows_a_page_of_the_queue(editor_client, mistral, make_comment, page):
    make_comment(mistral, status=Status.PENDING)

    assert editor_client.get(QUEUE, {"page": page}).status_code == 200


@pytest.mark.parametrize("article", ["abc", "999999", "9" * 30])
def test_an_unknown_article_is_a_404_with_a_message(editor_client, db, article):
    response = editor_client.get(QUEUE, {"article": article})

    assert response.status_code == 404
    assert "There is no such article." in response.content.decode()


def test_queue_of_one_article(editor_client, mistral, make_article, make_comment):
    mine = make_comment(mistral, status=Status.PENDING)
    make_comment(make_article(), status=Status.PENDING)

    assert rows(editor_client.get(QUEUE, {"article": mistral.pk})) == [mine]


def test_approve_is_one_click_logged_and_back_to_the_queue(
    editor_client, editor, mistral, make_comment
):
    held = make_comment(mistral, status=Status.PENDING)

    response = editor_client.post(act_url(held), {"decision": "approve", "next": f"{QUEUE}?page=2"})

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?page=2"
    held.refresh_from_db()
    assert held.status == Status.APPROVED
    event = held.moderation_events.get()
    assert (event.action, event.moderator, event.reason) == ("approve", editor, "")
    assert "comment: approved." in editor_client.get(QUEUE).content.decode()


def test_spam_is_one_click(editor_client, mistral, make_comment):
    held = make_comment(mistral, status=Status.PENDING)

    editor_client.post(act_url(held), {"decision": "spam"})

    held.refresh_from_db()
    assert held.status == Status.SPAM
    assert held.moderation_events.get().action == "spam"


def test_remove_with_a_ready_made_reason_shows_it_in_the_public_log(
    editor_client, client, mistral, make_comment
):
    held = make_comment(mistral, status=Status.PENDING)
    reason = RemovalReason.objects.get(text="Personal attack")

    editor_client.post(act_url(held), {"decision": f"remove:{reason.pk}"})

    held.refresh_from_db()
    assert (held.status, held.moderation_reason) == (Status.REMOVED, "Personal attack")
    assert held.moderation_events.get().reason == "Personal attack"
    assert "Personal attack" in client.get("/moderation/").content.decode()


def test_remove_with_a_written_reason_or_a_note_after_a_ready_one(
    editor_client, mistral, make_comment
):
    first, second = (make_comment(mistral, status=Status.PENDING) for _ in range(2))
    off_topic = RemovalReason.objects.get(text="Off-topic")

    editor_client.post(act_url(first), {"decision": "remove", "reason": " Doxxing  a reader "})
    editor_client.post(
        act_url(second), {"decision": f"remove:{off_topic.pk}", "reason": "about football"}
    )

    assert ModerationEvent.objects.get(comment=first).reason == "Doxxing a reader"
    assert ModerationEvent.objects.get(comment=second).reason == "Off-topic: about football"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"decision": "remove", "reason": "  "}, "Removing a comment needs a reason"),
        ({"decision": "remove:999999"}, "That removal reason no longer exists"),
        ({"decision": "remove", "reason": "x" * 501}, "at most 500 characters"),
        ({"decision": "delete"}, "Choose Approve, Remove or Spam."),
        ({}, "Choose Approve, Remove or Spam."),
    ],
)
def test_a_decision_that_cannot_be_done_is_a_400_that_changes_nothing(
    editor_client, mistral, make_comment, data, message
):
    held = make_comment(mistral, status=Status.PENDING)

    response = editor_client.post(act_url(held), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert not ModerationEvent.objects.exists()


def test_acting_on_a_missing_comment_is_404_and_a_get_is_405(editor_client, mistral, make_comment):
    held = make_comment(mistral, status=Status.PENDING)

    assert editor_client.post(f"{QUEUE}999999/", {"decision": "approve"}).status_code == 404
    assert editor_client.get(act_url(held)).status_code == 405


def test_a_comment_already_decided_is_not_decided_again(editor_client, mistral, make_comment):
    held = make_comment(mistral, status=Status.PENDING)
    editor_client.post(act_url(held), {"decision": "approve"})

    editor_client.post(act_url(held), {"decision": "approve"})

    assert held.moderation_events.count() == 1
    assert "was already decided on" in editor_client.get(QUEUE).content.decode()


def test_next_cannot_lead_off_the_queue(editor_client, mistral, make_comment):
    held = make_comment(mistral, status=Status.PENDING)

    response = editor_client.post(
        act_url(held), {"decision": "approve", "next": "https://evil.example/admin/desk/queue/"}
    )

    assert response["Location"] == QUEUE


def test_buttons_need_the_csrf_token(editor, mistral, make_comment):
    held = make_comment(mistral, status=Status.PENDING)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)

    assert browser.post(act_url(held), {"decision": "approve"}).status_code == 403
    held.refresh_from_db()
    assert held.status == Status.PENDING


def test_readers_cannot_reach_the_queue_or_act(client, mistral, make_comment):
    held = make_comment(mistral, status=Status.PENDING)
    client.force_login(User.objects.create_user("reader"))

    for response in [
        client.get(QUEUE),
        client.post(act_url(held), {"decision": "approve"}),
        client.post(rule_url(held), {"kind": "block", "rule_reason": "spam"}),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert not AddressRule.objects.exists()


def test_staff_who_cannot_moderate_get_403(client, mistral, make_comment):
    held = make_comment(mistral, status=Status.PENDING)
    client.force_login(User.objects.create_user("intern", is_staff=True))

    assert client.get(QUEUE).status_code == 403
    assert client.post(act_url(held), {"decision": "approve"}).status_code == 403
    held.refresh_from_db()
    assert held.status == Status.PENDING


def test_queue_query_count_does_not_grow_with_rows(
    editor_client, mistral, make_comment, django_assert_num_queries
):
    questions = [*mistral.questions.all(), None]
    parent = make_comment(mistral, question=questions[0])
    make_comment(mistral, status=Status.PENDING)
    # session, user, their permissions (2), the count, the page, the authors' histories,
    # their rules, the reasons
    with django_assert_num_queries(9):
        editor_client.get(QUEUE)

    for n in range(24):
        make_comment(
            mistral, question=questions[n % 3], parent=parent if n % 2 else None,
            author_email=f"author{n % 5}@example.com", status=Status.PENDING,
        )  # fmt: skip
    AddressRule.objects.create(address_hash="0" * 64, kind="hold", reason="test")
    with django_assert_num_queries(9):
        response = editor_client.get(QUEUE)
    assert len(response.context["page"].rows) == 25


def test_waiting_count_on_the_desk_home_and_every_desk_page(editor_client, mistral, make_comment):
    for _ in range(3):
        make_comment(mistral, status=Status.PENDING)

    home = editor_client.get("/admin/").content.decode()
    articles = editor_client.get("/admin/articles/article/").content.decode()

    assert "3 comments waiting for moderation" in home
    assert 'class="desk-waiting" href="/admin/desk/queue/">3 comments waiting' in articles


def test_reported_count_on_the_desk_home_and_every_desk_page(
    editor_client, editor, mistral, make_comment
):
    reported = [make_comment(mistral) for _ in range(2)]
    for n, comment in enumerate([*reported, reported[0]]):
        Report.objects.create(comment=comment, reason="abuse", ip_hash=f"network-{n}")
    decided = make_comment(mistral)
    Report.objects.create(comment=decided, reason="spam", ip_hash="network-9")
    moderate(Comment.objects.filter(pk=decided.pk), ModerationEvent.Action.APPROVE, editor)
    filter_link = 'href="/admin/comments/comment/?status=reported"'

    home = editor_client.get("/admin/").content.decode()
    for page in ["/admin/articles/article/", QUEUE, "/admin/desk/alerts/"]:
        html = editor_client.get(page).content.decode()
        assert f'class="desk-reported" {filter_link}>2 reported</a>' in html, page

    assert f"{filter_link}>2 comments reported by readers</a>, not decided on yet" in home


def test_the_desk_counts_are_one_query_on_every_desk_page(
    editor_client, editor, mistral, make_comment, django_assert_num_queries
):
    for n in range(3):
        comment = make_comment(mistral, status=Status.PENDING if n else Status.APPROVED)
        Report.objects.create(comment=comment, reason="abuse", ip_hash=f"network-{n}")
    # session, user, their permissions (2), the counts, the editor's recent actions
    with django_assert_num_queries(6):
        html = editor_client.get("/admin/").content.decode()
    assert "2 comments waiting" in html and "3 reported" in html


def test_staff_who_cannot_moderate_see_no_count(client, mistral, make_comment):
    make_comment(mistral, status=Status.PENDING)
    client.force_login(User.objects.create_user("intern", is_staff=True))

    assert "waiting" not in client.get("/admin/").content.decode()


def test_editors_edit_the_ready_made_reasons(editor_client, mistral, make_comment):
    make_comment(mistral, status=Status.PENDING)

    response = editor_client.post(
        "/admin/desk/removalreason/add/", {"text": "Breaks the embargo", "position": 9}
    )

    assert response.status_code == 302
    assert "Breaks the embargo</button>" in editor_client.get(QUEUE).content.decode()


# Rules on an author's address


def test_blocking_an_address_refuses_its_next_comments(
    editor_client, editor, mistral, open_comments, make_comment
):
    held = make_comment(mistral, author_email="camille@example.com", status=Status.PENDING)

    response = editor_client.post(rule_url(held), {"kind": "block", "rule_reason": "Troll"})
    reader = Client()  # not the editor's browser: editors post as themselves
    posted = reader.post(
        comments_url(mistral), comment_form_data(author_email="Camille@Example.com")
    )

    assert response.status_code == 302
    rule = AddressRule.objects.get()
    assert (rule.kind, rule.reason, rule.created_by) == ("block", "Troll", editor)
    assert "camille" not in rule.address_hash
    assert posted.status_code == 403
    assert "do not accept comments from this email address" in posted.content.decode()
    assert Comment.objects.count() == 1
    assert LogEntry.objects.get().change_message == f"Block (from comment {held.pk}): Troll"


def test_always_hold_holds_an_address_under_an_open_policy(
    editor_client, mistral, open_comments, make_comment
):
    approved = make_comment(mistral, author_email="camille@example.com")

    editor_client.post(rule_url(approved), {"kind": "hold", "rule_reason": "Check facts"})
    reader = Client()  # not the editor's browser: editors post as themselves
    reader.post(comments_url(mistral), comment_form_data())
    reader.post(comments_url(mistral), comment_form_data(author_email="other@example.com"))

    assert (
        Comment.objects.get(
            body__startswith="Europe needs", author_email="camille@example.com"
        ).status
        == Status.PENDING
    )
    assert Comment.objects.get(author_email="other@example.com").status == Status.APPROVED
    assert "Always hold: Check facts" in editor_client.get(QUEUE).content.decode()


def test_a_rule_changes_when_set_again(editor_client, mistral, make_comment):
    held = make_comment(mistral, status=Status.PENDING)
    editor_client.post(rule_url(held), {"kind": "hold", "rule_reason": "Watch"})

    editor_client.post(rule_url(held), {"kind": "block", "rule_reason": "Spam again"})

    assert list(AddressRule.objects.values_list("kind", "reason")) == [("block", "Spam again")]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "mute", "rule_reason": "x"}, "Choose Always hold or Block."),
        ({"kind": "block", "rule_reason": " "}, "needs a reason"),
        ({"kind": "block", "rule_reason": "x" * 501}, "at most 500 characters"),
    ],
)
def test_a_bad_rule_is_a_400(editor_client, mistral, make_comment, data, message):
    held = make_comment(mistral, status=Status.PENDING)

    response = editor_client.post(rule_url(held), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AddressRule.objects.exists()


def test_setting_a_rule_needs_the_permission_editors_have(
    moderator_without_rules, editor_client, mistral, make_comment
):
    held = make_comment(mistral, status=Status.PENDING)

    refused = moderator_without_rules.post(rule_url(held), {"kind": "block", "rule_reason": "x"})
    queue = moderator_without_rules.get(QUEUE).content.decode()

    assert refused.status_code == 403
    assert not AddressRule.objects.exists()
    assert "Approve</button>" in queue  # they may moderate
    assert "Always hold" not in queue  # but not set rules
    assert "Always hold" in editor_client.get(QUEUE).content.decode()


def test_rules_added_in_the_desk_keep_only_the_hash(editor_client, editor, db):
    response = editor_client.post(
        "/admin/comments/addressrule/add/",
        {"email": "Spammer@example.com", "kind": "block", "reason": "Link farm"},
    )

    assert response.status_code == 302
    rule = AddressRule.objects.get()
    assert rule.created_by == editor
    assert AddressRule.objects.for_email("spammer@example.com") == rule
    assert "spammer" not in str(list(AddressRule.objects.values()))


# Undo


def test_the_last_decision_is_undone_by_its_own_logged_action(
    editor_client, editor, client, mistral, make_comment
):
    held = make_comment(mistral, status=Status.PENDING)
    editor_client.post(act_url(held), {"decision": "approve"})
    queue = editor_client.get(QUEUE).content.decode()
    assert f'action="{act_url(held)}"' in queue and "Undo the last decision" in queue

    response = editor_client.post(act_url(held), {"decision": "reopen"})

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert list(held.moderation_events.order_by("id").values_list("action", "moderator")) == [
        ("approve", editor.pk),
        ("reopen", editor.pk),
    ]
    assert "Returned to moderation" in client.get("/moderation/").content.decode()
    queue = editor_client.get(QUEUE).content.decode()
    assert "Undo the last decision" not in queue
    assert rows(editor_client.get(QUEUE)) == [held]


def test_undo_works_only_on_the_last_decision_within_its_window(
    editor_client, mistral, make_comment, monkeypatch
):
    first, second = (make_comment(mistral, status=Status.PENDING) for _ in range(2))
    editor_client.post(act_url(first), {"decision": "spam"})
    editor_client.post(act_url(second), {"decision": "spam"})

    not_last = editor_client.post(act_url(first), {"decision": "reopen"})
    later = timezone.now() + timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    too_late = editor_client.post(act_url(second), {"decision": "reopen"})

    for response in (not_last, too_late):
        assert response.status_code == 400
        assert "can no longer be undone" in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.SPAM}


def test_a_comments_own_page_shows_it_rendered(editor_client, mistral, make_comment):
    held = make_comment(mistral, body="A **bold** claim.", status=Status.PENDING)

    page = editor_client.get(f"/admin/comments/comment/{held.pk}/change/").content.decode()

    assert "<p>A <strong>bold</strong> claim.</p>" in page


def test_an_erased_address_has_no_history_and_takes_no_rule(editor_client, mistral, make_comment):
    make_comment(mistral, author_email="", status=Status.SPAM)
    held = make_comment(mistral, author_email="", status=Status.PENDING)

    page = editor_client.get(QUEUE).content.decode()
    refused = editor_client.post(rule_url(held), {"kind": "block", "rule_reason": "x"})

    assert "address erased" in page and "1 spam" not in page
    assert refused.status_code == 400
    assert "address was erased" in refused.content.decode()
    assert not AddressRule.objects.exists()
