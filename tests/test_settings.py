"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "news.example"}, "DJANGO_SECRET_KEY must"),
        ({"DJANGO_SECRET_KEY": "s" * 50}, "DJANGO_ALLOWED_HOSTS must"),
    ],
)
def test_production_refuses_to_start_without_secret_and_hosts(env, missing):
    result = run_check(**env)

    assert result.returncode != 0
    assert missing in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr


def test_local_development_needs_no_configuration():
    result = run_check(DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_database_comes_from_database_url(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.DATABASES['default']['NAME'])",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mistralnews.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path}/elsewhere.sqlite3",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == f"{tmp_path}/elsewhere.sqlite3"
