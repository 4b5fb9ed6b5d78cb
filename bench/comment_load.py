"""Readers posting comments at once, and nothing lost.

Starts gunicorn (two sync workers, production settings, flood control off, moderation open) on
a free loopback port, over a fresh database migrated and seeded with the Mistral article.
`--clients` readers each load the article page once, keep its CSRF cookie and post comments
of their own (new threads, answers to its questions, replies) until `--posts` have been sent
between them. Then every comment acknowledged with a 303 redirect to `#comment-<id>` is looked
up in the database, and every stored comment is traced back to a post.

    python bench/comment_load.py --clients 32 --posts 2000 --database sqlite
    scripts/postgres.sh python bench/comment_load.py --clients 32 --posts 2000 --database postgres

SQLite is a file in a temporary folder; on PostgreSQL a new database is made on DATABASE_URL's
server (scripts/postgres.sh starts a throwaway one) and dropped after. Prints the figures;
exits 1 if a post was not acknowledged, an acknowledged comment is missing or stored twice, a
stored comment is incomplete or belongs to no acknowledged post, or the server answered 5xx or
logged an error such as "database is locked".
"""

import argparse
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import django
import httpx

# The project's folder, for tests.servers (it starts gunicorn) and Django's settings.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import servers

WORKERS = 2
REQUEST_TIMEOUT = 30  # seconds: gunicorn's own worker timeout
SERVER_LOG_ERRORS = re.compile(r"Traceback|Internal Server Error|\[ERROR\]|\[CRITICAL\]")
LOCKED = "database is locked"


@contextmanager
def fresh_site(database, folder):
    """A fresh database (`sqlite` or `postgres`) with the Mistral article, and static files:
    yields the environment of a production server on it. Django is set up in this process too,
    on the same database, to look at it afterwards."""
    server_url = None
    if database == "postgres":
        server_url = os.environ.get("DATABASE_URL", "")
        if not server_url.startswith(("postgres://", "postgresql://")):
            sys.exit(
                "--database postgres needs DATABASE_URL to name a PostgreSQL server: run it "
                "through scripts/postgres.sh, which starts a throwaway one (make load does)."
            )
    with servers.fresh_database(folder, server_url) as database_url:
        env = servers.production_env(
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SITE_URL="http://127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_STATIC_ROOT=str(folder / "static"),
            DATABASE_URL=database_url,
            COMMENTS_MODERATION="open",
            COMMENTS_RATE_LIMIT="off",
        )
        os.environ.clear()
        os.environ.update(env)
        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", "--no-input", verbosity=0)
        call_command("seed", verbosity=0)
        call_command("collectstatic", "--no-input", verbosity=0)
        connections.close_all()
        try:
            yield env
        finally:
            connections.close_all()


def the_article():
    from articles.models import Article

    return Article.objects.get()


@dataclass
class Post:
    """One comment sent, and what the server answered."""

    reader: int
    body: str
    question: str = ""
    parent: int | None = None
    status: int | None = None  # None: no answer came
    comment_id: int | None = None  # from the redirect: the post was acknowledged
    failure: str = ""  # why it was not acknowledged
    seconds: float = 0.0


@dataclass
class Load:
    """`clients` readers posting `total` comments between them, for `time_limit` seconds at
    most; `posts` records every post as its answer comes."""

    url: str
    article_path: str
    clients: int
    total: int
    time_limit: float
    posts: list = field(default_factory=list)
    pages: Counter = field(default_factory=Counter)  # the article page's statuses, or failures
    stop: threading.Event = field(default_factory=threading.Event)
    seconds: float = 0.0

    def __post_init__(self):
        self.run = secrets.token_hex(4)
        self.numbers = iter(range(self.total))
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.reader, args=(number,), daemon=True)
            for number in range(1, self.clients + 1)
        ]

    def start(self):
        self.started = time.monotonic()
        self.deadline = self.started + self.time_limit
        for thread in self.threads:
            thread.start()
        return self

    def wait(self):
        for thread in self.threads:
            thread.join(max(0.0, self.deadline - time.monotonic()) + REQUEST_TIMEOUT + 5)
        self.seconds = time.monotonic() - self.started
        return self

    def run_to_the_end(self):
        return self.start().wait()

    @property
    def acknowledged(self):
        with self.lock:
            return sum(1 for post in self.posts if post.comment_id)

    def next_number(self):
        with self.lock:
            if self.stop.is_set() or time.monotonic() > self.deadline:
                return None
            return next(self.numbers, None)

    def reader(self, reader):
        """Load the article page once, then post comments until there are none left."""
        with httpx.Client(base_url=self.url, timeout=REQUEST_TIMEOUT) as http:
            try:
                page = http.get(self.article_path)
            except httpx.HTTPError as error:
                self.record_page(type(error).__name__)
                return
            self.record_page(page.status_code)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            if page.status_code != 200 or token is None:
                return
            form = {
                "csrfmiddlewaretoken": token[1],
                "author_name": f"Reader {reader}",
                "author_email": f"reader{reader}@example.com",
                "homepage": "",
            }
            # The cookie is Secure; over loopback HTTP it goes back by hand.
            cookie = {"Cookie": f"csrftoken={page.cookies['csrftoken']}"}
            questions = re.findall(r'<option value="(\d+)"', page.text)
            latest = None
            while (number := self.next_number()) is not None:
                post = Post(
                    reader,
                    f"Comment {number} of run {self.run}, from reader {reader}: *keep* it.",
                )
                if number % 3 == 1 and questions:
                    post.question = questions[number % len(questions)]
                elif number % 3 == 2 and latest:
                    post.parent = latest
                self.send(http, post, form, cookie)
                latest = post.comment_id or latest

    def send(self, http, post, form, cookie):
        data = {**form, "body": post.body, "question": post.question, "parent": post.parent or ""}
        started = time.perf_counter()
        try:
            response = http.post(f"{self.article_path}comments/", data=data, headers=cookie)
        except httpx.ConnectError:
            post.failure = "connection refused"  # never reached the server
        except httpx.TimeoutException:
            post.failure = "no answer (timeout)"
        except httpx.HTTPError as error:
            post.failure = f"no answer ({type(error).__name__})"
        else:
            post.status = response.status_code
            redirect = re.search(r"#comment-(\d+)$", response.headers.get("Location", ""))
            if post.status == 303 and redirect:
                post.comment_id = int(redirect[1])
            else:
                locked = f", {LOCKED}" if LOCKED in response.text else ""
                post.failure = f"HTTP {post.status}{locked}"
        post.seconds = time.perf_counter() - started
        with self.lock:
            self.posts.append(post)

    def record_page(self, outcome):
        with self.lock:
            self.pages[outcome] += 1


def inspect(posts, article, server_logs):
    """What the readers were told, against what the database holds and the server logged."""
    from comments.models import MAX_DEPTH, Comment

    stored = {comment.pk: comment for comment in Comment.objects.filter(article=article)}
    copies = Counter(comment.body for comment in stored.values())
    sent = {post.body for post in posts}
    acknowledged = [post for post in posts if post.comment_id]
    present = [
        post
        for post in acknowledged
        if post.comment_id in stored and stored[post.comment_id].body == post.body
    ]

    def in_place(post):
        comment = stored[post.comment_id]
        if post.parent:
            parent = stored.get(post.parent)
            return parent is not None and comment.parent_id == (
                parent.parent_id if parent.depth >= MAX_DEPTH else parent.pk
            )
        return comment.parent_id is None and comment.question_id == (
            int(post.question) if post.question else None
        )

    unanswered = [post for post in posts if post.status is None]
    answered = sorted(post.seconds for post in posts if post.status is not None)
    logged = "\n".join(server_logs)
    return {
        "attempted": len(posts),
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "lost": len(acknowledged) - len(present),
        "duplicates": sum(count - 1 for count in copies.values()),
        "misplaced": sum(1 for post in present if not in_place(post)),
        "incomplete": sum(
            1
            for comment in stored.values()
            if not (comment.body_html and comment.ip_hash and comment.is_visible)
        ),
        "unknown": sum(1 for comment in stored.values() if comment.body not in sent),
        "refused_but_stored": sum(
            1
            for post in posts
            if post.status is not None and not post.comment_id and copies[post.body]
        ),
        "unanswered": len(unanswered),
        "unanswered_but_stored": sum(1 for post in unanswered if copies[post.body]),
        "errors": dict(Counter(post.failure for post in posts if post.failure)),
        "status_5xx": sum(1 for post in posts if post.status and post.status >= 500),
        "database_locked": logged.count(LOCKED)
        + sum(1 for post in posts if LOCKED in post.failure),
        "server_log_errors": len(SERVER_LOG_ERRORS.findall(logged)),
        "post_p50_ms": round(statistics.median(answered) * 1000) if answered else None,
        "post_p99_ms": round(percentile(answered, 99) * 1000) if answered else None,
    }


def percentile(ordered, percent):
    """The nearest-rank percentile of a sorted list."""
    return ordered[max(0, -(-len(ordered) * percent // 100) - 1)]


def integrity_problems(figures):
    """What went wrong with the stored comments, whatever happened to the server."""
    names = {
        "lost": "acknowledged but not stored with their body",
        "duplicates": "stored more than once",
        "misplaced": "stored in the wrong thread or question",
        "incomplete": "stored half-written",
        "unknown": "stored but never sent",
        "refused_but_stored": "refused but stored",
        "status_5xx": "answered with a 5xx",
        "database_locked": f'"{LOCKED}"',
        "server_log_errors": "errors in the server's log",
    }
    return [f"{figures[key]} {what}" for key, what in names.items() if figures[key]]


def line(label, value, note=""):
    print(f"  {label:<40}{value!s:>8}{'   ' + note if note else ''}")


def print_errors(errors):
    if not errors:
        line("errors", "none")
    for kind, count in sorted(errors.items()):
        line(f"error: {kind}", count)


def print_latency(figures):
    if figures["post_p50_ms"] is not None:
        line(
            "POST latency p50 / p99", f"{figures['post_p50_ms']} ms", f"{figures['post_p99_ms']} ms"
        )


def write_json(path, figures):
    if path:
        Path(path).write_text(json.dumps(figures, indent=2) + "\n")


def bounded_int(low, high):
    def parse(text):
        number = int(text)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return number

    return parse


def arguments(description, clients, posts, time_limit):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--clients", type=bounded_int(1, 128), default=clients)
    parser.add_argument("--posts", type=bounded_int(1, 20_000), default=posts)
    parser.add_argument(
        "--time-limit",
        type=bounded_int(1, 900),
        default=time_limit,
        help="seconds of posting at most (default %(default)s)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    return parser


def main():
    parser = arguments(__doc__.split("\n\n")[0], clients=32, posts=2000, time_limit=300)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    options = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="comment-load-") as folder,
        fresh_site(options.database, Path(folder)) as env,
    ):
        article = the_article()
        log = Path(folder) / "gunicorn.log"
        with servers.Gunicorn(env, log, workers=WORKERS) as server:
            load = Load(
                server.url,
                article.get_absolute_url(),
                options.clients,
                options.posts,
                options.time_limit,
            ).run_to_the_end()
        figures = inspect(load.posts, article, [log.read_text()])

    figures |= {
        "database": options.database,
        "clients": options.clients,
        "workers": WORKERS,
        "article_pages": {str(outcome): count for outcome, count in load.pages.items()},
        "wall_seconds": round(load.seconds, 1),
        "posts_per_second": round(figures["acknowledged"] / load.seconds, 1),
    }
    problems = integrity_problems(figures)
    if figures["acknowledged"] < options.posts:
        problems.append(f"{options.posts - figures['acknowledged']} posts not acknowledged")

    print(
        f"Comment load on {'PostgreSQL' if options.database == 'postgres' else 'SQLite'}: "
        f"{options.clients} readers, {options.posts} posts, gunicorn with {WORKERS} sync workers"
    )
    line("posts attempted", figures["attempted"])
    line("acknowledged (303)", figures["acknowledged"])
    line("stored", figures["stored"])
    line("lost", figures["lost"])
    line("duplicates", figures["duplicates"])
    line("misplaced or half-written", figures["misplaced"] + figures["incomplete"])
    line(
        "stored without an answer",
        figures["unanswered_but_stored"],
        f"of {figures['unanswered']} unanswered",
    )
    print_errors(figures["errors"])
    line("5xx answers", figures["status_5xx"])
    line(f'"{LOCKED}"', figures["database_locked"], "in answers and the server's log")
    line("errors in the server's log", figures["server_log_errors"])
    print_latency(figures)
    line("wall time", f"{figures['wall_seconds']} s", f"{figures['posts_per_second']} posts/s")
    print("FAILED: " + "; ".join(problems) if problems else "Nothing lost.")
    write_json(options.json, figures)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
