"""Transparent moderation for readers: the public log, and removed comments' placeholders."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from comments.discussion import THREADS_PER_PAGE, build_discussion
from comments.models import Comment, ModerationEvent
from comments.moderation import moderate
from tests.conftest import comment_form_data, comments_url
from tests.test_comments import comment_html, section_html

LOG = "/moderation/"
PLACEHOLDER = "Comment removed by the moderators"


def moderated(comment, action, editor, reason=""):
    moderate(Comment.objects.filter(pk=comment.pk), action, editor, reason)
    comment.refresh_from_db()
    return comment


def test_log_shows_date_action_article_reason_and_name(client, mistral, make_comment, editor):
    comment = make_comment(mistral, author_name="Jonas Weber", status="pending")
    moderated(comment, "approve", editor, "on topic")
    event = ModerationEvent.objects.get()

    html = client.get(LOG).content.decode()

    assert f'<time datetime="{event.created_at:%Y-%m-%dT%H:%M:%SZ}">' in html
    assert "<strong>Approved</strong>" in html
    assert "A comment by Jonas Weber on" in html
    assert f'href="/comments/{comment.pk}/"' in html
    assert "Europe&#x27;s $23 Billion AI Powerhouse" in html
    assert "Reason: on topic" in html


def test_log_names_an_author_only_while_their_comment_is_public(
    client, mistral, make_comment, editor
):
    removed = make_comment(mistral, author_name="Jonas Weber")
    moderated(removed, "remove", editor, "personal attack")
    spammer = make_comment(mistral, author_name="Cheap Pills Online", status="pending")
    moderated(spammer, "approve", editor)
    moderated(spammer, "spam", editor)
    never_published = make_comment(mistral, author_name="Held Heidi", status="pending")
    moderated(never_published, "remove", editor, "off topic")

    html = client.get(LOG).content.decode()

    assert html.count("<strong>Removed</strong>") == 2
    assert "<strong>Approved</strong>" in html, "the earlier approval is still logged"
    for withheld in ["Jonas Weber", "Cheap Pills", "Held Heidi"]:
        assert withheld not in html
    assert f'A comment on <a href="{mistral.get_absolute_url()}">' in html

    moderated(removed, "approve", editor, "reinstated on appeal")
    assert "A comment by Jonas Weber on" in client.get(LOG).content.decode()


def test_log_never_shows_the_text_the_email_or_the_editor(client, mistral, make_comment, editor):
    editor.username, editor.email = "margot.l", "margot.l@mistralnews.example"
    editor.save()
    comment = make_comment(
        mistral, author_email="jonas.private@example.com", body="Some hateful words here."
    )
    moderated(comment, "remove", editor, "hate speech")

    html = client.get(LOG).content.decode()

    assert "hateful words" not in html
    assert "jonas.private" not in html
    assert "margot" not in html


def test_log_is_newest_first_and_covers_every_action(client, mistral, make_comment, editor):
    first = moderated(make_comment(mistral, status="pending"), "approve", editor)
    moderated(make_comment(mistral), "remove", editor, "off topic")
    moderated(make_comment(mistral, status="pending"), "spam", editor)

    html = client.get(LOG).content.decode()

    positions = [
        html.index("<strong>Marked as spam</strong>"),
        html.index("<strong>Removed</strong>"),
        html.index("<strong>Approved</strong>"),
    ]
    assert positions == sorted(positions)
    assert first.author_name in html


def test_log_withholds_spammers_names(client, mistral, make_comment, editor):
    moderated(
        make_comment(mistral, author_name="Cheap Pills Online", status="pending"), "spam", editor
    )

    html = client.get(LOG).content.decode()

    assert "<strong>Marked as spam</strong>" in html
    assert "Cheap Pills" not in html
    assert f'A comment on <a href="{mistral.get_absolute_url()}">' in html


def test_log_leaves_out_articles_readers_cannot_see(client, make_article, make_comment, editor):
    draft = make_article(title="Unpublished scoop", status=Article.Status.DRAFT)
    moderated(make_comment(draft, author_name="Early Reader"), "remove", editor, "leak")

    html = client.get(LOG).content.decode()

    assert "Unpublished scoop" not in html
    assert "Early Reader" not in html
    assert "No moderation decisions yet." in html


def test_log_paginates_fifty_a_page(client, mistral, make_comment, editor):
    comments = [make_comment(mistral, status="pending") for _ in range(51)]
    moderate(Comment.objects.filter(pk__in=[c.pk for c in comments]), "approve", editor)

    first = client.get(LOG)
    second = client.get(LOG, {"page": 2})

    assert len(first.context["events"]) == 50
    assert len(second.context["events"]) == 1
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert client.get(LOG, {"page": 3}).status_code == 404


def test_each_entry_has_an_anchor_and_a_lasting_address_that_finds_its_page(
    client, mistral, make_comment, editor
):
    comments = [make_comment(mistral, status="pending") for _ in range(51)]
    moderate(Comment.objects.filter(pk__in=[c.pk for c in comments]), "approve", editor)
    # Same time for all, as one decision on many comments: newest first is by id then.
    oldest, *_, newest = ModerationEvent.objects.order_by("pk")

    to_oldest = client.get(f"{LOG}{oldest.pk}/")
    to_newest = client.get(f"{LOG}{newest.pk}/")

    assert to_oldest.status_code == 302 and "no-cache" in to_oldest["Cache-Control"]
    assert to_oldest["Location"] == f"{LOG}?page=2#event-{oldest.pk}"
    assert to_newest["Location"] == f"{LOG}#event-{newest.pk}"
    assert f'id="event-{oldest.pk}"' in client.get(LOG, {"page": 2}).content.decode()
    assert f'id="event-{newest.pk}"' in client.get(LOG).content.decode()


def test_an_entry_missing_from_the_public_log_has_no_address(
    client, make_article, make_comment, editor
):
    draft = make_article(status=Article.Status.DRAFT)
    comment = make_comment(draft, status="pending")
    moderate(Comment.objects.filter(pk=comment.pk), "approve", editor)

    assert client.get(f"{LOG}{ModerationEvent.objects.get().pk}/").status_code == 404
    assert client.get(f"{LOG}999999/").status_code == 404


def log_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LOG).status_code == 200
    return len(queries)


def test_log_query_count_does_not_grow_with_events(
    client, mistral, make_comment, editor, page_cache_off
):
    moderated(make_comment(mistral), "remove", editor, "first")
    one_event = log_queries(client)

    for n in range(30):
        moderated(make_comment(mistral), "remove" if n % 2 else "spam", editor, f"reason {n}")

    assert log_queries(client) == one_event == 2  # count, page


def test_a_cached_log_page_costs_one_query(client, mistral, make_comment, editor):
    for n in range(60):
        moderated(make_comment(mistral), "remove", editor, f"reason {n}")
    first, second = client.get(LOG), client.get(LOG, {"page": 2})

    assert log_queries(client) == 1  # the versions
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LOG, {"page": 2}).content == second.content
    assert len(queries) == 1
    assert first.content != second.content


@pytest.mark.parametrize(
    "change",
    [
        lambda comment, editor: moderated(comment, "approve", editor),
        lambda comment, editor: moderated(comment, "remove", editor, "on second thoughts"),
        lambda comment, editor: Article.objects.filter(pk=comment.article_id).unpublish(),
        lambda comment, editor: _retitle(comment.article),
    ],
    ids=["approved", "removed", "article unpublished", "article retitled"],
)
def test_the_cached_log_shows_every_change_at_once(
    client, mistral, make_comment, editor, settings, change
):
    comment = moderated(make_comment(mistral, status="pending", author_name="Ines"), "spam", editor)
    before = client.get(LOG).content

    change(comment, editor)

    from_the_cache = client.get(LOG).content
    settings.PAGE_CACHE_TIMEOUT = 0
    assert from_the_cache == client.get(LOG).content != before


def _retitle(article):
    article.title = "A new headline"
    article.save()


def test_a_scheduled_articles_events_appear_in_the_cached_log_at_its_time(
    client, make_article, make_comment, editor, monkeypatch
):
    later = make_article(title="Embargoed story", published_at=timezone.now() + timedelta(hours=1))
    moderated(make_comment(later), "remove", editor, "too early")
    assert "Embargoed story" not in client.get(LOG).content.decode()

    in_two_hours = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: in_two_hours)

    assert "Embargoed story" in client.get(LOG).content.decode()


@pytest.mark.parametrize("url", ["/", LOG, "/nope/"])
def test_every_page_links_to_the_log_in_its_footer(client, mistral, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    assert f'<a href="{LOG}">Moderation log</a>' in footer


def test_article_footer_links_to_the_log(client, mistral):
    html = client.get(mistral.get_absolute_url()).content.decode()

    assert (
        f'<a href="{LOG}">Moderation log</a>' in html[html.index('<footer class="site-footer">') :]
    )


# Placeholders in the thread


def test_removed_comment_leaves_a_placeholder_and_its_replies_stay(
    client, mistral, make_comment, editor
):
    question = mistral.questions.first()
    root = make_comment(mistral, question=question, body="A fair point.")
    removed = make_comment(
        mistral,
        parent=root,
        author_name="Angry Person",
        author_email="angry@example.com",
        body="You are all idiots.",
    )
    reply = make_comment(mistral, parent=removed, body="No need for that.")
    moderated(removed, "remove", editor, "personal attack")

    html = client.get(mistral.get_absolute_url()).content.decode()

    placeholder = comment_html(html, removed.pk)
    assert f"{PLACEHOLDER} (personal attack)." in placeholder
    assert f'id="comment-{reply.pk}"' in placeholder
    assert "No need for that." in placeholder
    assert f'id="comment-{removed.pk}"' in comment_html(html, root.pk)
    assert "You are all idiots." not in html
    assert "Angry Person" not in html
    assert "angry@example.com" not in html
    assert f"reply_to={removed.pk}" not in html
    assert f"reply_to={reply.pk}" in html


def test_removed_comment_without_replies_still_shows_its_placeholder(
    client, mistral, make_comment, editor
):
    removed = moderated(
        make_comment(mistral, body="Off-topic rant."), "remove", editor, "off topic"
    )

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert f"{PLACEHOLDER} (off topic)." in comment_html(html, removed.pk)
    assert "Off-topic rant." not in html


def test_spam_shows_a_placeholder_only_when_replies_need_it(client, mistral, make_comment, editor):
    answered = make_comment(mistral, author_name="Spammer One", body="Visit my shop.")
    reply = make_comment(mistral, parent=answered, body="Is this an advert?")
    lone = make_comment(mistral, author_name="Spammer Two", body="Cheap pills.")
    moderated(answered, "spam", editor)
    moderated(lone, "spam", editor)

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert f"{PLACEHOLDER} (spam)." in comment_html(html, answered.pk)
    assert "Is this an advert?" in comment_html(html, answered.pk)
    assert f'id="comment-{lone.pk}"' not in html
    for hidden in ["Spammer", "Visit my shop.", "Cheap pills."]:
        assert hidden not in html
    assert f'id="comment-{reply.pk}"' in html


def test_pending_comments_hold_no_place_in_threads(client, mistral, make_comment):
    pending = make_comment(mistral, status=Comment.Status.PENDING, body="Awaiting review.")

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert f'id="comment-{pending.pk}"' not in html
    assert PLACEHOLDER not in html


def test_counts_leave_out_removed_comments(client, mistral, make_comment, editor):
    question = mistral.questions.first()
    make_comment(mistral, question=question)
    removed_answer = make_comment(mistral, question=question)
    moderated(removed_answer, "remove", editor, "abuse")

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert "1 comment</span>" in html
    assert "1 answer · 0 replies" in section_html(html, f"question-{question.pk}")
    assert f'href="{mistral.get_absolute_url()}#discussion">1 comment</a>' in (
        client.get("/").content.decode()
    )


def test_readers_cannot_reply_to_a_removed_comment(
    client, mistral, make_comment, editor, open_comments
):
    removed = moderated(make_comment(mistral), "remove", editor, "abuse")

    form_page = client.get(mistral.get_absolute_url(), {"reply_to": removed.pk}).content.decode()
    response = client.post(comments_url(mistral), comment_form_data(parent=str(removed.pk)))

    assert "Replying to" not in form_page
    assert response.status_code == 400
    assert "The comment you are replying to is not available." in response.content.decode()
    assert not removed.replies.exists()


def test_placeholders_never_load_the_removed_text_or_name(mistral, make_comment, editor):
    removed = moderated(make_comment(mistral, body="Never to be seen."), "remove", editor, "abuse")
    visible = make_comment(mistral, author_name="Camille", body="Shown.")

    with CaptureQueriesContext(connection) as queries:
        thread = build_discussion(mistral)

    placeholder, shown = thread.general.threads
    assert (placeholder.pk, placeholder.visible, placeholder.author_name) == (removed.pk, False, "")
    assert "Never to be seen." not in placeholder.card_html
    assert PLACEHOLDER in placeholder.card_html
    assert (shown.author_name, shown.visible) == ("Camille", True)
    assert visible.body_html in shown.card_html
    comment_queries = [query["sql"] for query in queries if "comments_comment" in query["sql"]]
    assert comment_queries
    for sql in comment_queries:
        for private in ["body", "body_html", "author_email"]:
            assert f'"comments_comment"."{private}"' not in sql
        # The name is read only through CASE, for visible comments.
        names = sql.count('"comments_comment"."author_name"')
        assert names == sql.count('THEN "comments_comment"."author_name"'), sql


@pytest.mark.parametrize("count", [1, 30])
def test_article_page_queries_stay_constant_with_placeholders(
    client, mistral, make_comment, editor, django_assert_num_queries, count
):
    for _ in range(count):
        root = make_comment(mistral)
        make_comment(mistral, parent=root)
        moderated(root, "remove", editor, "abuse")

    # The article, its category, tags, questions, the threads, their replies, the newest comments.
    with django_assert_num_queries(7):
        response = client.get(mistral.get_absolute_url())

    # Placeholders count as threads: a page of them at most.
    assert response.content.decode().count(PLACEHOLDER) == min(count, THREADS_PER_PAGE)
