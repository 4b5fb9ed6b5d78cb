"""Notices on real parts, end to end: the site under gunicorn, the task worker (`manage.py
db_worker`) in a process of its own, a real SMTP server, on a database of their own (a SQLite
file, or a PostgreSQL database under `make test-postgres`), and readers' requests over HTTP.

A reader posts a comment asking for replies, gets the verification email, opens its link and
presses the button; another reader replies; the reply notice arrives with the RFC 8058
headers; a one-click unsubscribe (a POST with `List-Unsubscribe=One-Click`, no cookie, no
token) stops them, and a further reply sends nothing."""

import json
import os
import re
import time
from http.cookies import SimpleCookie

import httpx
import pytest
from django.db import connection

from tests import servers
from tests.conftest import MISTRAL_SLUG, comment_form_data

ARTICLE = f"/articles/{MISTRAL_SLUG}/"
ADA, GRACE = "ada@example.org", "grace@example.org"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# What the worker still has to do, and the notices owed.
STATE = """
import json, django; django.setup()
from django_tasks_db.models import DBTaskResult
from notices.models import Notice
print(json.dumps({
    "waiting": DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count(),
    "notices": list(Notice.objects.values_list("recipient", "sent_in")),
}))
"""


class Browser:
    """A reader's browser, reduced to what the test needs: its cookies, sent back (Secure ones
    too, as browsers do on loopback), and forms sent with the CSRF token of their page."""

    def __init__(self, url):
        self.http = httpx.Client(base_url=url, timeout=20)
        self.cookies = {}

    def request(self, method, path, **options):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.http.request(
            method, path, headers={"Cookie": cookie} if cookie else {}, **options
        )
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.coded_value
        return response

    def submit(self, page, action, **fields):
        """Send the form on `page` (a path) to `action` with `fields`, as the page would."""
        token = TOKEN.search(self.request("GET", page).text)[1]
        return self.request("POST", action, data={"csrfmiddlewaretoken": token, **fields})

    def close(self):
        self.http.close()


def state(env):
    return json.loads(servers.run_python(STATE, env=env))


def wait_until_idle(env, timeout=20):
    """Wait (a bounded time) until the worker has no task left to run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not (current := state(env))["waiting"]:
            return current
        time.sleep(0.2)
    raise AssertionError(f"tasks still waiting after {timeout} s")


def messages_to(smtp_server, address, count, timeout=20):
    """Wait (a bounded time) until `count` messages reached `address`; answers them."""
    deadline = time.monotonic() + timeout
    while len(smtp_server.to(address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    received = smtp_server.to(address)
    assert len(received) >= count, f"{len(received)} of {count} messages to {address}"
    return received


def link(message, pattern):
    """The path of the first link in `message`'s text part matching `pattern`."""
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+({pattern})", text)[1]


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    """Production settings on a migrated, seeded database of their own and collected static
    files; comments published at once, replies told at once."""
    folder = tmp_path_factory.mktemp("notices")
    server = os.environ["DATABASE_URL"] if connection.vendor == "postgresql" else None
    with servers.fresh_database(folder, server) as database_url:
        env = servers.production_env(
            DJANGO_SECRET_KEY="tests-only-not-a-secret",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_STATIC_ROOT=str(folder / "static"),
            DATABASE_URL=database_url,
            DEFAULT_FROM_EMAIL="news@news.example",
            SITE_NAME="Mistral News",
            COMMENTS_MODERATION="open",
            COMMENTS_RATE_LIMIT="off",
            NOTICES_REPLY_DIGEST_MINUTES="0",
        )
        commands = {**env, "DJANGO_SITE_URL": "http://127.0.0.1"}
        servers.manage("collectstatic", "--no-input", env=commands)
        servers.manage("migrate", "--no-input", env=commands)
        servers.manage("seed", env=commands)
        yield env


def test_verify_reply_notice_and_one_click_unsubscribe_end_to_end(site_env, smtp_server, tmp_path):
    env = {**site_env, "EMAIL_URL": smtp_server.url}
    with servers.Gunicorn(env, tmp_path / "gunicorn.log") as site:
        env["DJANGO_SITE_URL"] = site.url  # the worker writes the site's links into emails
        worker = servers.TaskWorker(env, tmp_path / "worker.log")
        ada, grace = Browser(site.url), Browser(site.url)
        try:
            _post_verify_reply_unsubscribe(site, env, smtp_server, ada, grace)
        finally:
            ada.close()
            grace.close()
            worker.stop()


def _post_verify_reply_unsubscribe(site, env, smtp_server, ada, grace):
    # Ada comments, asking to be told of replies; her address is not verified yet.
    posted = ada.submit(
        ARTICLE,
        f"{ARTICLE}comments/",
        **comment_form_data(author_name="Ada", author_email=ADA, notify_replies="on"),
    )
    assert posted.status_code == 303, posted.text
    comment = re.search(r"#comment-(\d+)$", posted.headers["location"])[1]

    [verification] = messages_to(smtp_server, ADA, 1)
    assert verification["From"] == "Mistral News <news@news.example>"
    verify = link(verification, r"/verify/[^/\s]+/")
    page = ada.request("GET", verify)
    assert page.status_code == 200 and f"Verify {ADA}</button>" in page.text
    verified = ada.submit(verify, verify)
    assert verified.status_code == 200 and "Your email address is verified" in verified.text

    # Grace replies; it is published at once, and Ada is told.
    replied = grace.submit(
        ARTICLE,
        f"{ARTICLE}comments/",
        **comment_form_data(
            author_name="Grace", author_email=GRACE, parent=comment, body="Agreed, and more."
        ),
    )
    assert replied.status_code == 303, replied.text
    notice = messages_to(smtp_server, ADA, 2)[1]
    assert notice["Subject"].strip().startswith("A reply to your comment on “")
    assert notice["From"] == "Mistral News <news@news.example>" and notice["To"] == ADA
    assert [part.get_content_type() for part in notice.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert "Agreed, and more." in notice.get_body(("plain",)).get_content()
    # A long header is folded after its name; unfolded, its value is the bracketed URL.
    unsubscribe = re.fullmatch(r"<(.+)>", notice["List-Unsubscribe"].strip())[1]
    assert unsubscribe.startswith(f"{site.url}/notices/unsubscribe/")
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The mail program's one click: a POST with no cookie and no token, sent twice.
    for _ in range(2):
        clicked = httpx.post(
            unsubscribe,
            content="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=20,
        )
        assert clicked.status_code == 200, clicked.text

    # Another reply: nothing more for Ada.
    again = grace.submit(
        ARTICLE,
        f"{ARTICLE}comments/",
        **comment_form_data(
            author_name="Grace", author_email=GRACE, parent=comment, body="One more thing."
        ),
    )
    assert again.status_code == 303, again.text
    idle = wait_until_idle(env)
    assert len(smtp_server.to(ADA)) == 2
    assert [recipient for recipient, sent_in in idle["notices"] if not sent_in] == []
