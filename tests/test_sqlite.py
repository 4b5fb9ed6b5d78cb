"""SQLite, the embedded default, set up for several server processes writing at once."""

import pytest

from tests.servers import manage, production_env, python

PRAGMAS = """
import django; django.setup()
from django.db import connection
with connection.cursor() as cursor:
    for pragma in ("journal_mode", "synchronous", "busy_timeout"):
        print(cursor.execute(f"PRAGMA {pragma}").fetchone()[0])
"""

WRITER = """
import sys, django; django.setup()
from articles.models import Article
from comments.models import Comment
from comments.posting import post_comment
article = Article.objects.get()
for number in range(int(sys.argv[2])):
    post_comment(Comment(
        article=article, author_name="Writer", author_email=f"writer{sys.argv[1]}@example.com",
        body=f"Comment {number} from writer {sys.argv[1]}.",
    ))
"""


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory):
    """Production settings on a fresh SQLite file with the Mistral article."""
    env = production_env(
        DJANGO_SECRET_KEY="tests-only-not-a-secret",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SITE_URL="http://testserver",
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/news.sqlite3",
        COMMENTS_MODERATION="open",
        COMMENTS_RATE_LIMIT="off",
    )
    manage("migrate", "--no-input", env=env)
    manage("seed", env=env)
    return env


def test_connections_use_wal_normal_sync_and_wait_for_the_lock(sqlite_env):
    out, err = python(PRAGMAS, env=sqlite_env).communicate(timeout=60)

    assert out.split() == ["wal", "1", "20000"], err  # synchronous 1 is NORMAL; 20 s


def test_concurrent_comment_posts_wait_their_turn_instead_of_failing(sqlite_env):
    writers, posts = 3, 40
    processes = [python(WRITER, str(n), str(posts), env=sqlite_env) for n in range(writers)]

    errors = [process.communicate(timeout=120)[1] for process in processes]

    assert [process.returncode for process in processes] == [0] * writers, errors
    count = python(
        "import django; django.setup(); from comments.models import Comment; "
        "print(Comment.objects.count())",
        env=sqlite_env,
    ).communicate(timeout=60)[0]
    assert int(count) == writers * posts
