"""`make bench-scale`: every kind of page on the newsroom data set, against the budgets, beside
the same pages of the one-article site, on SQLite and on PostgreSQL.

For each database it builds (or, on SQLite, reuses) the newsroom data set (`generate_newsroom`
over the seed article) and a one-article site (the seed article with 200 threaded comments,
as `make bench` makes it), and measures both with bench/scale_pages.py: each kind of page
rendered in process with the page cache off (the median of up to --per-kind distinct pages,
each requested --repeat times), its queries and bytes, a cached hit, and --posts comment
POSTs. Then gunicorn (2 sync workers, production settings) serves the data set on a free
loopback port, every measured page is fetched once, and the workers' memory is read.

    python bench/scale.py                      # SQLite and a throwaway PostgreSQL
    python bench/scale.py --databases sqlite   # SQLite only

SQLite's data set is kept in --newsroom (built when missing, reused after). PostgreSQL's is
built afresh in a database of its own on DATABASE_URL's server, or on a throwaway cluster
(scripts/postgres.sh), and dropped after. Prints the tables and writes them, as JSON and as
Markdown, to --output. Times are in-process (Django's test Client: no network or server).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import gunicorn, manage, run, site_env, worker_rss_mb  # noqa: E402

DATABASES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
SEED_COMMENTS = 200
# Comments of the one-article site removed, and as many marked as spam: its moderation log.
SEED_MODERATED = 30
KB = 1000
# What a table shows where there is no figure.
NONE = "\N{EN DASH}"
# The budgets (issue 14): (milliseconds, queries, bytes); None where there is none. Public
# pages must also make no more queries than on the one-article site.
BUDGETS = {
    "public": (50, "seed", None),
    "search": (50, None, None),
    "sitemap": (200, 5, None),
    "hot article": (60, 8, 250 * KB),
    "desk": (300, None, 200 * KB),
}


def build_newsroom(env, size):
    """Migrate, load the seed article and generate the data set (`size`: generate_newsroom's
    options), unless it is there: the seconds it took, or None when it was reused."""
    started = time.monotonic()
    manage("migrate", "--no-input", "--verbosity", "0", env=env)
    manage("seed", env=env)
    output = manage("generate_newsroom", *size.split(), env=env)
    if "Nothing to do" in output:
        return None
    return round(time.monotonic() - started, 1)


def build_seed_site(env):
    manage("migrate", "--no-input", "--verbosity", "0", env=env)
    manage("seed", env=env)
    run(sys.executable, "bench/site_tasks.py", "populate", str(SEED_COMMENTS), env=env)
    run(sys.executable, "bench/site_tasks.py", "moderate", str(SEED_MODERATED), env=env)


def measure(env, options):
    output = run(
        sys.executable, "bench/scale_pages.py", "--per-kind", str(options.per_kind),
        "--repeat", str(options.repeat), "--posts", str(options.posts), env=env,
    )  # fmt: skip
    return json.loads(output)


def crawl_memory(env, figures, folder):
    """gunicorn's workers' memory (MB) after the measured public pages were fetched once."""
    urls = [
        url
        for kind in figures["kinds"]
        if kind["group"] != "desk"
        # Pages slower than a second: one of each kind is enough (gunicorn gives up at 30 s).
        for url in kind.get("urls", [])[: 1 if kind.get("ms", 0) > 1000 else None]
    ]
    with gunicorn("mistralnews.wsgi", env, folder / "gunicorn.log") as (base, pid):
        for url in urls:
            with suppress(OSError):  # an error page, or a worker timed out: memory all the same
                urllib.request.urlopen(base + url, timeout=60).read()
        return worker_rss_mb(pid)


def measure_database(database, options, folder):
    """Build and measure the newsroom data set and the one-article site on `database`."""
    static = folder / "static"
    results = {"database": DATABASES[database]}
    with ExitStack() as stack:
        if database == "sqlite":
            newsroom_env = site_env(Path(options.newsroom).resolve(), static)
            seed_env = site_env(folder / "seed.sqlite3", static)
        else:
            from tests.servers import fresh_database  # psycopg: for PostgreSQL runs only

            server = os.environ.get("DATABASE_URL", "")
            if not server.startswith(("postgres://", "postgresql://")):
                sys.exit("PostgreSQL needs DATABASE_URL: run through scripts/postgres.sh")
            newsroom_env, seed_env = (
                {**site_env(folder / "unused", static),
                 "DATABASE_URL": stack.enter_context(fresh_database(folder, server))}
                for _ in range(2)
            )  # fmt: skip
        name = DATABASES[database]
        manage("collectstatic", "--no-input", "--verbosity", "0", env=newsroom_env)
        print(f"{name}: building the newsroom data set (or reusing it)...", file=sys.stderr)
        results["build_seconds"] = build_newsroom(newsroom_env, options.size)
        build_seed_site(seed_env)
        print(f"{name}: measuring the newsroom data set...", file=sys.stderr)
        results["newsroom"] = measure(newsroom_env, options)
        print(f"{name}: measuring the one-article site...", file=sys.stderr)
        results["seed"] = measure(seed_env, options)
        if not options.no_memory:
            print(f"{name}: gunicorn's memory after a crawl...", file=sys.stderr)
            results["worker_rss_mb"] = crawl_memory(newsroom_env, results["newsroom"], folder)
    return results


# Kinds the one-article site has no page of, and its kind they are compared with: a later
# page with the first, an article with the one article (which is its "hot article").
SEED_STANDS_IN = {
    "home, deep page": "home",
    "moderation log, deep page": "moderation log",
    "article": "hot article",
}


def seed_for(kind, seed_kinds):
    """The one-article site's figures for `kind`, or for the kind that stands in for it."""
    own = seed_kinds.get(kind["name"], {})
    return own if own.get("pages") else seed_kinds.get(SEED_STANDS_IN.get(kind["name"]), own)


def judge(kind, seed_kinds):
    """A kind's budget, as text, and its verdict: "met", "missed: <what>", or NONE when the
    database has no page of that kind."""
    if not kind.get("pages"):
        return "", NONE
    most_ms, most_queries, most_bytes = BUDGETS[kind["group"]]
    budget = [f"≤ {most_ms} ms"]
    constant = False
    if most_queries == "seed":
        seed = seed_for(kind, seed_kinds)
        most_queries = seed["queries"] if seed.get("pages") else None
        # Nothing to compare with: the count must at least be the same on every page.
        constant = most_queries is None
    if most_queries is not None:
        budget.append(f"≤ {most_queries} queries")
    if constant:
        budget.append("the same queries on every page")
    if most_bytes is not None:
        budget.append(f"≤ {most_bytes // KB} KB")
    missed = []
    if kind["statuses"] != [200]:
        missed.append(f"status {', '.join(map(str, kind['statuses']))}")
    if kind["ms"] > most_ms:
        missed.append("time")
    if most_queries is not None and kind["queries"] > most_queries:
        missed.append("queries")
    if constant and len(kind["query_counts"]) > 1:
        missed.append("queries vary")
    if most_bytes is not None and kind["max_bytes"] > most_bytes:
        missed.append("size")
    return ", ".join(budget), ("missed: " + ", ".join(missed)) if missed else "met"


def table(results):
    """The Markdown table of one database's results."""
    seed_kinds = {kind["name"]: kind for kind in results["seed"]["kinds"]}
    lines = [
        "| Page | Pages | ms | Queries | KB | Seed ms | Seed queries | Seed KB | Cached ms "
        "| Budget | Verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for kind in results["newsroom"]["kinds"]:
        seed = seed_for(kind, seed_kinds)
        budget, verdict = judge(kind, seed_kinds)
        lines.append(
            f"| {kind['name']} | {kind['pages']} | {_ms(kind)} | {_queries(kind)} "
            f"| {_kb(kind)} | {_ms(seed)} | {_queries(seed)} | {_kb(seed)} "
            f"| {_number(kind.get('cached_ms'))} | {budget} | {verdict} |"
        )
    post, seed_post = results["newsroom"].get("post", {}), results["seed"].get("post", {})
    if post:
        cells = [
            f"comment POST, p50 / p99 ({post['posts']} posts)", NONE,
            f"{post['p50']:.1f} / {post['p99']:.1f}", NONE, NONE,
            f"{seed_post.get('p50', 0):.1f} / {seed_post.get('p99', 0):.1f}", *[NONE] * 5,
        ]  # fmt: skip
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def _ms(kind):
    return _number(kind.get("ms")) if kind.get("pages") else NONE


def _number(value):
    return NONE if value is None else f"{value:,.1f}"


def _queries(kind):
    if not kind.get("pages"):
        return NONE
    counts = kind["query_counts"]
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def _kb(kind):
    return f"{kind['bytes'] / KB:,.1f}" if kind.get("pages") else NONE


def report(all_results, options):
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    load = ", ".join(f"{figure:.1f}" for figure in options.load_average + [*os.getloadavg()][:1])
    sections = [
        f"make bench-scale, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine}; load average "
        f"(1 minute) at the start and the end: {load}. In process "
        f"(Django's test Client), page cache off; the median over up to {options.per_kind} "
        f"distinct pages of each kind, each page the median of {options.repeat} requests (one "
        f"request for a page slower than a second, and no more pages once a kind took a "
        f"minute). "
        f"Queries: the most any of the pages made. KB: 1,000 bytes, the median page. Seed: the "
        f"one-article site (the Mistral article, {SEED_COMMENTS} comments, "
        f"{2 * SEED_MODERATED} moderated). Cached ms: the "
        "second request to the same page with the cache on (pages the site does not cache are "
        "rendered again).",
    ]
    for results in all_results:
        newsroom = results["newsroom"]
        built = results.get("build_seconds")
        sections.append(
            f"### {results['database']}\n\n"
            f"{newsroom['articles']:,} published articles, {newsroom['comments']:,} comments; "
            + (f"data set built in {built:.0f} s" if built else "data set reused")
            + (
                f"; gunicorn worker memory after fetching every public page once: "
                f"{', '.join(f'{mb:.0f}' for mb in results['worker_rss_mb'])} MB"
                if results.get("worker_rss_mb")
                else ""
            )
            + ".\n\n"
            + table(results)
        )
    misses = [
        f"- {results['database']}: {kind['name']} ({verdict.removeprefix('missed: ')}): "
        f"{kind['ms']:,.0f} ms, {kind['queries']} queries, {kind['max_bytes'] / KB:,.0f} KB"
        for results in all_results
        for kind in results["newsroom"]["kinds"]
        for verdict in [judge(kind, {k["name"]: k for k in results["seed"]["kinds"]})[1]]
        if verdict.startswith("missed")
    ]
    sections.append("### Missed\n\n" + ("\n".join(misses) if misses else "None."))
    return "\n\n".join(sections) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument(
        "--newsroom",
        default=str(ROOT / ".venv" / "newsroom.sqlite3"),
        help="SQLite file of the data set (built when missing)",
    )
    parser.add_argument(
        "--size", default="", help='generate_newsroom\'s options, e.g. "--articles 500" (full size)'
    )
    parser.add_argument("--per-kind", type=int, default=10, help="distinct pages per kind")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page")
    parser.add_argument("--posts", type=int, default=200, help="comment POSTs per site")
    parser.add_argument("--output", default=str(ROOT / "test-artifacts"), help="folder")
    parser.add_argument("--no-memory", action="store_true", help="skip the gunicorn crawl")
    # Internal: this process runs under scripts/postgres.sh and writes its results there.
    parser.add_argument("--postgres-results", help=argparse.SUPPRESS)
    options = parser.parse_args()
    # Other work on the machine slows every figure: the report says how busy it was.
    options.load_average = [os.getloadavg()[0]]

    if options.postgres_results:
        with tempfile.TemporaryDirectory(prefix="mistralnews-scale-") as folder:
            results = measure_database("postgres", options, Path(folder))
        Path(options.postgres_results).write_text(json.dumps(results))
        return

    all_results = []
    with tempfile.TemporaryDirectory(prefix="mistralnews-scale-") as folder:
        for database in options.databases.split(","):
            if database == "sqlite":
                all_results.append(measure_database("sqlite", options, Path(folder)))
            elif database == "postgres":
                out = Path(folder) / "postgres.json"
                forwarded = [
                    f"--size={options.size}", "--per-kind", str(options.per_kind),
                    "--repeat", str(options.repeat),
                    "--posts", str(options.posts), *(["--no-memory"] if options.no_memory else []),
                ]  # fmt: skip
                subprocess.run(
                    [ROOT / "scripts/postgres.sh", sys.executable, __file__, *forwarded,
                     "--postgres-results", out],
                    cwd=ROOT, env={**os.environ, "PYTHON": sys.executable}, check=True,
                )  # fmt: skip
                all_results.append(json.loads(out.read_text()))
            else:
                sys.exit(f"Unknown database {database!r}: sqlite or postgres")

    text = report(all_results, options)
    print(text)
    output = Path(options.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "bench-scale.md").write_text(text)
    (output / "bench-scale.json").write_text(json.dumps(all_results, indent=1))
    print(f"Written to {output / 'bench-scale.md'} and {output / 'bench-scale.json'}.")


if __name__ == "__main__":
    main()
