"""The reader's "Post a Comment" flow, threads and the discussion organised by question."""

import re

import pytest
from django.test import Client

from comments.discussion import SHOWN_PER_THREAD, THREADS_PER_PAGE
from comments.models import MAX_DEPTH, Comment, ModerationEvent
from comments.moderation import moderate
from tests.conftest import comment_form_data, comments_url, verify_in


def post(client, article, remote_addr="127.0.0.1", **fields):
    return client.post(comments_url(article), comment_form_data(**fields), REMOTE_ADDR=remote_addr)


def test_posted_comment_redirects_to_its_anchor_and_is_shown(client, mistral, open_comments):
    response = post(client, mistral, body="Sovereignty is about *choice*.")

    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{mistral.get_absolute_url()}#comment-{comment.pk}"
    html = client.get(mistral.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert "Sovereignty is about <em>choice</em>." in html
    assert "Camille Durand" in html
    posted = f"{comment.created_at:%Y-%m-%dT%H:%M:%SZ}"  # stored in UTC
    assert f'<a href="#comment-{comment.pk}"><time datetime="{posted}">' in html


def test_comment_stores_rendered_html(client, mistral, open_comments):
    post(client, mistral, body="**Bold** [link](https://example.com)")

    assert Comment.objects.get().body_html == (
        '<p><strong>Bold</strong> <a href="https://example.com" rel="nofollow ugc noopener">'
        "link</a></p>"
    )


def test_ip_is_stored_only_as_a_keyed_hash(client, mistral, open_comments):
    post(client, mistral, remote_addr="203.0.113.9", body="One.")
    post(client, mistral, remote_addr="203.0.113.9", body="Two.")
    post(client, mistral, remote_addr="198.51.100.7", body="Three.")

    one, two, three = Comment.objects.order_by("pk")
    assert len(one.ip_hash) == 64
    assert one.ip_hash == two.ip_hash != three.ip_hash
    rows = " ".join(str(value) for row in Comment.objects.values() for value in row.values())
    assert "203.0.113.9" not in rows
    assert "198.51.100.7" not in rows


def test_email_is_never_shown(client, mistral, open_comments):
    post(client, mistral, author_email="private.person@example.com")
    reader = Client()

    assert "private.person" not in reader.get(mistral.get_absolute_url()).content.decode()
    assert "private.person" not in reader.get("/").content.decode()
    # Only the poster's own browser fills it into their next comment form.
    own_page = client.get(mistral.get_absolute_url()).content.decode()
    assert 'value="private.person@example.com"' in own_page


def test_answer_to_a_question_appears_in_that_questions_section(client, mistral, open_comments):
    first, second = mistral.questions.all()

    post(client, mistral, question=str(second.pk), body="Model cards for every deployment.")

    html = client.get(mistral.get_absolute_url()).content.decode()
    section = section_html(html, f"question-{second.pk}")
    assert "Model cards for every deployment." in section
    assert "1 answer" in section
    assert "Model cards" not in section_html(html, f"question-{first.pk}")
    assert "0 answers" in section_html(html, f"question-{first.pk}")
    assert "Model cards" not in section_html(html, "general-discussion")


def test_comment_without_a_question_is_general_discussion(client, mistral, open_comments):
    post(client, mistral, body="Great piece.")

    html = client.get(mistral.get_absolute_url()).content.decode()
    assert "Great piece." in section_html(html, "general-discussion")


def test_sections_come_in_question_order_then_general(client, mistral):
    html = client.get(mistral.get_absolute_url()).content.decode()

    first, second = mistral.questions.all()
    positions = [
        html.index(f'id="question-{first.pk}"'),
        html.index(f'id="question-{second.pk}"'),
        html.index('id="general-discussion"'),
        html.index('id="post-comment"'),
    ]
    assert positions == sorted(positions)
    assert "General discussion" in html


def test_answer_this_question_link_preselects_the_question(client, mistral):
    question = mistral.questions.all()[1]
    html = client.get(mistral.get_absolute_url()).content.decode()
    link = f"{mistral.get_absolute_url()}?question={question.pk}#post-comment"
    assert f'href="{link}">Answer this question</a>' in html

    form_page = client.get(link.split("#")[0]).content.decode()

    assert re.search(rf'<option value="{question.pk}" selected>Question 2:', form_page)


def test_reply_link_prefills_the_parent_and_says_whom_you_reply_to(client, mistral, make_comment):
    comment = make_comment(mistral, author_name="Jonas Weber")
    html = client.get(mistral.get_absolute_url()).content.decode()
    assert f'href="{mistral.get_absolute_url()}?reply_to={comment.pk}#post-comment"' in html

    reply_page = client.get(mistral.get_absolute_url(), {"reply_to": comment.pk})

    html = reply_page.content.decode()
    assert f'<input type="hidden" name="parent" value="{comment.pk}"' in html
    assert "Replying to <a" in html and "Jonas Weber</a>" in html
    assert f'href="{mistral.get_absolute_url()}#post-comment">Cancel reply</a>' in html


@pytest.mark.parametrize("reply_to", ["abc", "-3", "0", "999999", "99999999999999999999999"])
def test_reply_link_to_nothing_shows_the_plain_form(client, mistral, reply_to):
    response = client.get(mistral.get_absolute_url(), {"reply_to": reply_to})

    assert response.status_code == 200
    assert "Replying to" not in response.content.decode()


def test_reply_nests_under_its_parent_in_the_parents_section(
    client, mistral, make_comment, open_comments
):
    question = mistral.questions.first()
    parent = make_comment(mistral, question=question)

    post(client, mistral, parent=str(parent.pk), body="A reply.")

    reply = Comment.objects.get(body="A reply.")
    assert reply.parent == parent
    assert reply.depth == 2
    assert reply.question == question
    html = client.get(mistral.get_absolute_url()).content.decode()
    parent_html = comment_html(html, parent.pk)
    assert f'id="comment-{reply.pk}"' in parent_html
    assert '<ol class="thread">' in parent_html


def test_replies_nest_four_deep_and_deeper_replies_attach_at_depth_four(
    client, mistral, make_comment, open_comments
):
    chain = [make_comment(mistral)]
    while len(chain) < MAX_DEPTH:
        chain.append(make_comment(mistral, parent=chain[-1]))
    assert [comment.depth for comment in chain] == [1, 2, 3, 4]

    post(client, mistral, parent=str(chain[-1].pk), body="Deeper still.")

    deeper = Comment.objects.get(body="Deeper still.")
    assert deeper.depth == MAX_DEPTH
    assert deeper.parent == chain[-2]


def test_reply_to_another_articles_comment_is_refused(
    client, mistral, make_article, make_comment, open_comments
):
    elsewhere = make_comment(make_article())

    response = post(client, mistral, parent=str(elsewhere.pk))

    assert response.status_code == 400
    assert "The comment you are replying to is not available." in response.content.decode()
    assert Comment.objects.count() == 1


def test_comment_counts_are_on_the_article_and_every_list(
    client, mistral, make_comment, make_article
):
    make_comment(mistral)
    make_comment(mistral)
    make_comment(mistral, status=Comment.Status.PENDING)
    make_comment(mistral, status=Comment.Status.REMOVED)
    make_article(tags=["MistralAI"])

    assert "2 comments" in client.get(mistral.get_absolute_url()).content.decode()
    for page in ["/", "/tags/mistralai/", "/category/aicloud/"]:
        html = client.get(page).content.decode()
        assert f'href="{mistral.get_absolute_url()}#discussion">2 comments</a>' in html, page
        assert "0 comments</a>" in html, page


# Moderation policy


def test_first_time_author_is_held_and_sees_it_awaiting_moderation(client, mistral, settings):
    settings.COMMENTS_RATE_LIMIT = "off"

    response = post(client, mistral, body="My first comment here.")

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert response.status_code == 303
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    html = client.get(mistral.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation." in html
    assert "My first comment here." in html
    assert f'id="comment-{comment.pk}"' in html
    assert "0 comments" in html

    stranger = Client().get(mistral.get_absolute_url()).content.decode()
    assert "awaiting moderation" not in stranger
    assert "My first comment here." not in stranger


def test_held_notice_goes_once_the_comment_is_approved(client, mistral, settings):
    settings.COMMENTS_RATE_LIMIT = "off"
    post(client, mistral, body="Held, then approved.")
    moderate(Comment.objects.all(), ModerationEvent.Action.APPROVE, None)

    html = client.get(mistral.get_absolute_url()).content.decode()

    assert "awaiting moderation" not in html
    assert html.count("<p>Held, then approved.</p>") == 1


def test_forged_held_cookie_shows_nothing(client, mistral, make_comment):
    pending = make_comment(mistral, status=Comment.Status.PENDING, body="Someone else's.")
    client.cookies["pending_comments"] = str(pending.pk)

    assert "Someone else" not in client.get(mistral.get_absolute_url()).content.decode()


def test_first_time_policy_approves_authors_verified_here_with_an_approved_comment(
    client, mistral, make_comment, settings
):
    settings.COMMENTS_RATE_LIMIT = "off"
    make_comment(mistral, author_email="camille@example.com")
    verify_in(client, "camille@example.com")

    post(client, mistral, author_email="Camille@Example.com", body="Welcome back.")

    assert Comment.objects.get(body="Welcome back.").status == Comment.Status.APPROVED


def test_an_approved_address_typed_in_another_browser_is_held(
    client, mistral, make_comment, settings
):
    settings.COMMENTS_RATE_LIMIT = "off"
    make_comment(mistral, author_email="camille@example.com")
    verify_in(Client(), "camille@example.com")  # verified, but in another browser

    post(client, mistral, author_email="camille@example.com", body="Impersonating Camille.")

    assert Comment.objects.get(body="Impersonating Camille.").status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("all", Comment.Status.PENDING), ("open", Comment.Status.APPROVED)],
)
def test_moderation_policy_setting(client, mistral, make_comment, settings, policy, expected):
    settings.COMMENTS_MODERATION = policy
    settings.COMMENTS_RATE_LIMIT = "off"
    make_comment(mistral, author_email="camille@example.com")

    post(client, mistral, body="Policy decides.")

    assert Comment.objects.get(body="Policy decides.").status == expected


def test_three_links_are_held_whatever_the_policy(client, mistral, open_comments):
    post(client, mistral, body="[a](https://a.example) [b](https://b.example) https://c.example")
    post(client, mistral, body="[a](https://a.example) [b](https://b.example)")

    assert Comment.objects.get(body__contains="c.example").status == Comment.Status.PENDING
    assert Comment.objects.exclude(body__contains="c.example").get().status == "approved"


# Closed comments, missing articles, methods


def test_closed_comments_show_no_form_and_refuse_posts(client, mistral, open_comments):
    mistral.comments_open = False
    mistral.save()

    html = client.get(mistral.get_absolute_url()).content.decode()
    response = post(client, mistral)

    assert "Comments are closed on this article." in html
    assert '<form method="post"' not in html
    assert "Answer this question" not in html
    assert response.status_code == 403
    assert "Comments are closed on this article." in response.content.decode()
    assert not Comment.objects.exists()


def test_posting_to_unknown_or_draft_article_is_404(client, make_article, open_comments):
    draft = make_article(status="draft")

    assert post(client, draft).status_code == 404
    assert (
        client.post("/articles/no-such-article/comments/", comment_form_data()).status_code == 404
    )
    assert not Comment.objects.exists()


def test_get_on_the_post_endpoint_goes_to_the_comment_form(client, mistral):
    response = client.get(comments_url(mistral))

    assert response.status_code == 302
    assert response["Location"] == f"{mistral.get_absolute_url()}#post-comment"
    assert client.put(comments_url(mistral)).status_code == 405


def test_missing_csrf_token_is_403(mistral, open_comments):
    response = Client(enforce_csrf_checks=True).post(comments_url(mistral), comment_form_data())

    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()
    assert not Comment.objects.exists()


def test_form_on_the_article_page_carries_a_csrf_token(client, mistral):
    html = client.get(mistral.get_absolute_url()).content.decode()

    assert 'name="csrfmiddlewaretoken"' in html
    # A rejected comment's page opens at its error summary, which browsers then focus.
    assert f'action="{comments_url(mistral)}#error-summary"' in html


# Helpers: slices of the page


def section_html(html, section_id):
    start = html.index(f'id="{section_id}"')
    end = html.find("<section", start + 1)
    return html[start : end if end != -1 else len(html)]


def comment_html(html, pk):
    start = html.index(f'<li class="comment" id="comment-{pk}"')
    depth, position = 0, start
    for match in re.finditer(r"<(/?)li\b", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            position = start + match.end()
            break
    return html[start:position]


def add_discussion(article, make_comment, count):
    """`count` approved comments: threads under each question and in general, replies nested."""
    questions = [*article.questions.all(), None]
    comments = []
    for n in range(count):
        if comments and n % 3:
            comments.append(make_comment(article, parent=comments[n // 2]))
        else:
            comments.append(make_comment(article, question=questions[n % len(questions)]))
    return comments


@pytest.mark.parametrize("count", [0, 10, 200])
def test_article_page_queries_do_not_grow_with_comments(
    client, mistral, make_comment, django_assert_num_queries, count
):
    add_discussion(mistral, make_comment, count)

    # The article, its category, tags and questions; the first page of threads of each section
    # with the sections' sizes, those threads' replies (when there are threads), the newest
    # comments for the JSON-LD.
    with django_assert_num_queries(7 if count else 6):
        response = client.get(mistral.get_absolute_url())

    shown = response.content.decode().count('<li class="comment"')
    if count <= THREADS_PER_PAGE:
        assert shown == count
    else:  # each section's first threads, each with its first comments: a bounded page
        assert 0 < shown <= 3 * THREADS_PER_PAGE * SHOWN_PER_THREAD


def test_home_queries_do_not_grow_with_comments(
    client, mistral, make_comment, make_article, django_assert_num_queries, page_cache_off
):
    for _ in range(5):
        make_article()
    add_discussion(mistral, make_comment, 50)

    with django_assert_num_queries(3):  # count, page, tags (comment counts are stored)
        client.get("/")
