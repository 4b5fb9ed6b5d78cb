"""`make bench-recommend`: the cached article page while readers' recommendations arrive, on
this code and on the code before, side by side in the same run.

Three sites, each with a throwaway SQLite database seeded as `make bench` seeds it (the
Mistral article and --comments threaded comments, by that code's own bench/site_tasks.py),
its own page cache and the recommend limit off, served at once by gunicorn (production
settings, 2 sync workers) on free loopback ports:

- *before*: the code at --base (BASE=, default 514e95d: main before issue 16, which has no
  recommending), from a `git worktree add` removed at the end. The same stream of
  recommendations reaches it; code without recommending answers 404: the same requests,
  nothing written.
- *this*: this checkout, where recommending renews no version (comments/recommending.py).
- *renewing*: this checkout with recommending renewing the article's version
  (bench/renewing.py), as every other writer of what the page shows does: what the design
  avoids, and proof that the benchmark would see it.

For --rounds rounds it loads each site's article page with wrk (as `make bench` does: -t2
-c16, --duration s after --warmup s) with no recommendations, and again while
bench/recommend_stream.py, a process of its own with its own cookies and CSRF token,
recommends the page's comments at --rate a second: the two back to back, site after site,
with the order of the sites and of the two reversed in every other round, so that the load of
the machine falls on every site and both conditions alike. Figures are the rounds' medians.
Beside req/s it reads the processor time the site's workers used (/proc) while wrk measured:
per page served, and, beyond the pages, per recommendation. Those hold on a loaded machine,
where req/s and their ratios follow whatever processor time the site is given. Around
each stream it compares the page's ETag (the same CSRF cookie before and after), which changes
only when the page's version does. After the rounds it checks each site's counts: stored on
the comment, recorded as recommendations, as the streams left them; the page's counts before
and after the article's next change; and the counts endpoint,
`/comments/recommendations/<article id>/`, where the code has one (also checked during each
stream). It prints a table and the ratios; it exits non-zero only when a request fails or a
check misses, never on the figures.
"""

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.recommend_stream import endpoint_counts, page_counts, request, set_cookie  # noqa: E402
from bench.run import (  # noqa: E402
    ARTICLE,
    CONNECTIONS,
    SLUG,
    THREADS,
    WORKERS,
    gunicorn,
    manage,
    run,
    site_env,
    site_task,
    worker_cpu_seconds,
    wrk,
)

COUNTS = "/comments/recommendations/{article}/"
NONE = "\N{EN DASH}"


@dataclass
class Site:
    name: str
    root: Path
    app: str
    renews: bool = False
    env: dict = None
    url: str = ""
    database: Path = None
    pid: int = 0
    recommends: bool = False
    counts: str | None = None
    article: dict = None
    # Per condition ("none", "arriving"): each round's wrk figures and stream summaries.
    runs: dict = field(default_factory=lambda: {"none": [], "arriving": []})
    streams: list = field(default_factory=list)
    # Each comment's recommendations as the streams left them (each stream is a new reader).
    expected: dict = field(default_factory=dict)

    @property
    def key(self):
        """The site's name in file names: before, this or renewing."""
        return self.name.split()[0]


@contextmanager
def base_checkout(ref, folder):
    """A worktree of `ref` in `folder`, removed afterwards; yields it and its short hash."""
    commit = run("git", "rev-parse", "--verify", f"{ref}^{{commit}}", env=os.environ).strip()
    path = folder / "base"
    run("git", "worktree", "add", "--detach", "--quiet", str(path), commit, env=os.environ)
    try:
        yield path, commit[:7]
    finally:
        run("git", "worktree", "remove", "--force", str(path), env=os.environ)


def build(site, folder, comments, like=None):
    """The site's database, static files and page cache, seeded by its own code, or copied
    from the site `like`, of the same code."""
    site.database = database = folder / f"{site.key}.sqlite3"
    site.env = site_env(
        database,
        folder / f"{(like or site).key}-static",
        DJANGO_CACHE_DIR=str(folder / f"{site.key}-cache"),
        COMMENTS_RECOMMEND_LIMIT="off",
    )
    if like:
        original = folder / f"{like.key}.sqlite3"
        with (
            closing(sqlite3.connect(original)) as source,
            closing(sqlite3.connect(database)) as copy,
        ):
            source.backup(copy)
        site.article = like.article
        return
    manage("collectstatic", "--no-input", "--verbosity", "0", env=site.env, root=site.root)
    manage("migrate", "--no-input", "--verbosity", "0", env=site.env, root=site.root)
    manage("seed", env=site.env, root=site.root)
    site_task("populate", str(comments), env=site.env, root=site.root)
    site.article = json.loads(site_task("queries", env=site.env, root=site.root))["article"]


def probe(site):
    """What the site's code offers: the recommend form, and the counts endpoint."""
    status, _, content, _ = request(site.url, "GET", ARTICLE)
    site.recommends = status == 200 and 'id="recommend-form"' in content.decode()
    if not site.recommends:
        return
    path = COUNTS.format(article=article_id(site))
    status, headers, content, _ = request(site.url, "GET", path)
    if status == 200 and "json" in headers.get("Content-Type", ""):
        site.counts = path


def read(site, query, *params):
    """The rows `query` reads from the site's database, beside the running site."""
    with closing(sqlite3.connect(f"file:{site.database}?mode=ro", uri=True)) as database:
        return database.execute(query, params).fetchall()


def article_id(site):
    return read(site, "SELECT id FROM articles_article WHERE slug = ?", SLUG)[0][0]


def recommendations(site):
    """Each recommended comment's count as stored on it, and its recommendations recorded.
    In SQL, so that any code's database reads alike."""
    article = article_id(site)
    stored = read(
        site,
        "SELECT id, recommend_count FROM comments_comment "
        "WHERE article_id = ? AND recommend_count > 0",
        article,
    )
    recorded = read(
        site,
        "SELECT comment_id, COUNT(*) FROM comments_recommendation "
        "JOIN comments_comment ON comments_comment.id = comment_id "
        "WHERE article_id = ? GROUP BY comment_id",
        article,
    )
    return dict(stored), dict(recorded)


def etag(site, cookie):
    """The article page's ETag for a reader with the CSRF cookie `cookie`."""
    _, headers, _, _ = request(site.url, "GET", ARTICLE, cookies={"csrftoken": cookie})
    return headers.get("ETag")


def measure(site, options, arriving, failures):
    """One wrk run on the site's article page, with a stream of recommendations or without."""
    stream = None
    if arriving:
        cookie = set_cookie(request(site.url, "GET", ARTICLE)[1], "csrftoken")
        before = etag(site, cookie)
        command = [sys.executable, str(ROOT / "bench/recommend_stream.py"), site.url,
                   "--rate", str(options.rate), "--expect", "303" if site.recommends else "404",
                   "--seconds", str(options.warmup + options.duration + 1)]  # fmt: skip
        if site.counts:
            command += ["--counts", site.counts]
        stream = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        if stream.stdout.readline().strip() != "ready":
            stream.wait()
            sys.exit(f"The recommendations for {site.name} did not start.")
    used = {}

    @contextmanager
    def measuring():
        started, cpu = time.monotonic(), worker_cpu_seconds(site.pid)
        yield
        used.update(cpu=worker_cpu_seconds(site.pid) - cpu, seconds=time.monotonic() - started)

    result = wrk(site.url + ARTICLE, options.duration, options.warmup, measuring=measuring)
    # The processor time the site's workers had a second, and used for each page they served
    # (with the recommendations', when they arrive).
    result["cpu"] = used["cpu"] / used["seconds"]
    result["cpu_per_page"] = 1000 * result["cpu"] / result["rps"]
    condition = "arriving" if arriving else "none"
    # Timeouts (no answer within wrk's 2 s) are a figure; anything else is a failure.
    errors = re.findall(r"(connect|read|write|timeout) (\d+)", result["socket_errors"])
    result["timeouts"] = sum(int(n) for kind, n in errors if kind == "timeout")
    if result["failed"] or any(int(n) for kind, n in errors if kind != "timeout"):
        failures.append(f"{site.name}, recommendations {condition}: wrk {result['failed']} "
                        f"non-2xx, {result['socket_errors']}")  # fmt: skip
    if stream:
        output, _ = stream.communicate(timeout=60)
        summary = json.loads(output)
        summary["kept"] = etag(site, cookie) == before
        for pk in summary["recommended"]:
            site.expected[pk] = site.expected.get(pk, 0) + 1
        if summary["unexpected"]:
            failures.append(f"{site.name}: recommendations answered {summary['unexpected']}")
        if summary["missed"]:
            failures.append(f"{site.name}: the counts endpoint missed {summary['missed']} of "
                            f"{summary['checks']} checks: {summary['misses']}")  # fmt: skip
        if summary["kept"] == site.renews:
            happened = "stayed" if site.renews else "changed"
            failures.append(f"{site.name}: the page's version {happened} while recommendations "
                            "arrived")  # fmt: skip
        result["stream"] = summary
    site.runs[condition].append(result)


def verify(site, failures):
    """The counts as the streams left them: stored, recorded, on the page before and after the
    article's next change, and from the counts endpoint."""
    stored, recorded = recommendations(site)
    if not stored == recorded == site.expected:
        failures.append(f"{site.name}: counts stored {stored}, recorded {recorded}, "
                        f"recommended {site.expected}")  # fmt: skip

    def stale(html):
        return sum(count != stored.get(pk, 0) for pk, count in page_counts(html).items())

    report = {"recommended": sum(stored.values())}
    report["stale before"] = stale(request(site.url, "GET", ARTICLE)[2].decode())
    site_task("renew", env=site.env)  # this checkout's task: versions are alike since BASE
    report["stale after"] = stale(request(site.url, "GET", ARTICLE)[2].decode())
    if report["stale after"] or (site.renews and report["stale before"]):
        failures.append(f"{site.name}: the page shows stale counts: {report}")
    if site.counts:
        counts = json.loads(request(site.url, "GET", site.counts)[2])
        shown = {pk: count for pk, count in endpoint_counts(counts).items() if count}
        if shown != stored:
            failures.append(f"{site.name}: the counts endpoint says {shown}, stored {stored}")
    return report


def figures(runs, key):
    return median(result[key] for result in runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=os.environ.get("BASE") or "514e95d",
                        help="the code before (BASE=; 514e95d, main before issue 16)")  # fmt: skip
    parser.add_argument("--comments", type=int, default=200, help="comments on the article (200)")
    parser.add_argument("--rate", type=float, default=20, help="recommendations a second (20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the sites (3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement (5)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up before it (2)")
    options = parser.parse_args()
    head = run("git", "rev-parse", "--short=7", "HEAD", env=os.environ).strip()
    failures = []
    started = time.monotonic()

    def elapsed():
        return f"{time.monotonic() - started:.0f} s"

    load_start = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="mistralnews-bench-") as folder, ExitStack() as stack:
        folder = Path(folder)
        base, base_commit = stack.enter_context(base_checkout(options.base, folder))
        sites = [
            Site(f"before ({base_commit})", base, "mistralnews.wsgi"),
            Site(f"this ({head})", ROOT, "mistralnews.wsgi"),
            Site(f"renewing ({head})", ROOT, "bench.renewing:application", renews=True),
        ]
        for site, like in zip(sites, [None, None, sites[1]], strict=True):
            print(f"{site.name}: building... ({elapsed()})", file=sys.stderr)
            build(site, folder, options.comments, like)
        for site in sites:
            log = folder / f"{site.key}.log"
            site.url, site.pid = stack.enter_context(
                gunicorn(site.app, site.env, log, root=site.root)
            )
            probe(site)
        for number in range(options.rounds):
            forward = number % 2 == 0
            for site in sites if forward else sites[::-1]:
                for arriving in (False, True) if forward else (True, False):
                    print(f"round {number + 1}: {site.name}, recommendations "
                          f"{'arriving' if arriving else 'none'} ({elapsed()})",
                          file=sys.stderr)  # fmt: skip
                    measure(site, options, arriving, failures)
        checked = {site.name: verify(site, failures) for site in sites if site.recommends}
    load_end = os.getloadavg()

    print()
    header = (
        f"{'site':<20} {'recommendations':<15} {'req/s':>6} {'rounds':<12} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'timeouts':>8} {'CPU/s':>5} {'ms/page':>7} {'page':<7} "
        f"{'POST p50/p99':>12}"
    )
    print(header)
    print("-" * len(header))
    for site in sites:
        for runs in site.runs.values():
            streams = [result["stream"] for result in runs if "stream" in result]
            if streams:
                what = f"{median(s['rate'] for s in streams):.1f}/s" + (
                    "" if site.recommends else " (404)"
                )
                kept = "kept" if all(s["kept"] for s in streams) else "renewed"
                posts = "/".join(f"{median(s[key] for s in streams):.0f}" for key in ("p50", "p99"))
            else:
                what, kept, posts = "none", "", NONE
            rounds = ",".join(f"{result['rps']:.0f}" for result in runs)
            timeouts = sum(result["timeouts"] for result in runs)
            print(
                f"{site.name:<20} {what:<15} {figures(runs, 'rps'):>6.0f} {rounds:<12} "
                f"{figures(runs, 'p50'):>7.1f} {figures(runs, 'p99'):>7.1f} {timeouts:>8} "
                f"{figures(runs, 'cpu'):>5.2f} {figures(runs, 'cpu_per_page'):>7.2f} {kept:<7} "
                f"{posts:>12}"
            )
    print()

    def rps(site, condition):
        return figures(site.runs[condition], "rps")

    def ratio(text, value):
        print(f"{text:<54} {value:.2f}  ({'within' if abs(value - 1) <= 0.1 else 'beyond'} 10%)")

    def per_recommendation(site):
        """The workers' processor time a second beyond the pages they served, at what a page
        took with none arriving in the same round, for each recommendation: in ms."""
        return median(
            (arriving["cpu"] - arriving["rps"] * none["cpu_per_page"] / 1000)
            / arriving["stream"]["rate"]
            * 1000
            for none, arriving in zip(site.runs["none"], site.runs["arriving"], strict=True)
        )

    before, this, _ = sites
    for site in sites:
        ratio(f"{site.name}, arriving / none", rps(site, "arriving") / rps(site, "none"))
    for condition in ("none", "arriving"):
        ratio(f"this / before, recommendations {condition}",
              rps(this, condition) / rps(before, condition))  # fmt: skip
    ratio("this with recommendations arriving / before with none",
          rps(this, "arriving") / rps(before, "none"))  # fmt: skip
    print()
    for site in sites:
        cost = per_recommendation(site)
        if cost <= 0:
            print(f"{site.name}: the recommendations' share of the workers' time is within the "
                  "noise")  # fmt: skip
            continue
        print(f"{site.name}: {cost:.1f} ms of the workers' time for each recommendation"
              f"{'' if site.recommends else ' (a 404)'}; at {options.rate:g}/s the cached page "
              f"holds within 10% where the workers have {10 * options.rate * cost / 1000:.2f} "
              "cores or more")  # fmt: skip
    print()
    for site in sites:
        page = site.article
        print(f"{site.name}: the article page {page['bytes']:,} bytes, {page['warm']} queries "
              f"cached, {page['cold']} rendered")  # fmt: skip
    for name, report in checked.items():
        print(f"{name}: {report['recommended']} recommendations at the end; comments whose count "
              f"the page showed stale: {report['stale before']} before the article's next "
              f"change, {report['stale after']} after")  # fmt: skip
    counted = [site.name for site in sites if site.counts]
    print("counts endpoint: " + (", ".join(counted) + " (checked)" if counted else "none found"))
    print(f"gunicorn: {WORKERS} sync workers a site; wrk: -t{THREADS} -c{CONNECTIONS}, "
          f"{options.duration} s after {options.warmup} s warm-up; recommendations at "
          f"{options.rate:g}/s from 8 threads; {options.rounds} rounds; loopback.")  # fmt: skip
    start, end = (", ".join(f"{x:.2f}" for x in load) for load in (load_start, load_end))
    print(f"load average (1, 5, 15 min) at the start {start}, at the end {end}; "
          f"{elapsed()} in all.")  # fmt: skip
    if failures:
        print("\nFAILED:\n" + "\n".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
