"""The moderation desk: the comment queue, its actions, and the events they log."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, ModerationEvent
from comments.moderation import moderate
from tests.conftest import comment_form_data, comments_url, verify_in

QUEUE = "/admin/comments/comment/"
Status = Comment.Status


def listed(response):
    return list(response.context["cl"].result_list)


def act(client, action, *comments, url=QUEUE, **fields):
    return client.post(
        url, {"action": action, "_selected_action": [c.pk for c in comments], **fields}
    )


def test_queue_opens_on_pending_comments(editor_client, mistral, make_comment):
    pending = make_comment(mistral, status=Status.PENDING)
    make_comment(mistral, status=Status.APPROVED)
    make_comment(mistral, status=Status.REMOVED)

    response = editor_client.get(QUEUE)

    assert listed(response) == [pending]
    assert "<h1>Moderation queue</h1>" in response.content.decode()


@pytest.mark.parametrize("status", [*Status.values, "all"])
def test_queue_filters_by_status(editor_client, mistral, make_comment, status):
    comments = {value: make_comment(mistral, status=value) for value in Status.values}

    response = editor_client.get(QUEUE, {"status": status})

    expected = list(comments.values()) if status == "all" else [comments[status]]
    assert listed(response) == expected


def test_queue_filters_by_article_and_question(editor_client, mistral, make_article, make_comment):
    question = mistral.questions.first()
    answer = make_comment(mistral, question=question, status=Status.PENDING)
    general = make_comment(mistral, status=Status.PENDING)
    elsewhere = make_comment(make_article(), status=Status.PENDING)

    by_article = editor_client.get(QUEUE, {"article__id__exact": mistral.pk})
    by_question = editor_client.get(QUEUE, {"question__id__exact": question.pk})

    assert listed(by_article) == [answer, general]
    assert elsewhere not in listed(by_article)
    assert listed(by_question) == [answer]


@pytest.mark.parametrize("query", ["camille", "camille@example", "sovereign"])
def test_queue_search_covers_name_email_and_text(editor_client, mistral, make_comment, query):
    found = make_comment(
        mistral,
        author_name="Camille Durand",
        author_email="c.durand@example.org"
        if query != "camille@example"
        else "camille@example.com",
        body="On sovereign models.",
        status=Status.PENDING,
    )
    make_comment(mistral, status=Status.PENDING)

    assert listed(editor_client.get(QUEUE, {"q": query})) == [found]


def test_queue_shows_excerpt_author_article_question_status_and_age(
    editor_client, mistral, make_comment
):
    question = mistral.questions.first()
    make_comment(
        mistral,
        question=question,
        author_name="Jonas Weber",
        body="Sovereignty is about **choice** & <script>alert(1)</script> control.",
        status=Status.PENDING,
    )

    html = editor_client.get(QUEUE).content.decode()

    assert (
        "Sovereignty is about choice &amp; &lt;script&gt;alert(1)&lt;/script&gt; control." in html
    )
    assert "<script>alert" not in html
    assert "<strong>choice" not in html
    assert "Jonas Weber" in html
    assert '<td class="field-on_article">Europe&#x27;s $23 Billion AI Powerhou' in html
    assert question.text[:20].replace('"', "&quot;") in html
    assert "Pending" in html
    assert "0\xa0minutes" in html


def test_approve_writes_an_event_per_changed_comment(editor_client, editor, mistral, make_comment):
    held = [make_comment(mistral, status=Status.PENDING) for _ in range(2)]
    already = make_comment(mistral, status=Status.APPROVED)

    response = act(editor_client, "approve", *held, already, url=f"{QUEUE}?status=all")

    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.APPROVED}
    events = ModerationEvent.objects.order_by("comment_id")
    assert [(e.comment, e.action, e.moderator, e.reason) for e in events] == [
        (comment, "approve", editor, "") for comment in held
    ]
    assert "2 comments approved. 1 already was." in editor_client.get(QUEUE).content.decode()


def test_approving_a_first_comment_lets_the_author_post_freely(editor, mistral, settings):
    settings.COMMENTS_MODERATION = "first-time"
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"
    client, editor_client = Client(), Client()  # the author's browser, and the editor's
    editor_client.force_login(editor)
    verify_in(client, "camille@example.com")
    client.post(comments_url(mistral), comment_form_data(body="My first comment."))
    first = Comment.objects.get()
    assert first.status == Status.PENDING

    act(editor_client, "approve", first)
    client.post(comments_url(mistral), comment_form_data(body="My second comment."))

    assert Comment.objects.get(body="My second comment.").status == Status.APPROVED


def test_remove_asks_for_a_reason_on_an_intermediate_page(editor_client, mistral, make_comment):
    comments = [
        make_comment(mistral, body="Everyone else is an *idiot*.", status=Status.PENDING),
        make_comment(mistral, body="Buy cheap pills.", status=Status.PENDING),
    ]

    response = act(editor_client, "remove", *comments)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Everyone else is an idiot." in html
    assert "Buy cheap pills." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="text" name="reason"' in html and "required" in html
    assert 'value="remove"' in html
    for comment in comments:
        assert f'name="_selected_action" value="{comment.pk}"' in html
    assert 'class="button cancel-link">Cancel</a>' in html
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert not ModerationEvent.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_remove_without_a_reason_changes_nothing(editor_client, mistral, make_comment, reason):
    comment = make_comment(mistral, status=Status.APPROVED)

    response = act(
        editor_client, "remove", comment, url=f"{QUEUE}?status=all", confirm="yes", reason=reason
    )

    assert response.status_code == 200
    assert "Give a reason: readers see it in the comment&#x27;s place." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert not ModerationEvent.objects.exists()


def test_remove_with_a_reason_removes_and_logs(editor_client, editor, mistral, make_comment):
    comments = [make_comment(mistral, status=Status.APPROVED) for _ in range(2)]

    response = act(
        editor_client,
        "remove",
        *comments,
        url=f"{QUEUE}?status=all",
        confirm="yes",
        reason="personal attack",
    )

    assert response.status_code == 302
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == Status.REMOVED
        assert comment.moderation_reason == "personal attack"
        event = comment.moderation_events.get()
        assert (event.action, event.reason, event.moderator) == (
            "remove",
            "personal attack",
            editor,
        )
    assert Comment.objects.count() == 2


def test_mark_as_spam_logs_an_event(editor_client, editor, mistral, make_comment):
    comment = make_comment(mistral, status=Status.PENDING)

    act(editor_client, "mark_as_spam", comment)

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    event = comment.moderation_events.get()
    assert (event.action, event.moderator) == ("spam", editor)


def change_url(comment):
    return f"{QUEUE}{comment.pk}/change/"


def change_form_data(**fields):
    """What the comment's page posts: the moderation fields and its (read-only) lists of
    earlier versions and events."""
    lists = ["revisions", "moderation_events"]
    return {
        **{f"{name}-{count}": "0" for name in lists for count in ["TOTAL_FORMS", "INITIAL_FORMS"]},
        **fields,
    }


def test_one_comment_is_moderated_from_its_page(editor_client, editor, mistral, make_comment):
    comment = make_comment(mistral, status=Status.APPROVED)

    response = editor_client.post(
        change_url(comment), change_form_data(decision="remove", reason="off topic")
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (Status.REMOVED, "off topic")
    event = comment.moderation_events.get()
    assert (event.action, event.reason, event.moderator) == ("remove", "off topic", editor)
    page = editor_client.get(change_url(comment)).content.decode()
    assert "off topic" in page  # the comment's moderation history


def test_removing_one_comment_needs_a_reason(editor_client, mistral, make_comment):
    comment = make_comment(mistral, status=Status.APPROVED)

    response = editor_client.post(change_url(comment), change_form_data(decision="remove"))

    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert not ModerationEvent.objects.exists()


def test_status_and_text_cannot_be_edited_around_the_log(editor_client, mistral, make_comment):
    comment = make_comment(mistral, status=Status.PENDING, body="Original words.")

    response = editor_client.post(
        change_url(comment),
        change_form_data(status="approved", body="Words put in a reader's mouth.", author_name="X"),
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.body, comment.author_name) == (
        Status.PENDING,
        "Original words.",
        "Reader 1",
    )
    assert not ModerationEvent.objects.exists()
    html = editor_client.get(change_url(comment)).content.decode()
    assert 'name="status"' not in html
    assert 'name="body"' not in html


def test_nothing_is_deleted_or_added_through_the_desk(editor_client, mistral, make_comment):
    comment = make_comment(mistral, status=Status.PENDING)

    html = editor_client.get(QUEUE).content.decode()
    delete_url = f"{QUEUE}{comment.pk}/delete/"

    assert 'value="delete_selected"' not in html
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    act(editor_client, "delete_selected", comment, post="yes")
    assert editor_client.get(f"{QUEUE}add/").status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_moderation_events_are_read_only(editor_client, mistral, make_comment, editor):
    comment = make_comment(mistral, status=Status.PENDING)
    moderate(Comment.objects.filter(pk=comment.pk), "approve", editor)
    event = ModerationEvent.objects.get()
    events_url = "/admin/comments/moderationevent/"

    assert editor_client.get(events_url).status_code == 200
    assert editor_client.get(f"{events_url}add/").status_code == 403
    assert editor_client.post(f"{events_url}{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert editor_client.post(f"{events_url}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason == ""


def test_moderate_refuses_a_removal_without_a_reason(mistral, make_comment, editor):
    comment = make_comment(mistral)

    with pytest.raises(ValueError, match="needs a reason"):
        moderate(Comment.objects.filter(pk=comment.pk), "remove", editor, "  ")

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert not ModerationEvent.objects.exists()


def queue_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE, {"status": "all"}).status_code == 200
    return len(queries)


def test_queue_query_count_does_not_grow_with_comments(editor_client, mistral, make_comment):
    questions = [*mistral.questions.all(), None]
    make_comment(mistral, question=questions[0], status=Status.PENDING)
    one_row = queue_queries(editor_client)

    for n in range(19):
        make_comment(mistral, question=questions[n % 3], status=Status.PENDING)

    assert queue_queries(editor_client) == one_row


def test_moderation_log_query_count_does_not_grow_with_events(
    editor_client, mistral, make_comment, editor
):
    url = "/admin/comments/moderationevent/"
    moderate(Comment.objects.filter(pk=make_comment(mistral).pk), "remove", editor, "abuse")
    with CaptureQueriesContext(connection) as one_event:
        editor_client.get(url)

    for _ in range(19):
        moderate(Comment.objects.filter(pk=make_comment(mistral).pk), "spam", editor)
    with CaptureQueriesContext(connection) as twenty_events:
        assert editor_client.get(url).status_code == 200

    assert len(twenty_events) == len(one_event)
