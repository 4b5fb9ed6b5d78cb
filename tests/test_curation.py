"""Editors' Picks: editors pick answers from the desk or the article page; each question shows
its picks at the top, each picked comment a badge; the public log shows the pick; lists show
the stored counts. Nobody but an editor can pick."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from articles.models import Article, DiscussionQuestion
from comments.curation import pick, unpick
from comments.lifecycle import Event, after_commit
from comments.models import Comment, ModerationEvent
from tests.test_comments import section_html

Action = ModerationEvent.Action
QUEUE = reverse("admin:comments_comment_changelist")


def pick_url(comment):
    return reverse("comments:pick", args=[comment.pk])


def picks_html(html, question):
    """The "Editors' Picks" part of a question's section, or "" when it has none."""
    section = section_html(html, f"question-{question.pk}")
    start = section.find('<div class="picks">')
    return "" if start == -1 else section[start : section.index("</ol>\n    </div>", start)]


@pytest.fixture
def question(mistral):
    return mistral.questions.first()


@pytest.fixture
def answer(mistral, make_comment, question):
    return make_comment(mistral, question=question, author_name="Jonas Weber", body="Worth it.")


def test_an_editor_picks_an_answer_from_the_article_page(
    editor_client, mistral, question, answer, make_comment
):
    other = make_comment(mistral, question=question, body="Not picked.")
    page = editor_client.get(mistral.get_absolute_url()).content.decode()
    assert f'action="{pick_url(answer)}"' in page, "editors see a Pick button"

    response = editor_client.post(pick_url(answer), {"action": "pick"})

    assert response.status_code == 303
    assert response["Location"] == f"{mistral.get_absolute_url()}#comment-{answer.pk}"
    html = Client().get(mistral.get_absolute_url()).content.decode()
    picks = picks_html(html, question)
    assert "Editors&#x27; Picks" in picks or "Editors' Picks" in picks
    assert "Worth it." in picks and "Not picked." not in picks
    assert f'href="/comments/{answer.pk}/"' in picks, "a link to its place in its thread"
    badge = '<span class="badge badge--pick">Editors\' Pick</span>'
    assert html.count(badge) == 2, "the badge, in the picks and in its thread"
    assert "1 pick" in section_html(html, f"question-{question.pk}")
    assert not other.picked_at


def test_an_editor_unpicks_from_the_article_page(editor_client, mistral, question, answer, editor):
    pick(Comment.objects.filter(pk=answer.pk), editor)
    page = editor_client.get(mistral.get_absolute_url()).content.decode()
    assert 'value="unpick"' in page

    editor_client.post(pick_url(answer), {"action": "unpick"})

    answer.refresh_from_db()
    assert answer.picked_at is None
    assert picks_html(Client().get(mistral.get_absolute_url()).content.decode(), question) == ""
    assert [e.action for e in answer.moderation_events.all()] == [Action.UNPICK, Action.PICK]


def test_readers_never_see_pick_buttons_even_after_an_editor_viewed_the_page(
    editor_client, mistral, answer
):
    editor_client.get(mistral.get_absolute_url())  # an editor's page, with buttons

    html = Client().get(mistral.get_absolute_url()).content.decode()

    assert pick_url(answer) not in html
    assert 'class="comment__curate"' not in html


@pytest.mark.parametrize(
    "who", ["anonymous", "reader with an account", "staff who cannot moderate"]
)
def test_only_editors_may_pick(client, mistral, answer, who):
    if who != "anonymous":
        user = User.objects.create_user("someone", is_staff=who.startswith("staff"))
        client.force_login(user)

    response = client.post(pick_url(answer), {"action": "pick"})

    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.picked_at is None
    assert not ModerationEvent.objects.exists()


def test_only_editors_may_unpick(client, mistral, answer, editor):
    pick(Comment.objects.filter(pk=answer.pk), editor)

    assert client.post(pick_url(answer), {"action": "unpick"}).status_code == 403
    answer.refresh_from_db()
    assert answer.picked_at is not None


def test_picking_is_a_post(editor_client, answer):
    assert editor_client.get(pick_url(answer)).status_code == 405


def test_editors_pick_and_unpick_from_the_desk(editor_client, mistral, answer, make_comment):
    held = make_comment(mistral, status=Comment.Status.PENDING, body="Held.")

    response = editor_client.post(
        QUEUE + "?status=all",
        {"action": "pick", "_selected_action": [answer.pk, held.pk]},
        follow=True,
    )

    assert "1 comment picked" in response.content.decode()
    answer.refresh_from_db(), held.refresh_from_db()
    assert answer.picked_at is not None and held.picked_at is None, "only visible comments"

    editor_client.post(QUEUE + "?status=all", {"action": "unpick", "_selected_action": [answer.pk]})
    answer.refresh_from_db()
    assert answer.picked_at is None


def test_a_pick_is_a_positive_action_in_the_public_log(client, mistral, answer, editor):
    pick(Comment.objects.filter(pk=answer.pk), editor)

    html = client.get(reverse("comments:moderation_log")).content.decode()

    entry = html[html.index('<li class="moderation-log__entry') :]
    assert entry.startswith('<li class="moderation-log__entry moderation-log__entry--positive"')
    assert "Picked by the editors" in entry
    assert "A comment by Jonas Weber" in entry
    assert "editor" not in entry.split("</li>")[0].lower().replace("picked by the editors", "")


def test_a_pick_is_announced_through_the_lifecycle(
    mistral, answer, editor, django_capture_on_commit_callbacks
):
    heard = []
    listener = after_commit(Event.PICKED, Event.UNPICKED)(
        lambda e, ids, **d: heard.append((e, ids))
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pick(Comment.objects.filter(pk=answer.pk), editor)
        with django_capture_on_commit_callbacks(execute=True):
            unpick(Comment.objects.filter(pk=answer.pk), editor)
    finally:
        from comments import lifecycle

        for event in (Event.PICKED, Event.UNPICKED):
            lifecycle._listeners[event].remove(listener)

    assert heard == [(Event.PICKED, [answer.pk]), (Event.UNPICKED, [answer.pk])]


def test_counts_are_stored_and_leave_out_removed_picks(
    mistral, question, answer, editor, make_comment
):
    second = make_comment(mistral, question=question)
    general = make_comment(mistral)
    pick(Comment.objects.filter(pk__in=[answer.pk, second.pk, general.pk]), editor)

    assert DiscussionQuestion.objects.get(pk=question.pk).pick_count == 2
    stored = Article.objects.get(pk=mistral.pk)
    assert (stored.pick_count, stored.answer_count, stored.question_count) == (3, 2, 2)

    from comments.moderation import moderate

    moderate(Comment.objects.filter(pk=second.pk), Action.REMOVE, editor, "Off topic")
    assert Article.objects.get(pk=mistral.pk).pick_count == 2
    assert DiscussionQuestion.objects.get(pk=question.pk).pick_count == 1


def test_lists_show_questions_answers_and_picks_from_stored_counts(
    client, mistral, question, answer, editor, django_assert_num_queries, page_cache_off
):
    pick(Comment.objects.filter(pk=answer.pk), editor)

    with django_assert_num_queries(3):  # count, page, tags: no counting per article
        html = client.get("/").content.decode()

    assert re.search(r"2 questions · 1 answer · 1 pick\b", html)


def test_question_count_follows_questions_added_and_deleted(client, make_article):
    article = make_article(questions=["One?", "Two?"])
    assert Article.objects.get(pk=article.pk).question_count == 2

    article.questions.first().delete()
    article.questions.create(text="Three?", position=3)
    article.questions.create(text="Four?", position=4)

    assert Article.objects.get(pk=article.pk).question_count == 3
    assert "3 questions · 0 answers · 0 picks" in client.get("/").content.decode()


def test_article_page_queries_do_not_grow_with_picks(
    client, mistral, question, make_comment, editor, django_assert_num_queries, page_cache_off
):
    answers = [make_comment(mistral, question=question) for _ in range(6)]
    pick(Comment.objects.filter(pk=answers[0].pk), editor)
    # article, category, tags, questions, threads, their comments, newest comments; its picks
    with django_assert_num_queries(8) as one:
        client.get(mistral.get_absolute_url())

    pick(Comment.objects.filter(pk__in=[a.pk for a in answers]), editor)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(mistral.get_absolute_url()).content.decode()
    assert picks_html(html, question).count('<li class="comment comment--pick">') == 6
