"""Real servers for the tests and benchmarks that need them: redis-server, gunicorn and nginx,
on loopback only, and fresh databases for them.

Each server is started on a free 127.0.0.1 port, waited for with a bounded timeout, and
stopped by its process id.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis
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
    ours = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "COMMENTS_", "EMAIL_URL", "DEFAULT_FROM_EMAIL")
    clean = {name: value for name, value in os.environ.items() if not name.startswith(ours)}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "mistralnews.settings",
        "EMAIL_URL": "dummymail://",
        "DEFAULT_FROM_EMAIL": "news@localhost",
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
            if access_log:
                self.answered(1)  # the request that found it answering
        except BaseException:
            self.stop()
            raise

    def _answers(self):
        try:
            with urllib.request.urlopen(self.url + "/", timeout=2):
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
            entries += [ACCESS_LOG_LINE.fullmatch(line.decode().rstrip()) for line in complete]
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
