import itertools
import shutil
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Category
from comments.lifecycle import Event, announce
from comments.models import Comment
from comments.verification import verification_url
from tests import servers

MISTRAL_SLUG = "europes-23-billion-ai-powerhouse-mistral-is-growing-fast"


@pytest.fixture
def category(db):
    return Category.objects.get_or_create(slug="aicloud", defaults={"name": "AICloud"})[0]


@pytest.fixture
def make_article(db, category):
    """Create an article; published an hour ago unless told otherwise."""
    numbers = itertools.count(1)

    def make(*, tags=(), questions=(), **fields):
        number = next(numbers)
        fields.setdefault("title", f"Article number {number}")
        fields.setdefault("slug", f"article-{number}")
        fields.setdefault("summary", f"Summary of article {number}.")
        fields.setdefault("body", f"Body of article {number}.")
        fields.setdefault("category", category)
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - timedelta(hours=number))
        article = Article.objects.create(**fields)
        article.tags.set(list(tags))
        for position, text in enumerate(questions, start=1):
            article.questions.create(text=text, position=position)
        return article

    return make


@pytest.fixture
def mistral(db):
    """The Mistral article as the site ships it (fixtures/mistral.json)."""
    call_command("loaddata", "mistral", verbosity=0)
    return Article.objects.get(slug=MISTRAL_SLUG)


@pytest.fixture
def open_comments(settings):
    """Comments published at once and no flood control, for tests about something else."""
    settings.COMMENTS_MODERATION = "open"
    settings.COMMENTS_RATE_LIMIT = settings.COMMENTS_ADDRESS_RATE_LIMIT = "off"


@pytest.fixture
def make_comment(db):
    """Store a comment directly, approved unless told otherwise, and announce it as posting
    does (comments.lifecycle)."""
    numbers = itertools.count(1)

    def make(article, *, parent=None, **fields):
        number = next(numbers)
        fields.setdefault("author_name", f"Reader {number}")
        fields.setdefault("author_email", f"reader{number}@example.com")
        fields.setdefault("body", f"Comment number {number}.")
        fields.setdefault("status", Comment.Status.APPROVED)
        comment = Comment(article=article, **fields)
        if parent is not None:
            comment.attach_to(parent)
        with transaction.atomic():
            comment.save()
            announce(Event.POSTED, Comment.objects.filter(pk=comment.pk))
        return comment

    return make


def comment_form_data(**fields):
    """What a reader's browser sends from the "Post a Comment" form."""
    return {
        "author_name": "Camille Durand",
        "author_email": "camille@example.com",
        "body": "Europe needs at least one lab that answers to European law.",
        "question": "",
        "parent": "",
        "homepage": "",
        **fields,
    }


def comments_url(article):
    return reverse("articles:comments", args=[article.slug])


@pytest.fixture
def editor(db):
    """A staff user in the Editors group, as `create_editor` makes them."""
    user = User.objects.create_user("editor", "editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(editor):
    """A browser logged in as the editor: a Client of its own, so that a test's `client`
    stays a reader's."""
    browser = Client()
    browser.force_login(editor)
    return browser


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached (cached pages would outlive its database), in the
    shared cache or in this process's copies."""
    for alias in caches.settings:
        caches[alias].clear()


@pytest.fixture
def page_cache_off(settings):
    """Pages rendered afresh for every request: for counting what rendering one costs."""
    settings.PAGE_CACHE_TIMEOUT = 0


@pytest.fixture(autouse=True)
def static_files_without_collectstatic(settings):
    """Tests do not run collectstatic: pages link the source static files by their own names."""
    settings.STATIC_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A throwaway redis-server on a free loopback port for the whole run: its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian package; `make install-redis`)")
    with servers.redis_server(binary, tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_cache(settings, redis_server):
    """Django's cache and the rate limits in the throwaway Redis; emptied after."""
    settings.REDIS_URL = redis_server
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server,
        }
    }
    yield redis_server
    caches["default"].clear()


def verify_in(client, email, article=None):
    """Follow the verification link for `email` in `client`'s browser, as its owner would."""
    path = verification_url(email, article).split("://", 1)[1].split("/", 1)[1]
    response = client.post(f"/{path}")
    assert response.status_code == 200, response.content
    return response


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (servers.SMTPServer), stopped after the test."""
    with servers.SMTPServer() as server:
        yield server


@pytest.fixture
def smtp(settings, smtp_server):
    """Email sent in this process goes to `smtp_server` over SMTP, as in production."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def run_tasks(db):
    """Run the tasks waiting in the database until none is ready, here and now, as the worker
    (`manage.py db_worker`) would; answers what each returned, in order. Tasks queued to run
    later wait, as they would for the worker."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="tests", excluded_queue_names=[],
    )  # fmt: skip

    def run(limit=100):
        returned = []
        while (result := DBTaskResult.objects.ready().first()) is not None:
            assert len(returned) < limit, "tasks keep queueing tasks"
            result.claim(worker.worker_id)
            worker.run_task(result)
            result.refresh_from_db()
            assert result.status == "SUCCESSFUL", result.traceback
            returned.append(result.return_value)
        return returned

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks, run_tasks):
    """`with committed(): …`: what waits for the block's commit runs as it ends (after-commit
    listeners, queueing tasks), then the tasks ready by then, as the worker would."""

    @contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_tasks()

    return block
