"""`make bench`: the site's pages under gunicorn and wrk, against the framework floor.

For each comment count (0, 200 and 2,000 by default) it builds a temporary SQLite database
with the Mistral article and that many threaded comments, serves it with gunicorn (production
settings, 2 sync workers) on a free loopback port, and loads it with wrk (2 threads, 16
connections) for 10 s after a 2 s warm-up: the article page with the cache on and off, then
the home page, the site feed, robots.txt (a template and nothing else of ours but the
middleware: the framework's own cost) and comment POSTs (flood control off). In the same run
the floor, bench/floor.py under the same gunicorn settings, serves a constant body of each
page's size.
It prints one table (req/s, p50, p99, bytes, queries, ratio to the floor) and the workers'
memory after the run. Everything listens on 127.0.0.1 and is stopped by its process id.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's folder, for tests.servers (the environment of a production process).
sys.path.insert(0, str(ROOT))
from tests import servers  # noqa: E402

BIN = Path(sys.executable).parent
SLUG = "europes-23-billion-ai-powerhouse-mistral-is-growing-fast"
ARTICLE = f"/articles/{SLUG}/"
WORKERS = 2
THREADS, CONNECTIONS = 2, 16
STARTUP_TIMEOUT = 30
# robots.txt is a template and nothing else: Django's own floor, with all our middleware.
LABELS = {"robots": "robots.txt (Django's floor)"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_env(database, static_root, **variables):
    """Production settings for a throwaway site: our settings from nothing but these."""
    return servers.production_env(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        DJANGO_SITE_URL="http://127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DATABASE_URL=f"sqlite:///{database}",
        COMMENTS_MODERATION="open",
        COMMENTS_RATE_LIMIT="off",
        **variables,
    )


def run(*command, env, capture=True, root=ROOT):
    """Run `command` in the checkout `root` (this one unless told); its output, or exit."""
    result = subprocess.run(command, cwd=root, env=env, capture_output=capture, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def manage(*args, env, root=ROOT):
    return run(sys.executable, "manage.py", *args, env=env, root=root)


def site_task(*args, env, root=ROOT):
    return run(sys.executable, "bench/site_tasks.py", *args, env=env, root=root)


@contextmanager
def gunicorn(app, env, log_path, root=ROOT):
    """gunicorn serving `app` of the checkout `root` (this one unless told) with the site's
    production worker settings; yields its URL and the master's process id."""
    port = free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
             "--no-control-socket", "--chdir", root],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"gunicorn {app} did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield url, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_rss_mb(master_pid):
    """Resident memory of each worker of a gunicorn master, in MB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


def worker_cpu_seconds(master_pid):
    """The processor time (user and system) the workers of a gunicorn master have used."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(master_pid):  # ppid; utime and stime follow at 11 and 12
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, duration, warmup, script=None, script_args=(), measuring=nullcontext):
    """Requests per second and latency percentiles (ms) from a wrk run after a warm-up.
    A script gets `script_args` and a word of its own for each run (posts stay unique).
    `measuring()`: a context manager around the measured run, without the warm-up."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", "--latency"]
    if script:
        command += ["-s", str(ROOT / script)]

    def tail():
        return ["--", *script_args, secrets.token_hex(4)] if script else []

    subprocess.run([*command, f"-d{warmup}s", url, *tail()], capture_output=True, check=True)
    with measuring():
        output = subprocess.run(
            [*command, f"-d{duration}s", url, *tail()], capture_output=True, text=True, check=True
        ).stdout

    def latency(percent):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if found is None:
            sys.exit(f"Unexpected wrk output for {url}:\n{output}")
        return float(found[1]) * WRK_UNITS[found[2]]

    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": latency(50),
        "p99": latency(99),
        "failed": int(failures[1]) if failures else 0,
        "socket_errors": errors[0] if errors else "",
    }


def csrf_for(url):
    """A CSRF cookie and form token, as a reader's browser gets them from the article page."""
    with urllib.request.urlopen(url + ARTICLE, timeout=10) as response:
        cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"])[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    return token[1], cookie


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", default="0,200,2000", help="comment counts (0,200,2000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up before it")
    options = parser.parse_args()
    counts = [int(count) for count in options.comments.split(",")]
    if shutil.which("wrk") is None:
        subprocess.run([ROOT / "scripts/apt-install.sh", "wrk"], check=True)

    def measure(url, **kwargs):
        return wrk(url, options.duration, options.warmup, **kwargs)

    rows, memory = [], {}
    with tempfile.TemporaryDirectory(prefix="mistralnews-bench-") as folder:
        folder = Path(folder)
        floors = {}

        def floor(size):
            if size not in floors:
                env = {**os.environ, "FLOOR_BYTES": str(size)}
                with gunicorn("bench.floor:application", env, folder / "floor.log") as (url, _):
                    floors[size] = measure(url + "/")["rps"]
            return floors[size]

        def row(name, result, size, queries):
            rows.append({"page": name, **result, "bytes": size, "queries": queries,
                         "ratio": result["rps"] / floor(size)})  # fmt: skip

        for count in counts:
            env = site_env(folder / f"site-{count}.sqlite3", folder / "static")
            manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
            manage("migrate", "--no-input", "--verbosity", "0", env=env)
            manage("seed", env=env)
            site_task("populate", str(count), env=env)
            pages = json.loads(site_task("queries", env=env))
            article = pages["article"]
            log = folder / "site.log"
            print(f"{count} comments: measuring...", file=sys.stderr)

            with gunicorn("mistralnews.wsgi", env, log) as (url, _):
                row(f"article, {count} comments, cache on", measure(url + ARTICLE),
                    article["bytes"], article["warm"])  # fmt: skip
            cache_off = {**env, "DJANGO_PAGE_CACHE_TIMEOUT": "0"}
            with gunicorn("mistralnews.wsgi", cache_off, log) as (url, _):
                row(f"article, {count} comments, cache off", measure(url + ARTICLE),
                    article["bytes"], article["cold"])  # fmt: skip

            if count == counts[len(counts) // 2]:
                with gunicorn("mistralnews.wsgi", env, log) as (url, pid):
                    for name, path in [
                        ("home", "/"),
                        ("feed", "/feed/"),
                        ("robots", "/robots.txt"),
                    ]:
                        page = pages[name]
                        row(
                            LABELS.get(name, name), measure(url + path), page["bytes"], page["warm"]
                        )
                    token, cookie = csrf_for(url)
                    endpoint = ARTICLE + "comments/"
                    posting = measure(url + endpoint, script="bench/post_comment.lua",
                                      script_args=(endpoint, token, cookie))  # fmt: skip
                    row("comment POST (303)", posting, 0, "-")
                    memory = worker_rss_mb(pid)

    print()
    header = (
        f"{'page':<34} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'bytes':>8} {'queries':>7} "
        f"{'x floor':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        failed = f"  ({r['failed']} failed)" if r["failed"] else ""
        print(
            f"{r['page']:<34} {r['rps']:>8.0f} {r['p50']:>7.2f} {r['p99']:>7.2f} "
            f"{r['bytes']:>8} {r['queries']:>7} {r['ratio']:>7.3f}{failed}"
        )
    print()
    print("floor (bench/floor.py, same gunicorn settings), req/s by body size: "
          + ", ".join(f"{size} B: {rps:.0f}" for size, rps in sorted(floors.items())))  # fmt: skip
    print("worker RSS after the run (MB): " + ", ".join(f"{mb:.1f}" for mb in memory))
    print(f"gunicorn: {WORKERS} sync workers; wrk: -t{THREADS} -c{CONNECTIONS}, "
          f"{options.duration} s after {options.warmup} s warm-up; loopback.")  # fmt: skip


if __name__ == "__main__":
    main()
