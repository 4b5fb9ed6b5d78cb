"""Crash safety: nothing acknowledged is lost when the app servers die mid-write.

Runs the comment load of comment_load.py against SQLite and, at a random moment (after a
random number of acknowledged posts), SIGKILLs gunicorn's master and both workers at once.
Then checks the database file (`PRAGMA integrity_check`), starts gunicorn again on it, loads
the article page and posts a new comment, and looks up every comment: each one acknowledged
before the kill must be stored exactly once with its body; a post that was in flight may be
stored (it committed, but its answer was lost) or not, never half.

    python bench/comment_crash.py --clients 8 --posts 400 [--seed N]

Prints the figures; exits 1 if anything acknowledged is missing or doubled, the file is
damaged, a process survived the kill, or the restarted site does not serve and take comments.
"""

import random
import sys
import tempfile
import time
from pathlib import Path

import comment_load as load

KILL_WAIT = 5  # seconds for the killed processes to disappear


def running(pid):
    """True if process `pid` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def integrity_check():
    from django.db import connection

    with connection.cursor() as cursor:
        result = cursor.execute("PRAGMA integrity_check").fetchone()[0]
    connection.close()
    return result


def is_stored(post):
    from comments.models import Comment

    return Comment.objects.filter(pk=post.comment_id, body=post.body).exists()


def main():
    parser = load.arguments(__doc__.split("\n\n")[0], clients=8, posts=400, time_limit=120)
    parser.add_argument("--seed", type=int, help="for the moment of the kill (default: random)")
    options = parser.parse_args()
    # When to crash, not a secret: Python's generator, with a seed to replay a run.
    seed = random.randrange(10**6) if options.seed is None else options.seed  # noqa: S311
    kill_after = random.Random(seed).randint(  # noqa: S311
        max(1, options.posts // 5), max(1, options.posts * 4 // 5)
    )

    with (
        tempfile.TemporaryDirectory(prefix="comment-crash-") as folder,
        load.fresh_site("sqlite", Path(folder)) as env,
    ):
        article = load.the_article()
        logs = [Path(folder) / "before.log", Path(folder) / "after.log"]
        with load.servers.Gunicorn(env, logs[0], workers=load.WORKERS) as server:
            killed = [server.process.pid, *server.worker_pids()]
            crashing = load.Load(
                server.url,
                article.get_absolute_url(),
                options.clients,
                options.posts,
                options.time_limit,
            ).start()
            while crashing.acknowledged < kill_after and time.monotonic() < crashing.deadline:
                time.sleep(0.005)
            server.kill()
            crashing.stop.set()
            crashing.wait()
        deadline = time.monotonic() + KILL_WAIT
        while any(map(running, killed)) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [pid for pid in killed if running(pid)]
        integrity = integrity_check()

        with load.servers.Gunicorn(env, logs[1], workers=load.WORKERS) as server:
            after = load.Load(server.url, article.get_absolute_url(), 1, 1, 30).run_to_the_end()
        figures = load.inspect(crashing.posts + after.posts, article, map(Path.read_text, logs))
        new_comment = after.posts[0] if after.posts else load.Post(0, "")
        new_comment_stored = bool(new_comment.comment_id) and is_stored(new_comment)

    acknowledged = [post for post in crashing.posts if post.comment_id]
    figures |= {
        "seed": seed,
        "kill_after": kill_after,
        "killed": killed,
        "left_running": survivors,
        "acknowledged_before_kill": len(acknowledged),
        "in_flight_at_kill": sum(
            1 for post in crashing.posts if post.status is None and "refused" not in post.failure
        ),
        "integrity_check": integrity,
        "restart": {
            "article_page": next(iter(after.pages), None),
            "new_comment": new_comment.status,
            "stored": new_comment_stored,
        },
    }
    problems = load.integrity_problems(figures)
    if survivors:
        problems.append(f"processes {survivors} survived SIGKILL")
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    if figures["restart"] != {"article_page": 200, "new_comment": 303, "stored": True}:
        problems.append(f"after the restart: {figures['restart']}")
    if not acknowledged:
        problems.append("nothing was acknowledged before the kill")

    master, *workers = killed
    print(
        f"Crash test on SQLite: {options.clients} readers, gunicorn with {load.WORKERS} sync "
        f"workers, SIGKILL after {kill_after} acknowledged posts (--seed {seed})"
    )
    load.line("SIGKILLed", len(killed), f"master {master}, workers {', '.join(map(str, workers))}")
    load.line("left running", len(survivors))
    load.line("acknowledged before the kill", len(acknowledged))
    load.line("lost", figures["lost"])
    load.line("duplicates", figures["duplicates"])
    load.line("misplaced or half-written", figures["misplaced"] + figures["incomplete"])
    load.line(
        "in flight at the kill",
        figures["in_flight_at_kill"],
        f"{figures['unanswered_but_stored']} of them stored (committed, answer lost)",
    )
    load.print_errors(figures["errors"])
    load.line("PRAGMA integrity_check", integrity)
    restart = figures["restart"]
    load.line("after restart: article page", restart["article_page"])
    load.line("after restart: new comment", restart["new_comment"], f"stored: {restart['stored']}")
    print("FAILED: " + "; ".join(problems) if problems else "Nothing acknowledged was lost.")
    load.write_json(options.json, figures)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
