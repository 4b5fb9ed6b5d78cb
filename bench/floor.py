"""The floor: the least a WSGI app can do under the same gunicorn settings as the site.

It answers every request with a constant HTML body of FLOOR_BYTES bytes (the size of the
page it stands for), so the benchmark compares the site with serving those bytes at all.
It is not part of the site.
"""

import os

BODY = b"x" * int(os.environ.get("FLOOR_BYTES", "1024"))
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
