"""Two app servers, one PostgreSQL, one Redis: what a reader sees does not depend on which
server answers. Run by `make test-scaleout` (PostgreSQL from scripts/postgres.sh)."""

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

import pytest
import redis
from django.db import connection

from comments.models import Comment
from comments.verification import verification_url
from tests import servers
from tests.conftest import comment_form_data

pytestmark = pytest.mark.scaleout

SECRET = "tests-only-shared-by-both-instances"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A reader's browser over plain HTTP: keeps its cookies (Secure ones too, on loopback)
    and sends X-Forwarded-For as the proxy in front of both servers would."""

    def __init__(self, address):
        self.address = address
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirects)

    def request(self, url, data=None):
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            response = self.opener.open(urllib.request.Request(url, body, headers), timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie(header)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
            return response.status, response.headers, response.read().decode()

    def get(self, url):
        return self.request(url)

    def post_form(self, page_url, action_url, data):
        """Load the page with the form, then submit it with its CSRF token."""
        html = self.get(page_url)[2]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        return self.request(action_url, {"csrfmiddlewaretoken": token, **data})


@pytest.fixture
def shared_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL shared by both servers: run `make test-scaleout`")
    database = connection.settings_dict
    user, password = (urllib.parse.quote(database[key], safe="") for key in ("USER", "PASSWORD"))
    return f"postgres://{user}:{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    folder = tmp_path_factory.mktemp("static")
    servers.manage(
        "collectstatic",
        "--no-input",
        env=servers.production_env(
            DJANGO_SECRET_KEY=SECRET,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SITE_URL="http://127.0.0.1",
            DJANGO_STATIC_ROOT=str(folder),
        ),
    )
    return folder


@pytest.fixture
def two_servers(
    request,
    django_db_serialized_rollback,
    transactional_db,
    shared_postgres,
    redis_server,
    collected_static,
    tmp_path,
):
    """Instances A and B: production settings, one database, one Redis, behind one proxy.
    Parametrized indirectly with "database", they have no Redis: rate limits count in the
    database."""
    redis.Redis.from_url(redis_server).flushdb()
    counted_in = getattr(request, "param", "redis")
    env = servers.production_env(
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SITE_URL="http://127.0.0.1",  # the proxy's origin, the same for both
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DJANGO_STATIC_ROOT=str(collected_static),
        DATABASE_URL=shared_postgres,
        COMMENTS_MODERATION="first-time",
        COMMENTS_RECOMMEND_LIMIT="3/1m",
        **({"REDIS_URL": redis_server} if counted_in == "redis" else {}),
    )
    with (
        servers.gunicorn(env, tmp_path / "a.log") as a,
        servers.gunicorn(env, tmp_path / "b.log") as b,
    ):
        yield a, b


def post_comment(browser, server, article, **fields):
    page = server + article.get_absolute_url()
    return browser.post_form(page, f"{page}comments/", comment_form_data(**fields))


def test_a_comment_posted_through_a_is_on_the_page_served_by_b_at_once(
    two_servers, mistral, make_comment, settings
):
    a, b = two_servers
    make_comment(mistral, author_email="camille@example.com")  # approved before: published
    article_on_b = b + mistral.get_absolute_url()
    reader = Browser("198.51.100.1")
    assert "Posted through A." not in reader.get(article_on_b)[2]
    # Under first-time, her next comment is published at once from a browser holding her
    # address's verification: the link is signed with the servers' key, followed on A.
    settings.SECRET_KEY = SECRET
    link = urllib.parse.urlsplit(verification_url("camille@example.com", mistral))
    assert reader.post_form(a + link.path, a + link.path, {})[0] == 200

    status, headers, _ = post_comment(reader, a, mistral, body="Posted through A.")

    assert status == 303
    assert headers["Location"].startswith(mistral.get_absolute_url() + "#comment-")
    assert "Posted through A." in Browser("203.0.113.50").get(article_on_b)[2]


def test_flood_control_counts_posts_across_both_servers(two_servers, mistral, redis_server):
    a, b = two_servers
    reader = Browser("198.51.100.2")

    assert post_comment(reader, a, mistral, body="First, on A.")[0] == 303
    status, headers, html = post_comment(reader, b, mistral, body="Second, on B.")

    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 15
    assert "You are commenting too quickly." in html
    assert post_comment(Browser("198.51.100.3"), b, mistral, body="Someone else.")[0] == 303
    assert redis.Redis.from_url(redis_server).keys("mistralnews:rate:comment:*"), "counted in Redis"


def test_an_editors_moderation_on_a_shows_on_b(two_servers, mistral, editor):
    a, b = two_servers
    article_on_b = b + mistral.get_absolute_url()
    newcomer = Browser("198.51.100.4")
    assert post_comment(newcomer, b, mistral, body="A first comment, held.")[0] == 303
    held = Comment.objects.get(body="A first comment, held.")
    assert held.status == Comment.Status.PENDING
    assert "A first comment, held." not in Browser("203.0.113.51").get(article_on_b)[2]

    editor.set_password("an editor's password")
    editor.save()
    desk = Browser("192.0.2.10")
    login = desk.post_form(
        a + "/admin/login/",
        a + "/admin/login/?next=/admin/",
        {"username": editor.username, "password": "an editor's password"},
    )
    assert login[0] == 302
    queue = f"{a}/admin/comments/comment/?status=all"
    selected = {"_selected_action": held.pk, "index": 0}
    approved = desk.post_form(queue, queue, {"action": "approve", **selected})
    assert approved[0] == 302, approved[2]

    assert "A first comment, held." in Browser("203.0.113.52").get(article_on_b)[2]

    removal = {"action": "remove", "confirm": "yes", "reason": "Off topic", **selected}
    assert desk.post_form(queue, queue, removal)[0] == 302
    page_on_b = Browser("203.0.113.53").get(article_on_b)[2]
    assert "A first comment, held." not in page_on_b
    assert "Comment removed by the moderators (Off topic)" in page_on_b


@pytest.mark.parametrize("two_servers", ["redis", "database"], indirect=True)
def test_one_network_recommends_only_so_often_across_both_servers(
    request, two_servers, mistral, make_comment, redis_server
):
    a, b = two_servers
    comments = [make_comment(mistral, author_name=f"Reader {n}") for n in range(4)]
    page = mistral.get_absolute_url()

    # Four browsers (four recommender cookies) on one network, taking turns between servers.
    statuses = [
        Browser("198.51.100.7").post_form(
            server + page, server + "/comments/recommend/", {"comment": comment.pk}
        )[0]
        for server, comment in zip([a, b, a, b], comments, strict=True)
    ]

    assert statuses == [303, 303, 303, 429]
    other_network = Browser("198.51.100.8")
    assert (
        other_network.post_form(b + page, b + "/comments/recommend/", {"comment": comments[3].pk})[
            0
        ]
        == 303
    )
    assert sorted(
        Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list(
            "recommend_count", flat=True
        )
    ) == [1, 1, 1, 1]
    counted_in = request.node.callspec.params["two_servers"]
    in_redis = redis.Redis.from_url(redis_server).keys("mistralnews:rate:recommend:*")
    assert bool(in_redis) == (counted_in == "redis")
