"""One reader's recommendations arriving at a steady rate, for `make bench-recommend`:
`python bench/recommend_stream.py URL --rate 20 --seconds 10 [--counts PATH] [--expect 404]`.

It reads the article page once, as a browser does (its CSRF cookie and token, the comments it
shows), recommends one of them to get its `recommender` cookie, prints `ready`, and then, from
--threads threads, each with its own share of the comments, recommends a random comment of its
share (again takes it back) at --rate a second in all, until --seconds have passed. A thread
is paced by the clock: it sends as soon as it falls behind, and skips what it cannot catch up.

With --counts, the path of the site's counts endpoint, every --check-every'th answer is
checked at once against it: the comment's count must be its count when the stream began plus
what this reader has done to it since (each comment belongs to one thread, and nothing else
recommends while the benchmark runs). --expect is the status a recommendation gets: 303, or
404 from code without recommending (the same requests reach it; nothing is written).

Prints, as JSON: the answers by status, the rate reached, POST latency, the checks made and
the misses, the comments this reader recommends at the end, and the unexpected answers.
"""

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import ARTICLE  # noqa: E402

RECOMMEND = "/comments/recommend/"
# Unexpected answers and misses kept for the report, each.
KEEP = 5


def request(url, method, path, *, body=None, cookies=None):
    """(status, headers, body, seconds) of one request on a connection of its own."""
    parts = urllib.parse.urlsplit(url)
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if body is not None:
        body = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    return response.status, response.headers, content, time.monotonic() - started


def set_cookie(headers, name):
    for value in headers.get_all("Set-Cookie") or ():
        if found := re.match(rf"{name}=([^;]*)", value):
            return found[1].strip('"')
    return None


def page_comments(html):
    """The ids of the comments an article page shows, in order."""
    return [int(pk) for pk in re.findall(r'id="comment-(\d+)"', html)]


def page_counts(html):
    """The recommendation count the page prints for each comment it has a Recommend button
    for (0 where it prints none)."""
    counts = {}
    buttons = re.split(r'name="comment" value="(\d+)"', html)
    for pk, after in zip(buttons[1::2], buttons[2::2], strict=True):
        found = re.search(r'class="comment__recommends"[^>]*>\s*(\d+)', after)
        counts[int(pk)] = int(found[1]) if found else 0
    return counts


def endpoint_counts(data):
    """{comment id: count} from the counts endpoint's JSON: a mapping of ids to counts (or to
    objects with a `count`), a list of objects with an id and a count, either of them under
    `counts`, `recommendations` or `comments`. Raises ValueError for anything else."""
    if isinstance(data, dict):
        for key in ("counts", "recommendations", "comments"):
            if key in data:
                return endpoint_counts(data[key])
        items = data.items()
    elif isinstance(data, list):
        items = [
            (item.get("id", item.get("comment")), item) for item in data if isinstance(item, dict)
        ]
    else:
        raise ValueError(f"not counts: {json.dumps(data)[:200]}")
    counts = {}
    for pk, value in items:
        if isinstance(value, dict):
            value = value.get("count", value.get("recommend_count", value.get("recommendations")))
        if not str(pk).isdigit() or not isinstance(value, int):
            raise ValueError(f"not counts: {json.dumps(data)[:200]}")
        counts[int(pk)] = value
    return counts


class Reader:
    """One reader's browser: their cookies, and what they recommend."""

    def __init__(self, url, options):
        self.url, self.options = url, options
        status, headers, content, _ = request(url, "GET", ARTICLE)
        if status != 200:
            sys.exit(f"The article page answered {status}.")
        html = content.decode()
        self.cookies = {"csrftoken": set_cookie(headers, "csrftoken")}
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        self.comments = page_comments(html)
        self.recommended = set()
        self.statuses, self.latencies = Counter(), []
        self.unexpected, self.misses, self.checks, self.missed = [], [], 0, 0
        self.lock = threading.Lock()
        self.start_counts = self.counts() if options.counts else {}

    def counts(self):
        status, _, content, _ = request(self.url, "GET", self.options.counts)
        if status != 200:
            raise ValueError(f"the counts endpoint answered {status}")
        return endpoint_counts(json.loads(content))

    def recommend(self, pk, check=False):
        status, headers, _, seconds = request(
            self.url,
            "POST",
            RECOMMEND,
            body={"csrfmiddlewaretoken": self.token, "comment": pk},
            cookies=self.cookies,
        )
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds * 1000)
            if status != self.options.expect:
                if len(self.unexpected) < KEEP:
                    self.unexpected.append(f"comment {pk}: {status}")
                return
            if status == 303:
                self.recommended ^= {pk}
            if "recommender" not in self.cookies and (cookie := set_cookie(headers, "recommender")):
                self.cookies["recommender"] = cookie
        if check and self.options.counts and status == 303:
            self.check(pk)

    def check(self, pk):
        expected = self.start_counts.get(pk, 0) + (pk in self.recommended)
        try:
            shown = self.counts().get(pk, 0)
        except ValueError as error:
            shown = str(error)
        with self.lock:
            self.checks += 1
            if shown != expected:
                self.missed += 1
                if len(self.misses) < KEEP:
                    self.misses.append(f"comment {pk}: expected {expected}, counts say {shown}")

    def run(self, number, started):
        share = self.comments[number :: self.options.threads]
        interval = self.options.threads / self.options.rate
        due = started + number / self.options.rate
        end = started + self.options.seconds
        # Seeded: every site gets the same comments in the same order.
        choices = random.Random(number)  # noqa: S311 (not a secret)
        sent = 0
        while due < end:
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            elif now - due > interval:  # behind: skip what cannot be caught up
                due += (now - due) // interval * interval
            sent += 1
            self.recommend(choices.choice(share), check=sent % self.options.check_every == 0)
            due += interval


def percentile(values, percent):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, len(ordered) * percent // 100)], 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=20, help="recommendations a second (20)")
    parser.add_argument("--seconds", type=float, default=10, help="how long (10)")
    parser.add_argument("--threads", type=int, default=8, help="sending threads (8)")
    parser.add_argument("--counts", help="the counts endpoint's path, to check it")
    parser.add_argument("--check-every", type=int, default=5, help="check every n-th (5)")
    parser.add_argument("--expect", type=int, default=303, help="a recommendation's status")
    options = parser.parse_args()

    reader = Reader(options.url, options)
    if len(reader.comments) < options.threads:
        sys.exit(f"The article page shows {len(reader.comments)} comments: too few.")
    reader.recommend(reader.comments[0], check=True)
    print("ready", flush=True)
    started = time.monotonic()
    threads = [
        threading.Thread(target=reader.run, args=(number, started))
        for number in range(options.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    posts = sum(reader.statuses.values()) - 1
    print(
        json.dumps(
            {
                "statuses": dict(reader.statuses),
                "rate": round(posts / seconds, 1),
                "p50": percentile(reader.latencies, 50),
                "p99": percentile(reader.latencies, 99),
                "checks": reader.checks,
                "missed": reader.missed,
                "misses": reader.misses,
                "unexpected": reader.unexpected,
                "recommended": sorted(reader.recommended),
            }
        )
    )


if __name__ == "__main__":
    main()
