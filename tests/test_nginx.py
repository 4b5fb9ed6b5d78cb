"""deploy/nginx.conf in front of gunicorn: slow clients no longer take the site down.

gunicorn's sync workers serve one connection each, for as long as its client takes. These
tests fill in the shipped configuration's ${...} names for loopback (a throwaway certificate for
localhost, free ports), run Debian's nginx with it in front of gunicorn with 2 workers as
`make serve` runs it, and hold slow clients open against each. Run them alone, with their
figures, with `make test-nginx`.
"""

import gzip
import http.client
import re
import select
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests import servers
from tests.conftest import MISTRAL_SLUG

pytestmark = pytest.mark.nginx

NGINX = Path("/usr/sbin/nginx")
SHIPPED = settings.BASE_DIR / "deploy" / "nginx.conf"
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
# The default server's, first in the file: it bounds the handshake and the first header.
HEADER_TIMEOUT = int(re.search(r"client_header_timeout (\d+)s;", SHIPPED.read_text())[1])
ARTICLE = f"/articles/{MISTRAL_SLUG}/"
EACH_KIND = 4
READERS = 20
# openssl arguments for a throwaway certificate for localhost.
SELF_SIGNED = (
    "req -x509 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost "
    "-newkey ec -pkeyopt ec_paramgen_curve:P-256"
)


def render(text, values):
    """deploy/nginx.conf with its ${NAMES} filled in, as the envsubst command at its top does."""
    assert set(PLACEHOLDER.findall(text)) == set(values)
    # envsubst also fills in $NAME, as in the command's own comment.
    either = "|".join(values)
    names = re.compile(rf"\$(?:\{{({either})\}}|({either})\b)")
    return names.sub(lambda found: values[found[1] or found[2]], text)


@dataclass
class Site:
    app_port: int
    http_port: int
    https_port: int
    tls: ssl.SSLContext
    gunicorn_log: Path

    def over_https(self, timeout=5):
        return http.client.HTTPSConnection(
            "localhost", self.https_port, context=self.tls, timeout=timeout
        )

    def at_gunicorn(self, timeout=5):
        return http.client.HTTPConnection("127.0.0.1", self.app_port, timeout=timeout)

    def tls_socket(self):
        raw = socket.create_connection(("127.0.0.1", self.https_port), timeout=5)
        return self.tls.wrap_socket(raw, server_hostname="localhost")

    def gunicorn_socket(self):
        return socket.create_connection(("127.0.0.1", self.app_port), timeout=5)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn (2 sync workers, production settings, told it has one proxy in front) and
    nginx with the shipped configuration in front of it, HTTPS for localhost."""
    if not NGINX.exists():
        pytest.skip("nginx is not installed (Debian package; `make install-nginx`)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (Debian package; `make install-nginx`)")
    folder = tmp_path_factory.mktemp("nginx")
    env = servers.production_env(
        DJANGO_SECRET_KEY="tests-only-not-a-secret",
        DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
        DJANGO_SITE_URL="https://localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DATABASE_URL=f"sqlite:///{folder}/news.sqlite3",
    )
    servers.manage("collectstatic", "--no-input", env=env)
    servers.manage("migrate", "--no-input", env=env)
    servers.manage("seed", env=env)
    certificate, key = folder / "localhost.pem", folder / "localhost.key"
    subprocess.run(
        [shutil.which("openssl"), *SELF_SIGNED.split(), "-keyout", key, "-out", certificate],
        check=True,
        capture_output=True,
        timeout=30,
    )
    http_port = servers.free_port()
    https_port = servers.free_port()
    while https_port == http_port:
        https_port = servers.free_port()
    with servers.Gunicorn(env, folder / "gunicorn.log", workers=2) as gunicorn:
        conf = folder / "mistralnews.conf"
        values = {
            "SERVER_NAME": "localhost",
            "HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "UPSTREAM": gunicorn.url.removeprefix("http://"),
            "TLS_CERTIFICATE": str(certificate),
            "TLS_CERTIFICATE_KEY": str(key),
            "MEDIA_ROOT": str(folder / "media"),
        }
        conf.write_text(render(SHIPPED.read_text(), values))
        with servers.nginx(str(NGINX), folder, conf, https_port):
            yield Site(
                app_port=int(gunicorn.url.rsplit(":", 1)[1]),
                http_port=http_port,
                https_port=https_port,
                tls=ssl.create_default_context(cafile=certificate),
                gunicorn_log=gunicorn.log_path,
            )


def fetch(connection, path, headers=None, method="GET"):
    """Send one request on `connection` and read the whole answer: (response, body, seconds)."""
    started = time.monotonic()
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response, body, time.monotonic() - started


# Requests never finished: half stall in their headers, half in a comment's body (with a CSRF
# cookie, so that Django reads the body; it would never be accepted).
STALLED = {
    "header": b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ",
    "body": (
        f"POST {ARTICLE}comments/ HTTP/1.1\r\nHost: localhost\r\n"
        f"Cookie: csrftoken={'a' * 32}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    ).encode(),
}


@dataclass
class SlowClient:
    kind: str
    sock: socket.socket
    hung_up_after: float | None = None


class SlowClients:
    """EACH_KIND clients of each kind in STALLED, sending one more byte every second from a
    thread of their own, and noting when the server hangs up on one."""

    def __init__(self, connect):
        self.started = time.monotonic()
        self.clients = []
        self.done = threading.Event()
        try:
            for kind, start in STALLED.items():
                for _ in range(EACH_KIND):
                    client = SlowClient(kind, connect())
                    self.clients.append(client)
                    client.sock.sendall(start)
        except BaseException:
            self.close()
            raise
        self.thread = threading.Thread(target=self._dribble, daemon=True)
        self.thread.start()

    def _dribble(self):
        while not self.done.wait(1):
            for client in self.clients:
                if client.hung_up_after is not None:
                    continue
                try:
                    if hung_up(client.sock):
                        client.hung_up_after = time.monotonic() - self.started
                    else:
                        client.sock.sendall(b"a")
                except OSError:
                    client.hung_up_after = time.monotonic() - self.started

    def of_kind(self, kind):
        return [client for client in self.clients if client.kind == kind]

    def close(self):
        self.done.set()
        if getattr(self, "thread", None) is not None:
            self.thread.join(timeout=5)
        for client in self.clients:
            client.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def hung_up(sock):
    """True once the server has closed `sock` or answered on it (which it does only to close)."""
    if not select.select([sock], [], [], 0)[0]:
        return False
    try:
        sock.recv(4096)
    except TimeoutError:  # a TLS record not whole yet
        return False
    except OSError:
        pass
    return True


def test_slow_clients_hold_connections_of_nginx_not_workers_of_gunicorn(site):
    with SlowClients(site.tls_socket) as at_nginx:
        time.sleep(1.5)  # a byte or two more each: nginx holds eight stalled requests

        # Readers are served as if nobody else were there.
        seconds = []
        for _ in range(READERS):
            response, body, elapsed = fetch(site.over_https(), ARTICLE)
            assert response.status == 200
            assert b"Post a Comment" in body
            seconds.append(elapsed)
        assert max(seconds) < 2

        # The same clients sent to gunicorn itself: its two workers each wait on one of them,
        # the rest and every reader wait in line.
        with SlowClients(site.gunicorn_socket):
            time.sleep(1)
            started = time.monotonic()
            with pytest.raises(TimeoutError):
                fetch(site.at_gunicorn(timeout=3), ARTICLE)
            waited = time.monotonic() - started
        response, _, after_hang_up = fetch(site.at_gunicorn(), ARTICLE)
        assert response.status == 200

        # nginx hangs up on a header that is not whole within client_header_timeout...
        stalled_headers = at_nginx.of_kind("header")
        deadline = at_nginx.started + HEADER_TIMEOUT + 4
        while time.monotonic() < deadline and any(c.hung_up_after is None for c in stalled_headers):
            time.sleep(0.2)
        header_hang_ups = [client.hung_up_after for client in stalled_headers]
        assert None not in header_hang_ups
        assert all(HEADER_TIMEOUT - 1 <= after <= HEADER_TIMEOUT + 3 for after in header_hang_ups)
        # ...and keeps a body that keeps coming (client_body_timeout is a pause between two
        # reads), which costs it a connection, and gunicorn nothing.
        assert all(client.hung_up_after is None for client in at_nginx.of_kind("body"))

    seconds.sort()
    print(
        f"{EACH_KIND} clients stalled in their headers and {EACH_KIND} in their bodies, "
        f"a byte a second; gunicorn with 2 sync workers.\n"
        f"Behind nginx: {READERS} readers' GETs of the article page answered in "
        f"{seconds[0] * 1000:.0f} to {seconds[-1] * 1000:.0f} ms "
        f"(median {seconds[len(seconds) // 2] * 1000:.0f} ms); nginx hung up on the stalled "
        f"headers after {min(header_hang_ups):.1f} to {max(header_hang_ups):.1f} s "
        f"(client_header_timeout {HEADER_TIMEOUT}s) and still holds the stalled bodies.\n"
        f"gunicorn alone: a reader's GET had no answer after {waited:.1f} s; once the slow "
        f"clients hung up, one was answered in {after_hang_up * 1000:.0f} ms."
    )


def test_request_bodies_larger_than_the_site_takes_are_refused_by_nginx(site):
    connection = site.over_https()
    try:
        connection.putrequest("POST", f"{ARTICLE}comments/")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(2 * 1024 * 1024))
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()

    # From nginx, at the headers: Django would have read the body and answered 400.
    assert response.status == 413
    assert b"413 Request Entity Too Large" in body


def test_pages_come_through_as_https_compressed_and_revalidated(site):
    response, body, _ = fetch(site.over_https(), ARTICLE, {"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    # Django knows the reader came over HTTPS (X-Forwarded-Proto): HSTS, https:// links.
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
    html = gzip.decompress(body).decode()
    assert f'<link rel="canonical" href="https://localhost{ARTICLE}">' in html

    first, _, _ = fetch(site.over_https(), "/", {"Accept-Encoding": "gzip"})
    again, _, _ = fetch(
        site.over_https(),
        "/",
        {"Accept-Encoding": "gzip", "If-None-Match": first.getheader("ETag")},
    )
    assert first.getheader("ETag").startswith('W/"')
    assert again.status == 304

    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)[1]
    response, body, _ = fetch(site.over_https(), stylesheet, {"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Cache-Control") == "max-age=315360000, public, immutable"
    assert b".site-header" in gzip.decompress(body)


def test_plain_http_is_redirected_to_https(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=5)
    response, _, _ = fetch(connection, "/search/?q=mistral", {"Host": "localhost"})

    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/search/?q=mistral"


def test_other_host_names_are_turned_away_before_django(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=5)
    with pytest.raises(http.client.RemoteDisconnected):
        fetch(connection, "/", {"Host": "203.0.113.7"})
    raw = socket.create_connection(("127.0.0.1", site.https_port), timeout=5)
    unchecked = ssl.create_default_context()
    unchecked.check_hostname = False
    unchecked.verify_mode = ssl.CERT_NONE
    with raw, pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
        unchecked.wrap_socket(raw, server_hostname="news.example.org")

    assert "Invalid HTTP_HOST" not in site.gunicorn_log.read_text()


def test_the_documented_envsubst_command_fills_in_every_name():
    envsubst = shutil.which("envsubst")
    if envsubst is None:
        pytest.skip("envsubst is not installed (Debian package gettext-base)")
    text = SHIPPED.read_text()
    names = re.search(r"envsubst '([^']+)'", text)[1]
    values = {name: f"value-of-{name.lower()}" for name in PLACEHOLDER.findall(text)}

    result = subprocess.run(
        [envsubst, names], input=text, env=values, capture_output=True, text=True, check=True
    )

    assert result.stdout == render(text, values)
    assert "$host" in result.stdout  # nginx's own variables are left alone
