"""Replying where you read, without JavaScript: the reply page shows the comment being
answered; past the depth limit a reply says whom it answers, which is stored."""

from django.test import Client

from comments.models import MAX_DEPTH, Comment
from tests.conftest import comment_form_data, comments_url
from tests.test_comments import comment_html


def test_the_reply_page_shows_the_comment_being_answered(client, mistral, make_comment):
    comment = make_comment(
        mistral, author_name="Jonas Weber", body="Sovereignty is *about* who audits the model."
    )

    html = client.get(mistral.get_absolute_url(), {"reply_to": comment.pk}).content.decode()

    form = html[html.index('id="post-comment"') :]
    excerpt = form[form.index('class="replying-to__excerpt"') :].split("</blockquote>")[0]
    assert "Sovereignty is about who audits the model." in excerpt
    link = f'<a href="/comments/{comment.pk}/">Read Jonas Weber\'s comment in its thread</a>'
    assert link in excerpt


def thread_to_depth(mistral, make_comment, depth):
    comments = [make_comment(mistral, author_name="Depth 1")]
    for level in range(2, depth + 1):
        comments.append(make_comment(mistral, parent=comments[-1], author_name=f"Depth {level}"))
    return comments


def test_a_reply_past_the_depth_limit_says_whom_it_answers(
    client, mistral, make_comment, open_comments
):
    deepest = thread_to_depth(mistral, make_comment, MAX_DEPTH)[-1]

    client.post(comments_url(mistral), comment_form_data(parent=str(deepest.pk), body="Deeper."))

    reply = Comment.objects.get(body="Deeper.")
    assert reply.parent_id == deepest.parent_id, "it joins the deepest level"
    assert reply.in_reply_to_id == deepest.pk, "and the comment it answers is kept"
    html = client.get(mistral.get_absolute_url()).content.decode()
    own = comment_html(html, reply.pk)
    assert (
        f'<p class="comment__in-reply-to"><a href="#comment-{deepest.pk}">In reply to '
        f"Depth {MAX_DEPTH}</a></p>" in own
    )


def test_a_reply_within_the_depth_limit_needs_no_marker(client, mistral, make_comment):
    parent = make_comment(mistral)
    reply = make_comment(mistral, parent=parent)

    assert reply.in_reply_to_id == parent.pk
    html = client.get(mistral.get_absolute_url()).content.decode()
    assert "In reply to" not in html


def test_a_removed_comment_answered_is_not_named(client, mistral, make_comment, editor):
    from comments.moderation import moderate

    deepest = thread_to_depth(mistral, make_comment, MAX_DEPTH)[-1]
    reply = make_comment(mistral, parent=deepest)
    moderate(Comment.objects.filter(pk=deepest.pk), "remove", editor, "Abuse")

    own = comment_html(client.get(mistral.get_absolute_url()).content.decode(), reply.pk)

    assert f"Depth {MAX_DEPTH}" not in own
    assert "In reply to a comment no longer shown" in own


def test_a_held_reply_shows_under_its_parent_to_its_author_only(
    client, mistral, make_comment, settings
):
    settings.COMMENTS_MODERATION = "all"
    settings.COMMENTS_RATE_LIMIT = "off"
    parent = make_comment(mistral, body="The parent.")
    later = make_comment(mistral, body="A later thread.")

    client.post(comments_url(mistral), comment_form_data(parent=str(parent.pk), body="My reply."))

    reply = Comment.objects.get(body="My reply.")
    html = client.get(mistral.get_absolute_url()).content.decode()
    notice = f'<div class="notice" id="comment-{reply.pk}" role="status">'
    assert notice in comment_html(html, parent.pk), "under its parent"
    assert notice not in comment_html(html, later.pk)
    assert html.count(f'id="comment-{reply.pk}"') == 1, "and not again at the foot"
    other = Client()
    other.post(comments_url(mistral), comment_form_data(parent=str(parent.pk), body="Theirs."))
    theirs = other.get(mistral.get_absolute_url()).content.decode()
    assert "My reply." not in theirs and "Theirs." in theirs
    assert "My reply." not in Client().get(mistral.get_absolute_url()).content.decode()
