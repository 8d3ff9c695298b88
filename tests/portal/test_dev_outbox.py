"""Development outbox: e-mail and SMS written under var/, listed newest first on a DEBUG-only page."""

import datetime
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.urls import reverse

from core import sms
from tests.accounts.factories import UserFactory
from tests.utils.clients import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_dirs(settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path / "mail")},
        }
    }
    settings.SMS_BACKEND = "core.sms.backends.file.SmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    return tmp_path


def test_development_settings_write_mail_and_sms_to_files(tmp_path):
    """portal.settings.development, with nothing in the environment: files under var/, not the console."""
    env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "GUICHET_DEFAULT_EMAIL_URL", "SMS_BACKEND"}}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.development", GUICHET_VAR_DIR=str(tmp_path / "var"))
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.MAILERS['default']['BACKEND']); print(s.MAILERS['default']['OPTIONS']['file_path']); "
        "print(s.SMS_BACKEND); print(s.SMS_FILE_PATH)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()[-4:]
    assert lines == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "var" / "mail"),
        "core.sms.backends.file.SmsBackend",
        str(tmp_path / "var" / "sms"),
    ]


def test_page_lists_mail_and_sms_newest_first(client, settings, outbox_dirs):
    settings.DEBUG = True
    mail.send_mail("Votre mot de passe temporaire", "Mot de passe : Kx7-temp-Vq2", None, ["camille@exemple.test"])
    old = next((outbox_dirs / "mail").iterdir())
    stamp = (datetime.datetime.now() - datetime.timedelta(hours=1)).timestamp()
    os.utime(old, (stamp, stamp))
    sms.send_sms("0612345678", "Code : 481516")
    sign_in(client, UserFactory())
    response = client.get(reverse("portal:dev_outbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre mot de passe temporaire" in html
    assert "Kx7-temp-Vq2" in html
    assert "camille@exemple.test" in html
    assert "Code : 481516" in html
    assert html.index("Code : 481516") < html.index("Kx7-temp-Vq2")  # the SMS is newer


def test_page_does_not_exist_without_debug(client, settings, outbox_dirs):
    settings.DEBUG = False
    sign_in(client, UserFactory(is_staff=True))
    assert client.get(reverse("portal:dev_outbox")).status_code == 404


def test_page_needs_a_signed_in_user(client, settings, outbox_dirs):
    settings.DEBUG = True
    response = client.get(reverse("portal:dev_outbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_readme_links_the_page():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "/dev/boite-d-envoi/" in readme
