"""Browser tests: the site as production runs it (gunicorn, production settings, collected
static files, SQLite) in Debian's Chromium, driven by Playwright.

Each test module gets its own servers, on fresh copies of one seeded database (the Mistral
article and an editor's account). Every browser context a test opens records what the
browser did, and when the test ends every request must have gone to the site itself, and no
page may have had a JavaScript error, a console error, a CSP violation, a dialog or a call to
alert/confirm/prompt/print/console.

`make e2e` runs them (marker `e2e`); `make test` leaves them out.
"""

import re
import sqlite3
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from tests import servers
from tests.conftest import MISTRAL_SLUG, comment_form_data

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
MISTRAL = f"/articles/{MISTRAL_SLUG}/"
SECRET = "tests-only-not-a-secret"
# Bounds every wait: page loads, clicks, expectations.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class Editor:
    username: str
    email: str
    password: str


EDITOR = Editor("desk", "desk@example.com", "e2e-only-not-a-secret-7q")


# --- The site -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteTemplate:
    env: dict
    database: Path


@dataclass(frozen=True)
class Site:
    url: str  # http://127.0.0.1:<port>, no trailing slash


@pytest.fixture(scope="session")
def site_template(tmp_path_factory):
    """Collected static files and a migrated database with the Mistral article and an editor,
    made once and copied for every server."""
    folder = tmp_path_factory.mktemp("site")
    database = folder / "template.sqlite3"
    env = servers.production_env(
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        COMMENTS_RATE_LIMIT="off",
    )
    # Each server's site URL is its own address (servers.Gunicorn); commands need one too.
    seeding = {
        **env,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SITE_URL": "http://127.0.0.1",
    }
    servers.manage("collectstatic", "--no-input", env=seeding)
    servers.manage("migrate", "--no-input", env=seeding)
    servers.manage("seed", env=seeding)
    servers.manage(
        "create_editor", EDITOR.username, "--email", EDITOR.email, "--password-stdin",
        env=seeding, stdin=EDITOR.password + "\n",
    )  # fmt: skip
    return SiteTemplate(env, database)


@contextmanager
def running_site(template, folder, moderation, **settings):
    """gunicorn on a fresh copy of the template database (`folder`/news.sqlite3), under
    `moderation` policy, with more `settings` (environment variables) if given."""
    database = folder / "news.sqlite3"
    with sqlite3.connect(template.database) as source, sqlite3.connect(database) as copy:
        source.backup(copy)
    env = {**template.env, **settings, "DATABASE_URL": f"sqlite:///{database}"}
    env["COMMENTS_MODERATION"] = moderation
    with servers.gunicorn(env, folder / "gunicorn.log") as url:
        yield Site(url)


@pytest.fixture(scope="module")
def open_site(site_template, tmp_path_factory):
    """The site publishing comments at once, flood control off."""
    with running_site(site_template, tmp_path_factory.mktemp("open"), "open") as site:
        yield site


@pytest.fixture(scope="module")
def first_time_site(site_template, tmp_path_factory):
    """The site holding a first comment from an email until an editor approves it."""
    with running_site(site_template, tmp_path_factory.mktemp("held"), "first-time") as site:
        yield site


# --- The browser ----------------------------------------------------------------------------

REPORT = "__e2eReport"
# Runs in every frame before the page's own scripts. Nothing of ours calls these functions,
# so a call means a script the site did not write ran.
WATCH_SCRIPT = """
(() => {
  const report = (kind, detail) => window.REPORT(kind, String(detail));
  document.addEventListener('securitypolicyviolation', (event) => report('csp',
    `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} on ${event.documentURI}`
  ), true);
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const original = window[name];
    window[name] = function (...args) {
      report('script', `${name}(${args.join(', ')}) on ${location.href}`);
      return original.apply(this, args);
    };
  }
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) {
    const original = console[name];
    console[name] = function (...args) {
      report('script', `console.${name}(${args.join(', ')}) on ${location.href}`);
      return original.apply(this, args);
    };
  }
})();
""".replace("REPORT", REPORT)
# The message Chromium logs for any response with an error status, pages included.
ERROR_STATUS = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")


class BrowserLog:
    """What the site made one browser context do: requests, errors, CSP violations, dialogs
    and calls to alert & co."""

    def __init__(self, origin):
        self.origin = origin
        self.requests = []  # (resource type, URL)
        self.foreign_requests = []
        self.error_pages = {}  # URL of a page answered with a 4xx status: the status
        # URL a script's request is expected to be answered with a 4xx status (a form sent
        # with mistakes): the status, which the test checks itself (expect_error).
        self.expected_errors = {}
        self.problems = []

    def watch(self, context):
        context.expose_binding(REPORT, self._report)
        context.add_init_script(WATCH_SCRIPT)
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("console", self._console)
        context.on(
            "weberror", lambda error: self.problems.append(f"JavaScript error: {error.error}")
        )
        context.on("dialog", self._dialog)
        # Whatever a page asks of another host goes nowhere (and is recorded above).
        context.route(lambda url: not self.is_ours(url), lambda route: route.abort())

    def expect_error(self, url, status):
        """A script's request to `url` is to be answered with `status` (4xx)."""
        self.expected_errors[url] = status

    def is_ours(self, url):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    @property
    def csp_violations(self):
        return [problem for problem in self.problems if problem.startswith("CSP violation")]

    def _report(self, _source, kind, detail):
        label = {"csp": "CSP violation", "script": "script ran"}[kind]
        self.problems.append(f"{label}: {detail}")

    def _request(self, request):
        self.requests.append((request.resource_type, request.url))
        if not self.is_ours(request.url):
            self.foreign_requests.append((request.resource_type, request.url))

    def _response(self, response):
        request = response.request
        if response.status < 400:
            return
        if request.resource_type == "document" and response.status < 500:
            self.error_pages[response.url] = response.status  # the test checks its status
        elif self.expected_errors.get(response.url) != response.status:
            self.problems.append(f"{response.status} for {request.resource_type} {response.url}")

    def _console(self, message):
        if message.type != "error":
            return
        status = ERROR_STATUS.match(message.text)
        url = message.location.get("url", "")
        expected = {**self.error_pages, **self.expected_errors}.get(url.split("#")[0])
        if status and expected == int(status[1]):
            return  # the page's own status, already recorded, or one a test expects
        self.problems.append(f"console error on {url}: {message.text}")

    def _error(self, web_error):
        self.problems.append(f"JavaScript error: {web_error.error}")

    def _dialog(self, dialog):
        self.problems.append(f"dialog: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def assert_clean(self):
        foreign = [f"{kind} request to {url}" for kind, url in self.foreign_requests]
        assert foreign + self.problems == [], "the browser recorded problems"


@dataclass
class BrowserSession:
    """One person's browser: a Playwright context, its first tab, and what it recorded."""

    context: object
    page: object
    log: BrowserLog


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium (as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000
        )
        yield browser
        browser.close()


@contextmanager
def recorded_browser(chromium, site, *, javascript=True, **options):
    """A new browser (context) on `site` with one tab, recording what it does; when the block
    ends without an error, its log must be clean."""
    context = chromium.new_context(base_url=site.url, java_script_enabled=javascript, **options)
    context.set_default_timeout(TIMEOUT_MS)
    log = BrowserLog(site.url)
    log.watch(context)
    try:
        yield BrowserSession(context, context.new_page(), log)
        for page in context.pages:
            settle(page)
    finally:
        context.close()
    log.assert_clean()


@pytest.fixture
def browse(chromium):
    """Open a browser on a site: `browse(site, javascript=False, color_scheme="dark")`.
    When the test ends, each browser's log must be clean."""
    with ExitStack() as browsers:
        yield lambda site, **options: browsers.enter_context(
            recorded_browser(chromium, site, **options)
        )


def settle(page):
    """Wait until what the page reported so far has reached the log: a round trip to the page
    (with JavaScript off too, where timers never fire)."""
    page.evaluate("0")


# --- What readers and editors do, without the browser's help --------------------------------


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def post_comment(context, article_path=MISTRAL, *, token=None, **fields):
    """Send the "Post a Comment" form with this browser's cookies and CSRF token (`token`, or
    one from the article page), as its form would, through the real endpoint; returns the
    stored comment's id."""
    token = token or csrf_token(context.request.get(article_path).text())
    response = context.request.post(
        f"{article_path}comments/",
        form={"csrfmiddlewaretoken": token, **comment_form_data(**fields)},
        max_redirects=0,
    )
    assert response.status == 303, response.text()
    return int(re.search(r"#comment-(\d+)$", response.headers["location"])[1])


def log_in(page):
    """Log this tab's browser into the admin as the editor."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(EDITOR.username)
    page.get_by_label("Password").fill(EDITOR.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def moderate(context, comment, action, reason=""):
    """Apply an action of the comment queue to one comment, as the queue's form does, with the
    cookies of a browser logged in as the editor."""
    queue = "/admin/comments/comment/?status=all"
    data = {
        "csrfmiddlewaretoken": csrf_token(context.request.get(queue).text()),
        "action": action,
        "index": "0",
        "select_across": "0",
        "_selected_action": str(comment),
    }
    if action == "remove":
        data |= {"confirm": "yes", "reason": reason}
    response = context.request.post(queue, form=data, max_redirects=0)
    assert response.status == 302, response.text()


@pytest.fixture(scope="module")
def discussed_site(open_site, chromium):
    """The open site with a discussion under the Mistral article: an answer to each question,
    a reply, a general comment, and a comment the editors removed."""
    with (
        recorded_browser(chromium, open_site) as readers,
        recorded_browser(chromium, open_site) as desk,
    ):
        questions = re.findall(r'id="question-(\d+)"', readers.context.request.get(MISTRAL).text())
        answer = post_comment(
            readers.context,
            question=questions[0],
            author_name="Ada Lovelace",
            author_email="ada@example.com",
            body="A lab that answers to *European* law matters more than its size.\n\n"
            "> Sovereignty is a supply chain, not a slogan.\n\n"
            "See the [AI Act](https://example.org/ai-act) for what that law asks.",
        )
        post_comment(
            readers.context,
            parent=str(answer),
            author_name="Grace Hopper",
            author_email="grace@example.com",
            body="Agreed, and **open weights** let anyone check the claims.",
        )
        post_comment(
            readers.context,
            question=questions[1],
            author_name="Hedy Lamarr",
            author_email="hedy@example.com",
            body="Three things I would publish:\n\n- who uses it\n- for what\n- with which data",
        )
        post_comment(
            readers.context,
            author_name="Alan Turing",
            author_email="alan@example.com",
            body="The interesting question is which models run `on-premises` at all.",
        )
        removed = post_comment(
            readers.context,
            author_name="Spam Sam",
            author_email="sam@example.com",
            body="Buy cheap GPUs!",
        )
        log_in(desk.page)
        moderate(desk.context, removed, "remove", "advertising")
    return open_site


# --- Accessibility ------------------------------------------------------------------------

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make e2e` installs it (npm ci)")
    return AXE.read_text()


def run_axe(page, axe_source, *, preload=True):
    """What axe-core finds on the page as it is now: {rule id: [element selectors]}."""
    page.evaluate(axe_source)
    results = page.evaluate(
        """([tags, preload]) => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], preload,
        })""",
        [WCAG_21_AA, preload],
    )
    return {
        violation["id"]: [" ".join(node["target"]) for node in violation["nodes"]]
        for violation in results["violations"]
    }
