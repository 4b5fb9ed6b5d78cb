"""Email settings: one EMAIL_URL and DEFAULT_FROM_EMAIL, required in production, checked by
`manage.py check` and at every start, with the password never printed."""

import pytest

from tests.test_settings import PRODUCTION, run, run_check, setting

EMAIL = {"DEFAULT_FROM_EMAIL": "news@news.example"}


def test_production_refuses_to_start_without_email_settings():
    result = run_check(**PRODUCTION, EMAIL_URL="", DEFAULT_FROM_EMAIL="")

    assert result.returncode != 0
    assert "EMAIL_URL and DEFAULT_FROM_EMAIL must be set when DJANGO_DEBUG is off" in (
        result.stderr
    )


def test_development_prints_emails_from_a_local_address():
    unset = {"DJANGO_DEBUG": "1", "EMAIL_URL": "", "DEFAULT_FROM_EMAIL": ""}

    assert setting("settings.EMAIL_BACKEND", **unset) == (
        "django.core.mail.backends.console.EmailBackend"
    )
    assert setting("settings.DEFAULT_FROM_EMAIL", **unset) == "news@localhost"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://news%40news.example:p%40ss%3Aword@mail.example:587",
            "smtp mail.example 587 TLS=True SSL=False news@news.example p@ss:word",
        ),
        (
            "smtp+ssl://news:secret@mail.example:465",
            "smtp mail.example 465 TLS=False SSL=True news secret",
        ),
        ("smtp+ssl://mail.example", "smtp mail.example 465 TLS=False SSL=True"),
        ("smtp://127.0.0.1:2525", "smtp 127.0.0.1 2525 TLS=False SSL=False"),
        ("consolemail://", "console localhost 25 TLS=False SSL=False"),
    ],
)
def test_email_url_gives_the_server_its_encryption_and_login(url, expected):
    shown = setting(
        "settings.EMAIL_BACKEND.split('.')[-2], settings.EMAIL_HOST, settings.EMAIL_PORT, "
        "f'TLS={settings.EMAIL_USE_TLS}', f'SSL={settings.EMAIL_USE_SSL}', "
        "settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD",
        **PRODUCTION,
        **EMAIL,
        EMAIL_URL=url,
    )

    assert shown == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_URL": "http://mail.example"}, "EMAIL_URL (http://…): its scheme must be one of"),
        ({"EMAIL_URL": "filemail:///tmp/mail"}, "EMAIL_URL (filemail://…): its scheme"),
        (
            {"EMAIL_URL": "smtps://news:secret@mail.example:465"},
            "EMAIL_URL (smtps://…): smtps:// means STARTTLS here; port 465 needs smtp+ssl://.",
        ),
        ({"EMAIL_URL": "smtp+tls://:587"}, "EMAIL_URL (smtp+tls://…): it names no mail server."),
        ({"EMAIL_URL": "smtp://mail.example:x"}, "EMAIL_URL (smtp://…): it is not a URL"),
        ({"DEFAULT_FROM_EMAIL": "news"}, "DEFAULT_FROM_EMAIL is 'news', not an email address."),
        ({"SITE_NAME": "News\u202e"}, "SITE_NAME is 'News\\u202e': a line break or control"),
    ],
)
def test_a_bad_email_setting_is_reported(env, message):
    check = run_check(**PRODUCTION, **{"EMAIL_URL": "smtp+tls://mail.example", **EMAIL, **env})

    assert check.returncode != 0
    assert message in check.stderr
    assert "secret" not in check.stderr


def test_servers_and_the_worker_refuse_to_start_with_a_bad_email_url():
    env = {**PRODUCTION, **EMAIL, "EMAIL_URL": "smtps://news:secret@mail.example:465"}
    server = run("-c", "import mistralnews.wsgi", **env)
    worker = run("manage.py", "db_worker", "--batch", **env)

    assert server.returncode != 0
    assert "ImproperlyConfigured" in server.stderr and "outbox.E001" in server.stderr
    assert worker.returncode != 0 and "outbox.E001" in worker.stderr


def test_plain_smtp_to_another_machine_is_a_warning():
    result = run_check(**PRODUCTION, **EMAIL, EMAIL_URL="smtp://news:secret@mail.example")
    relay = run_check(**PRODUCTION, **EMAIL, EMAIL_URL="smtp://127.0.0.1:25")

    assert result.returncode == 0, result.stderr
    assert "outbox.W001" in result.stderr and "unencrypted" in result.stderr
    assert "secret" not in result.stderr
    assert relay.returncode == 0 and "outbox.W001" not in relay.stderr
