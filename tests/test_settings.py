"""Settings come from the environment; production refuses to start half-configured."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

from tests.servers import production_env

# What an operator sets: a long random key (Django's deploy check wants 50+ characters).
PRODUCTION = {
    "DJANGO_SECRET_KEY": "pR0d-" + "Zq8Lx2Wm7Rt4Vb9Nc3Hy6Pd1Gf5Js0Ke8Ua2Io7Ty4Ew9Qs3Dl6",
    "DJANGO_ALLOWED_HOSTS": "news.example",
    "DJANGO_SITE_URL": "https://news.example",
}


def run(*args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_check(*options, **env):
    return run("manage.py", "check", *options, **env)


LOGIN = "/admin/login/?next=/admin/"
REQUEST = """
import json, sys, django
django.setup()
from django.test import Client
response = Client().get("/admin/", HTTP_HOST="news.example", **json.loads(sys.argv[1]))
headers = [response.get(name, "-") for name in ("Location", "Strict-Transport-Security")]
print(response.status_code, *headers)
"""


def production_response(request=None, **env):
    """Status, Location and HSTS header of /admin/ under production settings with `env`: it
    redirects to the login page without rendering a template or reading the database."""
    result = run("-c", REQUEST, json.dumps(request or {}), **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.rstrip("\n").split(" ", 2)


def setting(expression, **env):
    result = run(
        "-c",
        f"import django; from django.conf import settings; django.setup(); print({expression})",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DJANGO_SITE_URL must"),
        (
            {"DJANGO_ALLOWED_HOSTS": "news.example", "DJANGO_SITE_URL": "https://news.example"},
            "DJANGO_SECRET_KEY must",
        ),
        ({"DJANGO_SECRET_KEY": "s" * 50}, "DJANGO_ALLOWED_HOSTS and DJANGO_SITE_URL must"),
        (
            {"DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ALLOWED_HOSTS": "news.example"},
            "DJANGO_SITE_URL must",
        ),
    ],
)
def test_production_refuses_to_start_without_secret_hosts_and_site_url(env, missing):
    result = run_check(**env)

    assert result.returncode != 0
    assert missing in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr


def test_local_development_needs_no_configuration():
    result = run_check(DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_local_site_url_follows_the_development_servers_port():
    assert setting("settings.SITE_URL", DJANGO_DEBUG="1") == "http://127.0.0.1:8000"
    assert setting("settings.SITE_URL", DJANGO_DEBUG="1", PORT="8001") == "http://127.0.0.1:8001"


def test_database_comes_from_database_url(tmp_path):
    name = setting(
        "settings.DATABASES['default']['NAME']",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path}/elsewhere.sqlite3",
    )

    assert name == f"{tmp_path}/elsewhere.sqlite3"


def test_deploy_check_passes_in_production():
    result = run_check("--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr


def test_production_redirects_plain_http_to_https():
    assert production_response() == ["301", "https://news.example/admin/", "-"]


def test_the_redirect_can_be_left_to_a_tls_terminating_proxy():
    assert production_response(DJANGO_SECURE_SSL_REDIRECT="0") == ["302", LOGIN, "-"]


def test_a_proxys_x_forwarded_proto_is_trusted_only_when_asked():
    from_proxy = {"HTTP_X_FORWARDED_PROTO": "https"}

    assert production_response(from_proxy)[0] == "301"
    assert production_response(from_proxy, DJANGO_SECURE_PROXY_SSL_HEADER="1") == [
        "302",
        LOGIN,
        "max-age=31536000",
    ]


def test_hsts_length_subdomains_and_preload_are_the_operators_choice():
    status = production_response(
        {"secure": True},
        DJANGO_HSTS_SECONDS="3600",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="1",
        DJANGO_HSTS_PRELOAD="1",
    )

    assert status == ["302", LOGIN, "max-age=3600; includeSubDomains; preload"]


def test_redis_url_makes_redis_the_cache():
    cache = setting(
        "settings.CACHES['default']", REDIS_URL="redis://127.0.0.1:6390/2", **PRODUCTION
    )

    assert cache == repr(
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6390/2",
        }
    )


def test_without_redis_pages_are_cached_in_files_in_the_project_folder():
    cache = setting("settings.CACHES['default']", **PRODUCTION)

    assert cache == repr(
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(settings.BASE_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 3},
        }
    )


def test_the_cache_folder_and_its_size_are_the_operators_choice(tmp_path):
    options = {"DJANGO_CACHE_DIR": str(tmp_path), "DJANGO_CACHE_MAX_ENTRIES": "500"}
    location = setting("settings.CACHES['default']['LOCATION']", **PRODUCTION, **options)
    size = setting("settings.CACHES['default']['OPTIONS']['MAX_ENTRIES']", **PRODUCTION, **options)

    assert (location, size) == (str(tmp_path), "500")


SERVER_ERROR = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", "--no-input", verbosity=0)  # the error page links the stylesheet
client = Client(raise_request_exception=False)
print(client.get("/", HTTP_HOST="news.example", secure=True).status_code)
"""


def test_a_server_error_reaches_the_servers_log_with_its_cause(tmp_path):
    # A database that cannot be opened: every page is a 500.
    result = run(
        "-c",
        SERVER_ERROR,
        DATABASE_URL="sqlite:////nonexistent/news.sqlite3",
        DJANGO_STATIC_ROOT=str(tmp_path),
        **PRODUCTION,
    )

    assert result.stdout == "500\n", result.stderr
    assert "Internal Server Error: /" in result.stderr
    assert "unable to open database file" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"COMMENTS_MODERATION": "sometimes"}, "COMMENTS_MODERATION is 'sometimes'"),
        ({"COMMENTS_RATE_LIMIT": "5/10d"}, "COMMENTS_RATE_LIMIT: '5/10d' is not a rate"),
        ({"COMMENTS_EDIT_WINDOW": "15m"}, "COMMENTS_EDIT_WINDOW is '15m'"),
        (
            {"DJANGO_SITE_URL": "https://news.example/"},
            "DJANGO_SITE_URL is 'https://news.example/': it must end with the host",
        ),
    ],
)
def test_manage_check_reports_a_bad_setting_and_servers_refuse_to_start(env, message):
    check = run_check(DJANGO_DEBUG="1", **env)
    start = run("-c", "import mistralnews.wsgi", **{**PRODUCTION, **env})

    assert check.returncode != 0
    assert message in check.stderr
    assert start.returncode != 0
    assert "ImproperlyConfigured" in start.stderr and message in start.stderr


def test_a_server_starts_with_good_settings():
    assert run("-c", "import mistralnews.wsgi", **PRODUCTION).returncode == 0


BAD_REQUESTS = """
import django
django.setup()
from django.test import Client
# With CSRF checks on and a CSRF cookie, the middleware reads the form (to compare the
# tokens) before any view or database.
client = Client(raise_request_exception=False, enforce_csrf_checks=True)
client.cookies["csrftoken"] = "x" * 32
statuses = [
    client.get("/", HTTP_HOST="evil.example", secure=True).status_code,
    client.post("/articles/x/comments/", {f"f{n}": "x" for n in range(1100)},
                HTTP_HOST="news.example").status_code,
    client.generic("POST", "/articles/x/comments/", b"x" * (3 * 1024 * 1024),
                   "application/x-www-form-urlencoded", HTTP_HOST="news.example").status_code,
]
print(*statuses)
"""


def test_bad_requests_are_one_warning_line_each_not_a_traceback(tmp_path):
    result = run(
        "-c",
        BAD_REQUESTS,
        DJANGO_STATIC_ROOT=str(tmp_path),
        DJANGO_SECURE_SSL_REDIRECT="0",
        **PRODUCTION,
    )

    assert result.stdout.split() == ["400", "400", "400"], result.stderr
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert len(lines) == 3, result.stderr
    assert lines[0].startswith("WARNING django.security.DisallowedHost: Invalid HTTP_HOST")
    assert lines[1].startswith("WARNING django.security.TooManyFieldsSent:")
    assert lines[2].startswith("WARNING django.security.RequestDataTooBig:")
