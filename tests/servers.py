"""Real servers for the tests that need them: redis-server and gunicorn, on loopback only.

Each is started on a free 127.0.0.1 port, waited for with a bounded timeout, and stopped by
its process id.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import redis
from django.conf import settings

STARTUP_TIMEOUT = 30


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(**variables):
    """The environment of a production process: this one's, less every setting of ours."""
    ours = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "COMMENTS_")
    clean = {name: value for name, value in os.environ.items() if not name.startswith(ours)}
    return {**clean, "DJANGO_SETTINGS_MODULE": "mistralnews.settings", **variables}


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


def _wait_until(ready, process, what, log_path):
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {log_path.read_text()}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within {STARTUP_TIMEOUT} s: {log_path.read_text()}")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
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
def gunicorn(env, log_path):
    """`mistralnews.wsgi` under gunicorn with one worker; yields its base URL."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "mistralnews.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                # Else every instance on the machine shares ~/.gunicorn/gunicorn.ctl.
                "--no-control-socket",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    try:
        _wait_until(answers, process, "gunicorn", log_path)
        yield url
    finally:
        _stop(process)
