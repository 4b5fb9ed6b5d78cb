"""The newsroom data set (`generate_newsroom`), at a small size: the same seed makes the same
rows; what the models derive (HTML, cards, threads, stored counts, the moderation log) is
what they would have made; and no public page makes more queries on it than on the
one-article site."""

import hashlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category, DiscussionQuestion, TaggedArticle
from comments.cards import render_card
from comments.models import MAX_DEPTH, Comment, ModerationEvent
from comments.moderation import moderate
from mistralnews.markup import ARTICLE, COMMENT, render_markdown
from newsroom.pages import DESK, SEARCH, page_kinds

ARTICLES, COMMENTS, HOT = 200, 2000, 300
# Days before today's midnight: a fixed moment for the whole run, so two runs agree.
NOW = (timezone.now() - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def generate(seed=7):
    call_command(
        "generate_newsroom", "--articles", ARTICLES, "--comments", COMMENTS,
        "--hot-comments", HOT, "--tags", 150, "--seed", seed, "--now", NOW.isoformat(),
        verbosity=0,
    )  # fmt: skip


def digest():
    """A fingerprint of every row the data set consists of, and how many of each. Versions
    are left out: they are random by design (freshness.models.new_version)."""
    fingerprint, sizes = hashlib.sha256(), {}
    models = [Category, Tag, Article, TaggedArticle, DiscussionQuestion, Comment, ModerationEvent]
    for model in models:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "version"]
        rows = list(model.objects.order_by("pk").values_list(*fields))
        fingerprint.update(repr(rows).encode())
        sizes[model.__name__] = len(rows)
    return fingerprint.hexdigest(), sizes


def test_a_seed_always_makes_the_same_rows(db):
    with transaction.atomic():
        generate()
        first = digest()
        transaction.set_rollback(True)
    generate()

    assert digest() == first
    assert first[1] == first[1] | {"Article": ARTICLES, "Comment": COMMENTS, "Tag": 150}


def test_running_it_again_adds_nothing(db):
    generate()
    before = digest()

    call_command("generate_newsroom", "--articles", 5, "--comments", 5, verbosity=0)

    assert digest() == before


@pytest.fixture
def newsroom(db):
    generate()
    return Article.objects.filter(category__slug="energy")


def test_bodies_and_cards_are_what_the_models_make(newsroom):
    for article in Article.objects.order_by("?")[:15]:
        assert article.body_html == render_markdown(article.body, ARTICLE)
        assert 800 <= len(article.body.split()) <= 1700  # Markdown marks count as words too
    for comment in Comment.objects.order_by("?")[:150]:
        assert comment.body_html == render_markdown(comment.body, COMMENT)
        assert comment.card_html == render_card(comment)


def test_threads_are_as_attach_to_makes_them(newsroom):
    comments = {c.pk: c for c in Comment.objects.all()}
    for comment in comments.values():
        parent = comments.get(comment.parent_id)
        if parent is None:
            assert (comment.depth, comment.root_id) == (1, None)
            continue
        assert parent.depth < MAX_DEPTH
        assert comment.depth == parent.depth + 1
        assert comment.root_id == (parent.root_id or parent.pk)
        assert comment.question_id == parent.question_id
        assert comment.article_id == parent.article_id
        assert comment.created_at >= parent.created_at
        assert parent.status in (Comment.Status.APPROVED, Comment.Status.REMOVED)
    assert max(c.depth for c in comments.values()) == MAX_DEPTH


def test_stored_counts_are_the_counts(newsroom):
    visible = Q(comments__status=Comment.Status.APPROVED)
    for article in Article.objects.annotate(fresh=Count("comments", filter=visible)):
        assert article.comment_count == article.fresh
    questions = DiscussionQuestion.objects.annotate(
        answers=Count("comments", filter=visible & Q(comments__parent__isnull=True)),
        replies=Count("comments", filter=visible & Q(comments__parent__isnull=False)),
    )
    for question in questions:
        assert (question.answer_count, question.reply_count) == (question.answers, question.replies)
    hot = Article.objects.annotate(size=Count("comments")).order_by("-size").first()
    assert hot.size == HOT


def test_every_moderated_comment_is_in_the_log(newsroom):
    events = {event.comment_id: event for event in ModerationEvent.objects.all()}
    for comment in Comment.objects.filter(status__in=["removed", "spam"]):
        event = events.pop(comment.pk)
        assert event.action == {"removed": "remove", "spam": "spam"}[comment.status]
        assert event.reason == comment.moderation_reason
        assert event.created_at >= comment.created_at
        assert event.moderator.is_staff
    assert {event.action for event in events.values()} == {"approve"}  # held, then approved
    assert Comment.objects.filter(status="removed").exclude(moderation_reason="").exists()


def test_articles_spread_over_years_with_drafts_scheduled_and_revised(newsroom):
    published = Article.objects.published().filter(category__slug__isnull=False)
    assert published.dates("published_at", "year").count() >= 5
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.scheduled().exists()
    assert Article.objects.filter(revised_at__gt=timezone.now() - timedelta(days=3650)).exists()
    assert DiscussionQuestion.objects.filter(article__in=published).count() > ARTICLES


@pytest.fixture
def seed_site(mistral, make_comment, editor):
    """The one-article site: the Mistral article with a discussion long enough for a second
    page of a section and threads of replies, and a moderation log of two pages."""
    question = mistral.question_list[0]
    roots = [make_comment(mistral, question=question) for _ in range(25)]
    for root in roots[:3]:
        make_comment(mistral, parent=make_comment(mistral, parent=root))
    held = [make_comment(mistral, status=Comment.Status.PENDING) for _ in range(50)]
    moderate(Comment.objects.filter(pk__in=[c.pk for c in held]), "approve", editor)
    moderate(Comment.objects.filter(pk=roots[5].pk), "remove", editor, reason="Off topic")
    return mistral


# The kind the one-article site stands in with for kinds it has no page of.
STANDS_IN = {
    "article": "hot article",
    "year archive, past year": None,  # one query more than this year's, on any site
    "home, deep page": "home",
    "moderation log, deep page": "moderation log",
}
SEARCHES = {"search": ("Mistral", "council"), "search, no match": ("zyxwvutsr", "zyxwvutsr")}


def _public_pages(site):
    """An address of each kind of public page (the middle one of three, where the database
    has several): searches for a word `site` (0 the seed, 1 the data set) has."""
    pages = {
        kind.name: kind.urls[len(kind.urls) // 2]
        for kind in page_kinds(per_kind=3)
        if kind.urls and kind.group not in (DESK, SEARCH)
    }
    pages |= {name: f"/search/?q={words[site]}" for name, words in SEARCHES.items()}
    return pages


def test_no_public_page_makes_more_queries_on_the_data_set(
    client, seed_site, page_cache_off, django_assert_num_queries
):
    seed = {}
    for name, url in _public_pages(site=0).items():
        client.get(url)  # a first request may make a row asked for the first time (guidelines)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        seed[name] = len(queries)

    generate()
    pages = _public_pages(site=1)
    assert pages.keys() >= {*seed, *STANDS_IN}
    for name, url in pages.items():
        if name in STANDS_IN and STANDS_IN[name] is None:
            continue
        expected = seed[STANDS_IN.get(name, name)] if name in STANDS_IN else seed[name]
        with django_assert_num_queries(expected, info=f"{name}: {url}"):
            assert client.get(url).status_code == 200, url
