"""The desk's login locks a username for one client after a few wrong passwords.

Attempts are kept in the database under a pseudonym of the client, never its address
(mistralnews/login_throttling.py, settings AXES_*).
"""

import ipaddress
import logging
import re
from datetime import timedelta
from io import StringIO

import httpx
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from mistralnews.login_throttling import PSEUDONYM_NETWORK
from tests import servers

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "Lighthouse-keeper-of-Brest-1987"
LIMIT = 5


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """A fast hasher: these tests check many passwords, and their cost is not the point."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(editor):
    editor.username = "alice"
    editor.set_password(PASSWORD)
    editor.save()
    return editor


def log_in(username, password, address="203.0.113.7"):
    """A login through the desk's form from a new browser at `address`: the response."""
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def fail(times, username="alice", address="203.0.113.7"):
    for _ in range(times):
        log_in(username, "wrong password", address)


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def locked_out(response, minutes=15):
    locked = f"Too many failed login attempts. Try again in {minutes} minute"
    return response.status_code == 429 and locked in response.content.decode()


def test_the_right_password_works_after_fewer_wrong_ones_than_the_limit(alice):
    fail(LIMIT - 1)

    assert logged_in(log_in("alice", PASSWORD))


def test_after_the_limit_of_wrong_passwords_the_right_one_is_refused(alice):
    fail(LIMIT - 1)
    assert locked_out(log_in("alice", "wrong password"))  # the last one locks

    response = log_in("alice", PASSWORD)

    assert locked_out(response)
    assert response["Retry-After"] == "900"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_the_lockout_page_is_the_desks_with_the_sites_headers(alice):
    fail(LIMIT)

    response = log_in("alice", PASSWORD)

    html = response.content.decode()
    assert "<title>Too many failed login attempts | mistralnews desk</title>" in html
    assert "ask an administrator to unlock your login" in html
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_another_client_can_still_log_in_as_a_locked_user(alice):
    fail(LIMIT, address="203.0.113.7")

    assert logged_in(log_in("alice", PASSWORD, address="198.51.100.20"))
    assert locked_out(log_in("alice", PASSWORD, address="203.0.113.7"))


def test_a_locked_client_can_still_log_in_as_another_user(alice, django_user_model):
    django_user_model.objects.create_user("bruno", password=PASSWORD, is_staff=True)
    fail(LIMIT, username="alice")

    assert logged_in(log_in("bruno", PASSWORD))


def test_a_locked_username_looks_the_same_whether_or_not_it_exists(alice):
    fail(LIMIT, username="alice")
    fail(LIMIT, username="nobody")

    existing = log_in("alice", PASSWORD)
    missing = log_in("nobody", PASSWORD)

    assert existing.status_code == missing.status_code == 429
    assert existing.content.decode() == missing.content.decode()


def test_a_wrong_password_looks_the_same_whether_or_not_the_username_exists(alice):
    existing = log_in("alice", "wrong password")
    missing = log_in("nobody", "wrong password")

    assert existing.status_code == missing.status_code == 200
    assert strip_token(existing.content.decode()) == strip_token(missing.content.decode()).replace(
        'value="nobody"', 'value="alice"'
    )


def strip_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def every_stored_value():
    """Every value of every row of axes' tables, as text."""
    return [
        str(value)
        for model in apps.get_app_config("axes").get_models()
        for row in model.objects.values_list()
        for value in row
    ]


@pytest.mark.parametrize(
    ("address", "spellings"),
    [
        ("203.0.113.7", ["203.0.113.7"]),
        (
            "2001:db8:85a3::8a2e:370:7334",
            ["2001:db8:85a3::8a2e:370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"],
        ),
    ],
)
def test_no_stored_row_holds_the_clients_address(
    alice, django_user_model, settings, address, spellings
):
    # Axes' logs of every failure and every login too, which the site leaves off.
    settings.AXES_DISABLE_ACCESS_LOG = False
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    django_user_model.objects.create_user("carla", password=PASSWORD, is_staff=True)
    fail(LIMIT, address=address)
    fail(2, username="nobody", address=address)
    assert logged_in(log_in("carla", PASSWORD, address))

    stored = every_stored_value()

    assert AccessAttempt.objects.count() == 2 and AccessLog.objects.count() == 1
    assert not [value for value in stored if any(raw in value for raw in spellings)]
    pseudonyms = {
        row.ip_address
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
        for row in model.objects.all()
    }
    assert len(pseudonyms) == 1
    assert ipaddress.ip_address(pseudonyms.pop()) in PSEUDONYM_NETWORK
    assert PASSWORD not in "".join(stored) and "wrong password" not in "".join(stored)


def test_only_failed_attempts_are_kept(alice):
    fail(2)
    assert logged_in(log_in("alice", PASSWORD))  # and forgets the two failures

    assert every_stored_value() == []


def test_a_lockout_is_logged_as_one_warning_line_without_the_address(alice, caplog):
    fail(LIMIT - 1)
    caplog.set_level(logging.WARNING, logger="axes")
    caplog.clear()

    for _ in range(3):  # the one that locks, then two refused
        log_in("alice", "wrong password")

    lockouts = [record for record in caplog.records if "Locking out" in record.getMessage()]
    assert len(lockouts) == 1
    line = lockouts[0].getMessage()
    assert lockouts[0].levelno == logging.WARNING
    assert "\n" not in line
    assert "username 'alice' from client 100::" in line
    assert "203.0.113.7" not in caplog.text


def test_the_lock_ends_after_the_cool_off(alice):
    fail(LIMIT)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert locked_out(log_in("alice", PASSWORD), minutes=1)

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=1))

    assert logged_in(log_in("alice", PASSWORD))


def test_tries_during_a_lock_are_refused_without_extending_it(alice):
    fail(LIMIT)
    stored = AccessAttempt.objects.get()
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))

    tries = [log_in("alice", "wrong password") for _ in range(10)]

    assert all(locked_out(response, minutes=5) for response in tries)
    assert 290 < int(tries[-1]["Retry-After"]) <= 300
    after = AccessAttempt.objects.get()
    assert after.failures_since_start == LIMIT
    assert after.post_data == stored.post_data  # a row does not grow with every try


def test_failure_limit_and_cool_off_come_from_the_settings(alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    fail(2)

    response = log_in("alice", PASSWORD)

    assert response.status_code == 429
    assert "Try again in 3 minutes" in response.content.decode()
    assert response["Retry-After"] == "180"


@pytest.fixture
def superuser_client(db):
    admin = User.objects.create_superuser("root", "root@example.com", "Root-passphrase-2026")
    client = Client()
    client.force_login(admin)
    return client


def test_a_superuser_unlocks_a_login_by_deleting_its_attempt_in_the_desk(alice, superuser_client):
    fail(LIMIT)
    attempt = AccessAttempt.objects.get(username="alice")

    listing = superuser_client.get("/admin/axes/accessattempt/")
    deleted = superuser_client.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}
    )

    assert listing.status_code == 200 and "alice" in listing.content.decode()
    assert deleted.status_code == 302
    assert logged_in(log_in("alice", PASSWORD))


def test_an_administrator_unlocks_a_username_from_the_command_line(alice):
    fail(LIMIT)

    out = StringIO()
    call_command("axes_reset_username", "alice", stdout=out)

    assert out.getvalue() == "1 attempts removed.\n"
    assert logged_in(log_in("alice", PASSWORD))


def test_editors_do_not_see_login_attempts(alice, editor_client):
    fail(LIMIT, username="nobody")

    assert editor_client.get("/admin/axes/accessattempt/").status_code == 403
    assert "Access attempts" not in editor_client.get("/admin/").content.decode()


def test_force_login_in_tests_is_not_locked(alice, editor_client):
    fail(LIMIT, address="127.0.0.1")  # the test client's address

    assert editor_client.get("/admin/").status_code == 200


# Across processes: two app servers sharing one database


def desk_login(base_url, username, password):
    """Log in through a server's login form over HTTP: the response to the POST."""
    form = httpx.get(base_url + LOGIN, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    return httpx.post(
        base_url + LOGIN,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Cookie": f"csrftoken={form.cookies['csrftoken']}"},
        timeout=10,
    )


def test_a_lock_made_through_one_server_holds_on_another(tmp_path):
    """Wrong passwords through one gunicorn, the right one through another sharing its
    database: locked. A lock kept in a process's memory would let it through."""
    with servers.fresh_database(tmp_path) as database:
        env = servers.production_env(
            DJANGO_SECRET_KEY="tests-only-not-a-secret",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SITE_URL="http://127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DATABASE_URL=database,
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DJANGO_LOGIN_FAILURE_LIMIT="3",
        )
        servers.manage("collectstatic", "--no-input", env=env)
        servers.manage("migrate", "--no-input", env=env)
        servers.manage(
            "create_editor",
            "alice",
            "--email",
            "a@example.com",
            "--password-stdin",
            env=env,
            stdin=PASSWORD + "\n",
        )
        with (
            servers.Gunicorn(env, tmp_path / "a.log") as a,
            servers.Gunicorn(env, tmp_path / "b.log") as b,
        ):
            assert desk_login(b.url, "alice", PASSWORD).status_code == 302
            statuses = [desk_login(a.url, "alice", "wrong password").status_code for _ in range(3)]

            refused = desk_login(b.url, "alice", PASSWORD)

        log = (tmp_path / "a.log").read_text()
    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert "Too many failed login attempts. Try again in 15 minutes" in refused.text
    axes_lines = [line for line in log.splitlines() if "AXES:" in line]
    assert any(
        re.search(r"AXES: Locking out username 'alice' from client 100::\S+ after", line)
        for line in axes_lines
    )
    assert not [line for line in axes_lines if "127.0.0.1" in line]
