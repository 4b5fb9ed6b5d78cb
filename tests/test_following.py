"""Following a discussion by email without commenting: a small form under the discussion that
keeps the page shared, double opt-in through a signed single-use link that also verifies the
address, answers that never tell what the site knows about an address, caps on the emails
it sends, and a digest of new comments at most once a day."""

import re
from datetime import timedelta

import pytest
from django.core import checks, signing
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult, get_date_max

from comments import links
from comments.models import Comment, UsedLink, VerifiedAddress
from comments.moderation import moderate
from freshness.pages import COMMENTER_COOKIE
from notices import periodic, tokens
from notices.models import Follow, Notice
from outbox.models import Email
from outbox.refusals import is_refused, record_refusal
from tests.conftest import verify_in

pytestmark = pytest.mark.django_db

READER = "follower@example.com"
CONFIRM = re.compile(r"http://testserver(/notices/follow/confirm/[^/\s\"]+/)")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def follow_url(article):
    return f"/notices/follow/{article.slug}/"


def ask(client, article, email=READER, question="", ip="198.51.100.7"):
    return client.post(follow_url(article), {"email": email, "question": question}, REMOTE_ADDR=ip)


def confirmation_path(email=READER):
    return CONFIRM.search(Email.objects.filter(to=email).latest("created_at").text)[1]


def digests(to=READER):
    return list(Email.objects.filter(to=to, key__startswith="notice:follow:").order_by("id"))


def a_day_later():
    """As if a day had passed, for follows' digests and the tasks waiting to run."""
    day = timedelta(days=1, seconds=1)
    Follow.objects.exclude(last_digest_at=None).update(last_digest_at=F("last_digest_at") - day)
    DBTaskResult.objects.exclude(run_after=get_date_max()).update(run_after=F("run_after") - day)


# The form under the discussion


def test_the_form_is_under_the_discussion_and_the_page_stays_shared(client, mistral):
    first = client.get(mistral.get_absolute_url())
    other = Client()
    second = other.get(mistral.get_absolute_url())

    html = second.content.decode()
    assert f'action="/notices/follow/{mistral.slug}/"' in html
    assert html.index('id="discussion"') < html.index('id="follow-discussion"')
    assert 'id="follow_email"' in html and '<option value="" selected>The whole discussion' in html
    assert html.count("Question 1: ") == 2, "the comment form's choices and the follow form's"
    # One shared copy: the same bytes but each reader's own CSRF token, in both forms.
    token = other.cookies["csrftoken"].value
    assert set(TOKEN.findall(html)) != set(TOKEN.findall(first.content.decode()))
    assert TOKEN.sub("", html) == TOKEN.sub("", first.content.decode())
    assert COMMENTER_COOKIE not in second.cookies and token


def test_no_form_where_the_discussion_is_closed(client, make_article):
    closed = make_article(comments_open=False)

    assert 'id="follow-discussion"' not in client.get(closed.get_absolute_url()).content.decode()
    assert ask(client, closed).status_code == 403
    assert not Email.objects.exists()


def test_a_get_goes_back_to_the_form(client, mistral):
    response = client.get(follow_url(mistral))

    assert response["Location"] == f"{mistral.get_absolute_url()}#follow-discussion"


@pytest.mark.parametrize(
    "email,question",
    [
        ("not-an-address", ""),
        ("follower@example.com\r\nBcc: victim@example.org", ""),
        ("", ""),
        (READER, "999999"),
        (READER, "x"),
    ],
    ids=["not-an-address", "header-injection", "empty", "other-question", "not-a-number"],
)
def test_a_bad_request_shows_the_form_with_its_errors_and_sends_nothing(
    client, mistral, email, question
):
    response = ask(client, mistral, email, question)

    assert response.status_code == 400
    html = response.content.decode()
    assert "You do not follow this discussion yet" in html and 'id="follow_email"' in html
    assert not Email.objects.exists()


# Asking, confirming


def test_asking_emails_a_link_and_stores_nothing_yet(client, mistral):
    question = mistral.question_list[1]

    response = ask(client, mistral, READER.upper(), question.pk)

    html = response.content.decode()
    assert response.status_code == 200 and "Check your email" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html
    [sent] = Email.objects.all()
    assert sent.to == READER
    assert sent.subject == "Confirm that you follow a discussion on mistralnews"
    assert question.text in sent.text and CONFIRM.search(sent.text) and CONFIRM.search(sent.html)
    assert not Follow.objects.exists() and not VerifiedAddress.objects.exists()


def test_opening_the_link_asks_and_the_button_confirms_and_verifies(client, mistral):
    question = mistral.question_list[0]
    ask(client, mistral, question=question.pk)
    path = confirmation_path()

    page = Client().get(path)
    assert page.status_code == 200 and "Follow by email</button>" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert not Follow.objects.exists() and not VerifiedAddress.objects.exists()

    browser = Client()
    confirmed = browser.post(path)

    html = confirmed.content.decode()
    assert "You follow this discussion" in html and escape(question.text) in html
    follow = Follow.objects.get()
    assert (follow.email, follow.article, follow.question) == (READER, mistral, question)
    assert VerifiedAddress.objects.filter(email=READER).exists()
    assert 'href="/notices/unsubscribe/' in html and 'href="/notices/manage/' in html
    assert READER in browser.get(mistral.get_absolute_url()).content.decode(), "verified here"


def test_confirming_verifies_an_address_that_refused_mail_again(client, mistral):
    record_refusal(READER, "550 No such mailbox")
    ask(client, mistral)

    client.post(confirmation_path())

    assert not Email.objects.filter(status=Email.Status.SKIPPED).exists()
    assert Follow.objects.exists()
    assert not is_refused(READER)


def test_a_browser_holding_the_addresss_verification_follows_at_once(client, mistral):
    verify_in(client, READER)

    response = ask(client, mistral)

    assert "You follow this discussion" in response.content.decode()
    assert Follow.objects.filter(email=READER, question=None).exists()
    assert not Email.objects.exists()


def test_following_twice_keeps_one_follow(client, mistral):
    for _ in range(2):
        ask(client, mistral)
        client.post(confirmation_path())

    assert Follow.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_used_link_is_refused_and_changes_nothing(client, mistral, method):
    ask(client, mistral)
    path = confirmation_path()
    client.post(path)
    Follow.objects.all().delete()
    VerifiedAddress.objects.all().delete()

    response = getattr(Client(), method)(path)

    assert response.status_code == 400
    assert "It has been used already" in response.content.decode()
    assert not Follow.objects.exists() and not VerifiedAddress.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_is_refused_and_changes_nothing(client, mistral, monkeypatch, method):
    ask(client, mistral)
    path = confirmation_path()
    later = timezone.now() + timedelta(hours=48, seconds=1)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())

    response = getattr(client, method)(path)

    assert response.status_code == 400 and "It has expired" in response.content.decode()
    assert not Follow.objects.exists() and not UsedLink.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: links.make_token("verify", email=READER),  # another kind of link
        lambda token: links.make_token(
            tokens.CONFIRM_FOLLOW, email=READER, article=10**6, question=None
        ),  # signed, but for no article
        lambda token: "not-a-token",
    ],
    ids=["signature", "other-purpose", "no-such-article", "garbage"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_and_changes_nothing(client, mistral, tamper, method):
    ask(client, mistral)
    token = confirmation_path().rstrip("/").rsplit("/", 1)[1]

    response = getattr(client, method)(f"/notices/follow/confirm/{tamper(token)}/")

    assert response.status_code == 400
    assert "It is not a link we sent" in response.content.decode()
    assert not Follow.objects.exists() and not UsedLink.objects.exists()
    assert not VerifiedAddress.objects.exists()


# Answers that tell nothing, and caps


def test_the_answer_never_tells_what_the_site_knows_about_an_address(
    mistral, make_comment, settings
):
    settings.COMMENTS_VERIFICATION_ADDRESS_LIMIT = "1/24h"
    following, refused, capped = "following@example.com", "refused@example.com", "cap@example.com"
    Follow.objects.create(email=following, article=mistral)
    VerifiedAddress.objects.create(email=following)
    record_refusal(refused, "550 No such mailbox")
    ask(Client(), mistral, capped, ip="203.0.113.9")  # its one email today

    answers = set()
    for email in ["new@example.com", following, refused, capped]:
        response = ask(Client(), mistral, email)
        html = response.content.decode().replace(email, "ADDRESS")
        answers.add((response.status_code, TOKEN.sub("", html)))

    assert len(answers) == 1
    assert Email.objects.filter(to=capped).count() == 1


def test_confirmation_emails_share_the_verification_caps(client, mistral, settings):
    settings.COMMENTS_VERIFICATION_ADDRESS_LIMIT = "2/24h"
    settings.COMMENTS_VERIFICATION_NETWORK_LIMIT = "3/24h"

    for ip in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]:
        ask(Client(), mistral, READER, ip=ip)
    for number in range(4):
        ask(Client(), mistral, f"reader{number}@example.com", ip="203.0.113.5")

    assert Email.objects.filter(to=READER).count() == 2, "two a day to one address"
    assert Email.objects.exclude(to=READER).count() == 3, "three a day from one network"


def test_follow_requests_are_limited_per_network(mistral, settings):
    settings.NOTICES_FOLLOW_RATE_LIMIT = "2/1h"
    for number in range(2):
        assert ask(Client(), mistral, f"r{number}@example.com").status_code == 200

    refused = ask(Client(), mistral, "r2@example.com")
    other_network = ask(Client(), mistral, "r3@example.com", ip="203.0.113.5")

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "from your network" in refused.content.decode()
    assert other_network.status_code == 200
    assert not Email.objects.filter(to="r2@example.com").exists()


def test_a_bad_follow_rate_limit_is_a_clear_configuration_error(settings):
    settings.NOTICES_FOLLOW_RATE_LIMIT = "5/10d"

    (problem,) = checks.run_checks(tags=["settings"])

    assert problem.is_serious()
    assert problem.msg.startswith("NOTICES_FOLLOW_RATE_LIMIT: '5/10d' is not a rate")


# Digests


@pytest.fixture
def follower(mistral):
    VerifiedAddress.objects.create(email=READER)
    return Follow.objects.create(email=READER, article=mistral)


def test_new_comments_arrive_as_one_digest_at_most_once_a_day(
    mistral, follower, make_comment, committed
):
    with committed():
        first = make_comment(mistral, author_name="Grace", body="First thoughts.")
        second = make_comment(mistral, author_name="Hedy", body="Second thoughts.")
    periodic.send_follow_digests()

    [digest] = digests()
    assert digest.subject.startswith("2 new comments on “")
    assert "Grace wrote:" in digest.text and "Hedy wrote:" in digest.text
    assert f"/comments/{first.pk}/" in digest.text and f"/comments/{second.pk}/" in digest.html
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notices/manage/" in digest.text

    with committed():
        make_comment(mistral, body="Third, an hour later.")
    periodic.send_follow_digests()
    periodic.send_follow_digests()
    assert len(digests()) == 1, "one a day"

    a_day_later()
    periodic.send_follow_digests()
    periodic.send_follow_digests()
    assert len(digests()) == 2
    assert "Third, an hour later." in digests()[1].text
    assert "First thoughts." not in digests()[1].text


def test_a_digest_leaves_out_the_followers_own_comments_and_what_readers_cannot_see(
    mistral, follower, make_comment, editor, committed, run_tasks
):
    with committed():
        make_comment(mistral, author_email=READER, body="My own.")
        held = make_comment(mistral, status=Comment.Status.PENDING, body="Held for now.")
        gone = make_comment(mistral, body="Soon removed.")
        make_comment(mistral, body="Still here.")
        moderate(Comment.objects.filter(pk=gone.pk), "remove", editor, "Off topic")
    periodic.send_follow_digests()

    [digest] = digests()
    assert "Still here." in digest.text
    for hidden in ["My own.", "Held for now.", "Soon removed."]:
        assert hidden not in digest.text

    with committed():
        moderate(Comment.objects.filter(pk=held.pk), "approve", editor)
    a_day_later()  # past the editor's undo window too
    run_tasks()
    periodic.send_follow_digests()
    assert "Held for now." in digests()[1].text, "told once approved"


def test_a_questions_follower_hears_only_of_that_question(mistral, make_comment, committed):
    one, two = mistral.question_list[:2]
    VerifiedAddress.objects.create(email=READER)
    Follow.objects.create(email=READER, article=mistral, question=one)
    Follow.objects.create(email=READER, article=mistral)
    Follow.objects.create(email="other@example.com", article=mistral, question=two)
    VerifiedAddress.objects.create(email="other@example.com")

    with committed():
        answer = make_comment(mistral, question=one, body="An answer to one.")
        make_comment(mistral, parent=answer, body="A reply under one.")
        make_comment(mistral, question=two, body="An answer to two.")
    periodic.send_follow_digests()

    mine = "".join(digest.text for digest in digests())
    assert mine.count("An answer to one.") == 1, "once, though it follows both"
    assert "A reply under one." in mine and "An answer to two." in mine
    [theirs] = digests("other@example.com")
    assert "An answer to two." in theirs.text and "one." not in theirs.text


def test_a_digest_is_sent_once_however_often_the_job_runs_at_once(
    mistral, follower, make_comment, committed
):
    with committed():
        make_comment(mistral)
    sent = Notice.objects.get()

    for _ in range(3):
        periodic.send_follow_digests()

    [digest] = digests()
    sent.refresh_from_db()
    assert sent.sent_in == digest.key


def test_a_long_digest_lists_thirty_comments_and_says_how_many_more(
    mistral, follower, make_comment, committed
):
    with committed():
        for number in range(32):
            make_comment(mistral, body=f"Comment {number:02}.")
    periodic.send_follow_digests()

    [digest] = digests()
    assert digest.subject.startswith("32 new comments on “")
    assert "Comment 00." in digest.text and "Comment 29." in digest.text
    assert "Comment 30." not in digest.text and "Comment 31." not in digest.html
    assert f"And 2 more: http://testserver{mistral.get_absolute_url()}" in digest.text
    assert ">And 2 more</a>" in digest.html


def test_a_comment_removed_after_it_was_owed_is_left_out_of_the_digest(
    mistral, follower, make_comment, editor, committed
):
    with committed():
        gone = make_comment(mistral, body="Removed before the digest.")
        make_comment(mistral, body="Still here.")
    with committed():
        moderate(Comment.objects.filter(pk=gone.pk), "remove", editor, "Off topic")

    periodic.send_follow_digests()

    [digest] = digests()
    assert "Still here." in digest.text and "Removed before the digest." not in digest.text
    assert digest.subject.startswith("A new comment on “")
