"""Counts that mean what they say, and times readers can read: each question says how many
answers and replies it has, from its stored counts; times are in the site's time zone
(DJANGO_TIME_ZONE), labelled, with the moment in <time datetime> for machines."""

from datetime import UTC, datetime

import pytest

from comments.models import Comment
from tests.test_comments import section_html


@pytest.fixture
def question(mistral):
    return mistral.questions.first()


def test_a_question_counts_its_answers_and_replies(client, mistral, make_comment, question):
    answers = [make_comment(mistral, question=question) for _ in range(2)]
    for n in range(3):
        make_comment(mistral, parent=answers[0], body=f"Reply {n}.")
    make_comment(mistral, parent=answers[1], status=Comment.Status.PENDING)

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert "2 answers · 3 replies" in section_html(html, f"question-{question.pk}")
    other = mistral.questions.last()
    assert "0 answers · 0 replies" in section_html(html, f"question-{other.pk}")


def test_one_reply_is_a_reply(client, mistral, make_comment, question):
    answer = make_comment(mistral, question=question)
    make_comment(mistral, parent=answer)

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert "1 answer · 1 reply\n" in section_html(html, f"question-{question.pk}")


def test_times_are_in_utc_labelled_by_default(client, mistral, make_comment):
    make_comment(mistral, created_at=datetime(2026, 6, 2, 21, 16, tzinfo=UTC))

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert '<time datetime="2026-06-02T21:16:00Z">2 Jun 2026, 21:16 UTC</time>' in html


def test_times_are_in_the_sites_time_zone(client, mistral, make_comment, settings):
    settings.TIME_ZONE = "Europe/Paris"  # DJANGO_TIME_ZONE=Europe/Paris
    make_comment(mistral, created_at=datetime(2026, 6, 2, 21, 16, tzinfo=UTC))

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert '<time datetime="2026-06-02T21:16:00Z">2 Jun 2026, 23:16 CEST</time>' in html


def test_the_moderation_log_labels_its_times(client, mistral, make_comment, editor):
    from comments.moderation import moderate

    comment = make_comment(mistral)
    moderate(Comment.objects.filter(pk=comment.pk), "remove", editor, "Off topic")

    html = client.get("/moderation/").content.decode()

    assert " UTC</time>" in html
