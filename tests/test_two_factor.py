"""Two-factor login for the desk (DESK_REQUIRE_2FA, on by default in production): after the
password, a staff user sets up an authenticator app once, then types its code each login;
until then the desk and the preview are out of reach."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.servers import production_env
from tests.test_settings import PRODUCTION

TWO_FACTOR = "/admin/two-factor/"


@pytest.fixture
def required(settings):
    settings.DESK_REQUIRE_2FA = True


def code(device):
    """The code the editor's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def required_by(**variables):
    """DESK_REQUIRE_2FA in a process of its own, with `variables` and no DJANGO_DESK_REQUIRE_2FA
    unless they name it."""
    env = {**production_env(**PRODUCTION), **variables}
    if "DJANGO_DESK_REQUIRE_2FA" not in variables:
        del env["DJANGO_DESK_REQUIRE_2FA"]
    script = "import django; from django.conf import settings; django.setup(); "
    script += "print(settings.DESK_REQUIRE_2FA)"
    project = Path(__file__).parent.parent
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, env=env, cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_requires_it_by_default_and_development_does_not():
    assert required_by() == "True"
    assert required_by(DJANGO_DEBUG="1") == "False"
    assert required_by(DJANGO_DESK_REQUIRE_2FA="0") == "False"
    assert required_by(DJANGO_DEBUG="1", DJANGO_DESK_REQUIRE_2FA="1") == "True"


def test_a_staff_session_without_its_second_factor_is_sent_to_set_it_up(
    required, editor_client, mistral
):
    for url in ["/admin/", "/admin/articles/article/", mistral.get_preview_url()]:
        response = editor_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{TWO_FACTOR}?next={url.replace('/', '%2F')}"


def test_setting_up_shows_the_key_and_a_first_code_confirms_it(required, editor_client, editor):
    page = editor_client.get(TWO_FACTOR).content.decode()

    assert "Set up two-factor login" in page
    assert '<svg width="' in page  # the QR code, inline
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    key = re.search(r'<code class="two-factor__key">([A-Z2-7 ]+)</code>', page)[1]
    assert len(key.replace(" ", "")) == 32
    assert editor_client.get(TWO_FACTOR).content.decode().count(key) == 1  # same key on reload

    response = editor_client.post(TWO_FACTOR, {"token": code(device), "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert editor_client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message(required, editor_client, editor):
    editor_client.get(TWO_FACTOR)

    response = editor_client.post(TWO_FACTOR, {"token": "000000"})

    assert response.status_code == 200
    assert "That code is wrong or has expired" in response.content.decode()
    assert editor_client.get("/admin/").status_code == 302


def test_later_logins_ask_for_the_code_only(required, editor):
    device = TOTPDevice.objects.create(user=editor, name="Phone", confirmed=True)
    client = Client()
    client.force_login(editor)

    page = client.get(TWO_FACTOR).content.decode()
    assert "Two-factor login" in page
    assert 'class="segno"' not in page  # the key is never shown again
    assert "two-factor__key" not in page

    client.post(TWO_FACTOR, {"token": code(device)})
    assert client.get("/admin/").status_code == 200


def test_an_outside_next_address_is_not_followed(required, editor):
    device = TOTPDevice.objects.create(user=editor, name="Phone", confirmed=True)
    client = Client()
    client.force_login(editor)

    response = client.post(TWO_FACTOR, {"token": code(device), "next": "https://evil.example/"})

    assert response["Location"] == "/admin/"


def test_readers_and_visitors_never_see_the_page(required, client, django_user_model):
    assert client.get(TWO_FACTOR).status_code == 403
    client.force_login(django_user_model.objects.create_user("reader"))
    assert client.get(TWO_FACTOR).status_code == 403
    assert client.get("/").status_code == 200  # readers are not asked for anything


def test_without_the_setting_the_password_is_enough(settings, editor_client):
    settings.DESK_REQUIRE_2FA = False

    assert editor_client.get("/admin/").status_code == 200
