"""A comment's author edits it: within COMMENTS_EDIT_WINDOW minutes, from the browser that
posted it or with the signed link of its receipt, never as anyone else; the edit is sanitized
and moderated like a new comment, readers see that it was edited and when, and editors keep
every version."""

import re
from datetime import UTC, timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from comments import editing, links
from comments.commenters import Commenter
from comments.discussion import Reading
from comments.models import Comment, CommentRevision, VerifiedAddress
from freshness.pages import fragment_key, page_key
from mistralnews.markup import COMMENT
from tests.conftest import comment_form_data, comments_url, verify_in
from tests.hostile_corpus import (
    COMMENT_BODIES,
    dangerous_urls,
    event_handlers,
    foreign_elements,
    script_elements,
)
from tests.test_comments_hostile import parse

EMAIL = "camille@example.com"
CLOSED = "Editing this comment has closed"
NOT_YOURS = "Only its author can change this comment"
THREE_LINKS = "See [a](https://a.example), [b](https://b.example) and [c](https://c.example)."


def post(client, article, **fields):
    """Post a comment from `client`'s browser, as its form does; the stored comment."""
    response = client.post(comments_url(article), comment_form_data(**fields))
    assert response.status_code == 303, response.content
    return Comment.objects.get(pk=int(response["Location"].rsplit("-", 1)[1]))


def edit_path(comment):
    return f"/comments/{comment.pk}/edit/"


def send_edit(client, path, body):
    return client.post(path, {"body": body})


@pytest.fixture
def clock(monkeypatch):
    """Move the site's clock (and the signatures' clock) `minutes` ahead."""

    def move(minutes):
        later = timezone.now() + timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda: later)
        monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())

    return move


@pytest.fixture
def author(client, mistral, open_comments):
    """A reader's browser that has just posted a comment, published at once."""
    client.comment = post(client, mistral, author_email=EMAIL, body="My first version.")
    return client


# Editing from the browser that posted it


def test_the_author_edits_their_comment_from_the_browser_that_posted_it(author, mistral):
    comment = author.comment

    page = author.get(edit_path(comment))

    html = page.content.decode()
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert '<textarea name="body"' in html and "My first version.</textarea>" in html
    assert escape("Markdown works: *italic*") in html, "the sanitizer's help"
    assert re.search(r"You can edit it until <time datetime=\"[^\"]+\">", html)
    assert "15\xa0minutes from now" in html or "14\xa0minutes from now" in html

    response = send_edit(author, edit_path(comment), "My *second* version.")

    assert response.status_code == 303
    assert response["Location"] == f"{mistral.get_absolute_url()}#comment-{comment.pk}"
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.body == "My *second* version."
    assert stored.body_html == "<p>My <em>second</em> version.</p>"
    assert stored.edited_at is not None and stored.modified_at == stored.edited_at
    reader = Client().get(mistral.get_absolute_url()).content.decode()
    assert "My <em>second</em> version." in reader and "My first version." not in reader
    edited = re.search(r'<span class="comment__edited">edited <time datetime="([^"]+)">', reader)
    assert edited[1] == stored.edited_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(("minutes", "open_"), [(14, True), (16, False)])
def test_editing_closes_when_the_window_does(author, clock, minutes, open_):
    comment = author.comment
    clock(minutes)

    page = author.get(edit_path(comment))
    response = send_edit(author, edit_path(comment), "Changed late.")

    if open_:
        assert page.status_code == 200
        assert response.status_code == 303
        assert Comment.objects.get(pk=comment.pk).body == "Changed late."
    else:
        assert page.status_code == response.status_code == 403
        assert CLOSED in page.content.decode()
        assert f'href="/comments/{comment.pk}/withdraw/"' in page.content.decode(), (
            "withdrawing is still possible"
        )
        assert Comment.objects.get(pk=comment.pk).body == "My first version."
        assert not CommentRevision.objects.exists()


def test_the_window_is_a_setting_in_minutes(author, clock, settings):
    settings.COMMENTS_EDIT_WINDOW = 60
    clock(45)
    assert author.get(edit_path(author.comment)).status_code == 200

    settings.COMMENTS_EDIT_WINDOW = 0  # editing off
    assert author.get(edit_path(author.comment)).status_code == 403


def test_a_bad_edit_window_is_reported_by_the_system_check(settings):
    assert editing.edit_window_is_valid(None) == []
    for bad in ["soon", "-5", -1, 2.5]:
        settings.COMMENTS_EDIT_WINDOW = bad
        [error] = editing.edit_window_is_valid(None)
        assert error.id == "comments.E002" and repr(bad) in error.msg


def test_comments_closed_on_the_article_close_editing(author, mistral):
    Article.objects.filter(pk=mistral.pk).update(comments_open=False)

    response = send_edit(author, edit_path(author.comment), "After closing.")

    assert response.status_code == 403
    assert "Comments are closed on" in response.content.decode()
    assert Comment.objects.get(pk=author.comment.pk).body == "My first version."


# With the signed link of the receipt, and as anyone else


def test_the_edit_link_works_in_any_browser_until_the_window_ends(author, clock):
    comment = author.comment
    path = editing.edit_url(comment)
    elsewhere = Client()

    assert elsewhere.get(path).status_code == 200
    response = send_edit(elsewhere, path, "Edited from my phone.")

    assert response.status_code == 303
    assert Comment.objects.get(pk=comment.pk).body == "Edited from my phone."
    clock(16)
    expired = send_edit(Client(), path, "Too late.")
    assert expired.status_code == 400
    assert "It has expired" in expired.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "Edited from my phone."


def test_a_stranger_gets_the_403_page_and_changes_nothing(author, mistral):
    comment = author.comment
    other_commenter = Client()
    post(other_commenter, mistral, author_email="other@example.com", body="Someone else.")

    for stranger in [Client(), other_commenter]:
        page = stranger.get(edit_path(comment))
        response = send_edit(stranger, edit_path(comment), "Hijacked.")
        assert page.status_code == response.status_code == 403
        assert NOT_YOURS in page.content.decode()

    assert Comment.objects.get(pk=comment.pk).body == "My first version."
    assert Client().get(f"/comments/{comment.pk + 100}/edit/").status_code == 404


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path, comment: path[:-2] + ("AA" if not path.endswith("AA") else "BB"),
        lambda path, comment: path.replace(f"/{comment.pk}/", f"/{comment.pk + 1}/"),
        lambda path, comment: editing.withdraw_url(comment).replace("/withdraw/", "/edit/"),
        lambda path, comment: (
            f"{edit_path(comment)}?token=" + links.make_token("edit", comment=comment.pk + 1)
        ),
        lambda path, comment: f"{edit_path(comment)}?token=not-a-token",
    ],
    ids=["signature", "other-comment", "withdraw-link", "token-of-another", "garbage"],
)
def test_a_tampered_edit_link_is_refused_and_changes_nothing(author, mistral, tamper):
    comment = author.comment
    post(Client(), mistral, author_email="next@example.com", body="The next comment.")
    path = tamper(editing.edit_url(comment), comment)

    # Even in the author's own browser, a link decides alone.
    for client in [Client(), author]:
        page = client.get(path)
        response = send_edit(client, path, "Tampered.")
        assert page.status_code == response.status_code == 400
        assert "It is not a link we sent" in response.content.decode()

    assert set(Comment.objects.values_list("body", flat=True)) == {
        "My first version.",
        "The next comment.",
    }


# The edit follows the rules for new comments


HOSTILE_SAMPLE = COMMENT_BODIES[::6]


@pytest.mark.parametrize("body", [pytest.param(body, id=name) for name, body in HOSTILE_SAMPLE])
def test_a_hostile_edit_is_as_harmless_as_a_hostile_post(author, mistral, body):
    response = send_edit(author, edit_path(author.comment), body)

    assert response.status_code == 303
    # The author's page: it shows the edit even when the edit is held (too many links).
    page = parse(author.get(mistral.get_absolute_url()).content.decode())
    assert page.comment_texts == 1
    assert script_elements(page) == []
    assert event_handlers(page) == []
    assert dangerous_urls(page) == []
    assert foreign_elements(page, COMMENT.tags) == []


def test_an_edit_with_control_characters_is_refused_like_a_post(author):
    response = send_edit(author, edit_path(author.comment), "hello\x07<script>")

    html = response.content.decode()
    assert response.status_code == 400
    assert "Your comment was not changed" in html
    assert "Your comment contains control characters; please remove them." in html
    assert 'aria-invalid="true"' in html
    assert Comment.objects.get(pk=author.comment.pk).body == "My first version."


def test_an_edit_adding_three_links_is_held_and_leaves_the_public_page(author, mistral):
    comment = author.comment

    send_edit(author, edit_path(comment), THREE_LINKS)

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert Article.objects.get(pk=mistral.pk).comment_count == 0
    reader = Client().get(mistral.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' not in reader
    assert "My first version." not in reader and "b.example" not in reader
    own = author.get(mistral.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation." in own and "b.example" in own


def test_under_first_time_moderation_a_held_comment_stays_held(client, mistral, settings):
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"
    comment = post(client, mistral, author_email=EMAIL, body="Held at first.")
    assert comment.status == Comment.Status.PENDING

    send_edit(client, edit_path(comment), "Still held, edited.")

    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.status, stored.body) == (Comment.Status.PENDING, "Still held, edited.")
    assert "Still held, edited." in client.get(mistral.get_absolute_url()).content.decode()


@pytest.mark.parametrize("verified", [True, False], ids=["verified-here", "not-verified"])
def test_under_first_time_moderation_an_approved_edit_needs_a_verified_address(
    client, mistral, make_comment, settings, verified
):
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"
    settings.COMMENTS_MODERATION = "open"
    comment = post(client, mistral, author_email=EMAIL, body="Approved.")
    settings.COMMENTS_MODERATION = "first-time"
    if verified:
        verify_in(client, EMAIL)

    send_edit(client, edit_path(comment), "Approved, then edited.")

    expected = Comment.Status.APPROVED if verified else Comment.Status.PENDING
    assert Comment.objects.get(pk=comment.pk).status == expected


def test_an_unchanged_text_is_no_edit(author):
    send_edit(author, edit_path(author.comment), "My first version.")

    assert Comment.objects.get(pk=author.comment.pk).edited_at is None
    assert not CommentRevision.objects.exists()


def test_a_comment_has_at_most_so_many_edits(author):
    for number in range(editing.MAX_EDITS):
        assert send_edit(author, edit_path(author.comment), f"Version {number}.").status_code == 303

    response = send_edit(author, edit_path(author.comment), "One too many.")

    assert response.status_code == 400
    assert "as often as it can be" in response.content.decode()
    assert CommentRevision.objects.count() == editing.MAX_EDITS


# Editors keep every version; readers see the current one, marked as edited


def test_editors_see_each_earlier_version_in_order_and_readers_never(
    author, mistral, editor_client
):
    comment = author.comment
    send_edit(author, edit_path(comment), "My second version.")
    send_edit(author, edit_path(comment), "My third version.")

    desk = editor_client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()

    assert "earlier versions" in desk.lower()
    first, second = desk.index("My first version."), desk.index("My second version.")
    assert first < second
    revisions = list(CommentRevision.objects.values_list("body", "written_at", "replaced_at"))
    assert [body for body, *_ in revisions] == ["My first version.", "My second version."]
    assert revisions[0][1] == comment.created_at and revisions[1][1] == revisions[0][2]
    for public in [mistral.get_absolute_url(), f"/articles/{mistral.slug}/comments/feed/"]:
        html = Client().get(public).content.decode()
        assert "My third version." in html
        assert "My first version." not in html and "My second version." not in html


def test_the_feed_and_json_ld_give_the_edit_time(author, mistral):
    send_edit(author, edit_path(author.comment), "Edited for the feed.")
    edited_at = Comment.objects.get(pk=author.comment.pk).edited_at

    feed = Client().get(f"/articles/{mistral.slug}/comments/feed/").content.decode()
    page = Client().get(mistral.get_absolute_url()).content.decode()

    entry = feed[feed.index("<entry>") :]
    updated = re.search(r"<updated>([^<]+)</updated>", entry)[1]
    published = re.search(r"<published>([^<]+)</published>", entry)[1]
    assert updated != published
    assert updated.startswith(edited_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    assert '"dateModified"' in page


# The Edit and Withdraw links: on the author's own page, nowhere else


def test_only_the_authors_own_page_links_their_comment_to_edit_and_withdraw(
    author, mistral, make_comment
):
    comment = author.comment
    other = make_comment(mistral, body="Someone else's.")
    edit_link = f'href="/comments/{comment.pk}/edit/"'
    withdraw_link = f'href="/comments/{comment.pk}/withdraw/"'

    own = author.get(mistral.get_absolute_url())
    reader = Client().get(mistral.get_absolute_url())
    other_commenter = Client()
    post(other_commenter, mistral, author_email="other@example.com", body="Theirs.")
    theirs = other_commenter.get(mistral.get_absolute_url())

    html = own.content.decode()
    assert "private" in own["Cache-Control"]
    assert edit_link in html and withdraw_link in html
    assert f"/comments/{other.pk}/edit/" not in html, "only their own comments"
    for page in [reader.content.decode(), theirs.content.decode()]:
        assert edit_link not in page and withdraw_link not in page
    assert "/withdraw/" not in reader.content.decode()


def test_no_shared_copy_ever_holds_the_authors_links(author, mistral):
    comment = author.comment
    author.get(mistral.get_absolute_url())  # the author's page, made for them
    Client().get(mistral.get_absolute_url())  # a reader's: the shared copy is cached
    author.get(mistral.get_absolute_url())  # and the author's again, after it

    mistral.refresh_from_db()
    fragment = cache.get(fragment_key("discussion", mistral, True, Reading(), False, []))
    key = page_key("article", mistral.pk, mistral.version, None, Reading(), True)
    chunks, _ = cache.get(key)
    shared = b"".join(chunks).decode()
    assert fragment is not None and f'id="comment-{comment.pk}"' in fragment
    assert f'id="comment-{comment.pk}"' in shared
    for cached in [fragment, shared]:
        assert "/edit/" not in cached and "/withdraw/" not in cached
    own = author.get(mistral.get_absolute_url()).content.decode()
    assert f"/comments/{comment.pk}/edit/" in own


def test_the_edit_link_goes_when_the_window_closes_and_withdraw_stays(author, mistral, clock):
    comment = author.comment
    html = author.get(mistral.get_absolute_url()).content.decode()
    assert f"/comments/{comment.pk}/edit/" in html

    clock(16)

    html = author.get(mistral.get_absolute_url()).content.decode()
    assert f"/comments/{comment.pk}/edit/" not in html
    assert f"/comments/{comment.pk}/withdraw/" in html


def test_a_held_comment_is_linked_to_edit_in_its_authors_notice(client, mistral, settings):
    settings.COMMENTS_RATE_LIMIT = "off"
    comment = post(client, mistral, author_email=EMAIL, body="Waiting here.")

    html = client.get(mistral.get_absolute_url()).content.decode()

    notice = html[html.index('<div class="notice"') :]
    assert f'href="/comments/{comment.pk}/edit/"' in notice
    assert f'href="/comments/{comment.pk}/withdraw/"' in notice


def test_the_article_page_costs_readers_no_more_queries(
    client, author, mistral, make_comment, django_assert_num_queries
):
    make_comment(mistral, body="Another one.")
    reader = Client()

    # As before: the article, category, tags, questions, the threads and their replies, the
    # newest comments; then the cached copy.
    with django_assert_num_queries(7):
        reader.get(mistral.get_absolute_url())
    with django_assert_num_queries(1):
        reader.get(mistral.get_absolute_url())
    # The author's own page: the article, their comments on it, its questions, and the
    # discussion's threads and replies, made for them (the article's fragments are cached).
    with django_assert_num_queries(5):
        author.get(mistral.get_absolute_url())


def test_editing_renews_the_pages_that_show_the_comment(author, mistral):
    reader = Client()
    before = reader.get(mistral.get_absolute_url())["ETag"]

    send_edit(author, edit_path(author.comment), "Renewed.")

    after = reader.get(mistral.get_absolute_url())
    assert after["ETag"] != before
    assert "Renewed." in after.content.decode()


def test_a_forgotten_address_is_not_verified_for_an_edit_by_link(author):
    VerifiedAddress.objects.create(email=EMAIL)
    comment = Comment.objects.get(pk=author.comment.pk)
    browser = Commenter()  # a browser that verified nothing

    assert editing.is_verified_author(browser, comment, by_link=True) is True
    VerifiedAddress.objects.all().delete()
    assert editing.is_verified_author(browser, comment, by_link=True) is False


# Forms that change a comment are protected like every other form


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_edit_and_withdraw_refuse_a_post_without_the_forms_csrf_token(author, mistral):
    comment = author.comment
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = author.cookies  # the author's own browser, its commenter cookie

    forged = [
        browser.post(edit_path(comment), {"body": "Forged from another site."}),
        browser.post(f"/comments/{comment.pk}/withdraw/"),
    ]

    assert [response.status_code for response in forged] == [403, 403]
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.body, stored.status) == ("My first version.", Comment.Status.APPROVED)
    token = csrf_token(browser.get(edit_path(comment)).content.decode())
    response = browser.post(
        edit_path(comment), {"body": "From the form.", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert Comment.objects.get(pk=comment.pk).body == "From the form."


def test_a_refused_edit_link_says_how_to_change_the_comment_instead(author, clock):
    path = editing.edit_url(author.comment)
    clock(16)

    html = Client().get(path).content.decode()

    assert "It has expired" in html and "Nothing was changed." in html
    assert "you can still withdraw it, with the other link in the email" in html
    assert "post your comment, or ask to follow a discussion" not in html


def test_a_comment_number_out_of_range_is_not_found(client):
    for action in ["edit", "withdraw"]:
        assert client.get(f"/comments/{10**30}/{action}/").status_code == 404
        assert client.post(f"/comments/{10**30}/{action}/?token=x").status_code == 404
