"""Real servers for the tests and benchmarks that need them: redis-server, gunicorn, nginx, an
SMTP server, the task worker and an S3-compatible server (moto's), on loopback only, and fresh
databases for them.

Each server is started on a free 127.0.0.1 port, waited for with a bounded timeout, and
stopped by its process id.
"""

import asyncio
import email
import email.policy
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from psycopg import sql

STARTUP_TIMEOUT = 30
# What a test asks to learn that a server answers.
PROBE = "/healthz"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(**variables):
    """The environment of a production process: this one's, less every setting of ours, with
    email going nowhere unless `variables` say otherwise."""
    ours = (
        "DJANGO_", "DATABASE_URL", "REDIS_URL", "COMMENTS_", "EMAIL_URL", "DEFAULT_FROM_EMAIL",
        "MEDIA_S3_",
    )  # fmt: skip
    clean = {name: value for name, value in os.environ.items() if not name.startswith(ours)}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "mistralnews.settings",
        "EMAIL_URL": "dummymail://",
        "DEFAULT_FROM_EMAIL": "news@localhost",
        # Editors in these processes log in with their password alone (the browser tests,
        # the scale-out test); tests/test_two_factor.py checks the second step.
        "DJANGO_DESK_REQUIRE_2FA": "0",
        **variables,
    }


def manage(*args, env, stdin=None):
    """Run `manage.py` with `args` in a process of its own, `stdin` its input; fail with its
    output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def run_python(code, *args, env):
    """Run `python -c code args` in the project's folder to its end; its output, or fail with
    its errors."""
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def python(code, *args, env, **options):
    """Start `python -c code args` in the project's folder, its output piped as text."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def _wait_until(ready, process, what, log_path):
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {log_path.read_text()}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within {STARTUP_TIMEOUT} s: {log_path.read_text()}")


def _stop(process, kill=None):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        (kill or process.kill)()
        process.wait(timeout=10)


@contextmanager
def redis_server(binary, folder):
    """A redis-server that keeps nothing on disk; yields its URL."""
    port = free_port()
    log_path = folder / "redis.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"redis://127.0.0.1:{port}/0"

    def answers():
        try:
            return redis.Redis.from_url(url, socket_timeout=1).ping()
        except redis.ConnectionError:
            return False

    try:
        _wait_until(answers, process, "redis-server", log_path)
        yield url
    finally:
        _stop(process)


@contextmanager
def s3_server(folder):
    """moto's S3-compatible server, keeping its buckets in memory; yields its endpoint URL.
    Any access key is accepted; POST /moto-api/reset empties it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "s3.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def answers():
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1):
                return True
        except OSError:
            return False

    try:
        _wait_until(answers, process, "moto's S3 server", log_path)
        yield url
    finally:
        _stop(process)


# The main context a system's nginx.conf would give a site's server configuration: everything
# nginx writes stays in its prefix folder. As root, nginx's workers would switch to `nobody`,
# who may not write there.
NGINX_MAIN = """\
{user}
worker_processes 1;
pid nginx.pid;
error_log error.log info;
events {{
    worker_connections 256;
}}
http {{
    access_log off;
    client_body_temp_path temp/client_body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;
    include {site};
}}
"""


@contextmanager
def nginx(binary, folder, site_conf, port):
    """Debian's nginx serving the server configuration `site_conf` (a file), its prefix and
    logs in `folder`, in the foreground; started once it accepts connections on `port`."""
    (folder / "temp").mkdir()
    main_conf = folder / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    main_conf.write_text(NGINX_MAIN.format(user=user, site=site_conf))
    log_path = folder / "nginx.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [binary, "-p", f"{folder}/", "-c", str(main_conf), "-g", "daemon off;"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def accepts():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    try:
        _wait_until(accepts, process, "nginx", log_path)
        yield process
    finally:
        _stop(process)


# An access-log line: the id of the worker process that answered, the status, the request line.
ACCESS_LOG_FORMAT = "%(p)s %(s)s %(r)s"
ACCESS_LOG_LINE = re.compile(r"<(?P<pid>\d+)> (?P<status>\d+) (?P<request>.*)")


class Gunicorn:
    """`mistralnews.wsgi` under gunicorn with `workers` sync workers, started and answering.
    Its site URL (DJANGO_SITE_URL) is its own address unless `env` names another.

    The master and its workers form a process group of their own, so `kill()` can crash them
    all at once as a power cut or the OOM killer would. Given `access_log` (a path), each
    answer is logged there with the worker that gave it (`answered()`).
    """

    def __init__(self, env, log_path, workers=1, access_log=None):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {"DJANGO_SITE_URL": self.url, **env}
        self.log_path = log_path
        self.access_log = access_log
        self._access_log_read = 0
        logging = []
        if access_log:
            logging = ["--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT]
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "mistralnews.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    # Else every instance on the machine shares ~/.gunicorn/gunicorn.ctl.
                    "--no-control-socket",
                    *logging,
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_until(self._answers, self.process, "gunicorn", log_path)
        except BaseException:
            self.stop()
            raise

    def _answers(self):
        try:
            with urllib.request.urlopen(self.url + PROBE, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def answered(self, count):
        """The next `count` answers in the access log, as (worker pid, status, request line).
        A worker logs an answer just after sending it: this waits for it (a bounded time)."""
        entries = []
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while len(entries) < count and time.monotonic() < deadline:
            with self.access_log.open("rb") as log:
                log.seek(self._access_log_read)
                lines = log.read().splitlines(keepends=True)[: count - len(entries)]
            complete = [line for line in lines if line.endswith(b"\n")]
            self._access_log_read += sum(map(len, complete))
            logged = [ACCESS_LOG_LINE.fullmatch(line.decode().rstrip()) for line in complete]
            # Probes that found it answering (one may time out and be sent again) are not
            # among the answers a test counts.
            entries += [entry for entry in logged if f" {PROBE} " not in entry["request"]]
            if len(entries) < count:
                time.sleep(0.01)
        assert len(entries) == count, f"{len(entries)} of {count} answers logged"
        return [(int(entry["pid"]), int(entry["status"]), entry["request"]) for entry in entries]

    def worker_pids(self):
        """The process ids of the master's children, its workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill(self):
        """SIGKILL the master and every worker at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        """Stop gracefully, or kill the whole group if that takes too long."""
        _stop(self.process, kill=self.kill)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


@contextmanager
def gunicorn(env, log_path, workers=1):
    """`mistralnews.wsgi` under gunicorn; yields its base URL."""
    with Gunicorn(env, log_path, workers) as server:
        yield server.url


@contextmanager
def fresh_database(folder, server_url=None):
    """An empty database, yielded as a DATABASE_URL: a new SQLite file in `folder`, or, given
    `server_url` (a PostgreSQL DATABASE_URL), a new database on that server, dropped after."""
    if server_url is None:
        yield f"sqlite:///{folder}/{secrets.token_hex(4)}.sqlite3"
        return
    name = f"mistralnews_{secrets.token_hex(6)}"
    with psycopg.connect(server_url, autocommit=True) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server_url, autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


class SMTPServer:
    """An SMTP server (aiosmtpd) on a free loopback port, in a thread of its own, keeping every
    message it accepts in `messages` (parsed, `email.message.EmailMessage`).

    It answers RCPT for an address in `refused` with 550, and the next N tries for an address
    in `deferred` ({address: N}) with 451; both may change while it runs. While `hold()` is on,
    it keeps each message as its DATA ends but waits to answer (`receiving` is then set), as a
    slow server would: a sender that dies meanwhile cannot know whether it was taken.
    """

    def __init__(self):
        self.messages = []
        self.refused = set()
        self.deferred = {}
        self.receiving = threading.Event()
        self._held = threading.Event()
        self.port = free_port()
        self._controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def url(self):
        """EMAIL_URL for it: plain SMTP, fit for loopback only."""
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address):
        """The messages accepted for `address`."""
        return [message for message in self.messages if message["To"] == address]

    def wait_for(self, count, timeout=STARTUP_TIMEOUT):
        """Wait (a bounded time) until `count` messages were accepted; answers them all."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} messages arrived"
        return list(self.messages)

    @contextmanager
    def hold(self):
        self._held.set()
        try:
            yield
        finally:
            self._held.clear()

    def stop(self):
        self._held.clear()
        self._controller.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


class _Collector:
    """aiosmtpd's handler for SMTPServer."""

    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.refused:
            return "550 5.1.1 No such mailbox"
        if self.server.deferred.get(address, 0) > 0:
            self.server.deferred[address] -= 1
            return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.server.messages.append(parsed)
        self.server.receiving.set()
        while self.server._held.is_set():
            await asyncio.sleep(0.02)
        return "250 Message accepted"


class TaskWorker:
    """The task worker, `manage.py db_worker`, polling every `interval` seconds, with `env`
    (production settings), its output in `log_path`. Its process group is its own, so `kill()`
    can crash it as a power cut or the OOM killer would."""

    def __init__(self, env, log_path, interval=0.1):
        self.log_path = log_path
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "manage.py", "db_worker", "--interval", str(interval),
                    "--no-startup-delay", "--no-reload",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            _wait_until(self._started, self.process, "db_worker", log_path)
        except BaseException:
            self.kill()
            raise

    def _started(self):
        return "Starting worker" in self.log_path.read_text()

    def kill(self):
        """SIGKILL it, wherever it is."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        """Stop it gracefully (it finishes the task it runs), or kill it if that takes long."""
        if self.process.poll() is None:
            _stop(self.process, kill=self.kill)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
