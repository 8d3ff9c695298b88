"""The public forms' captcha: digits, an audio alternative that works (flite), a refresh; the statement says so."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from accounts.forms.passwords import ForgotPartnersForm
from portal.captcha import digits_challenge

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def require_flite():
    if shutil.which("flite") is None:
        if os.environ.get("GUICHET_REQUIRE_FLITE") == "1":
            pytest.fail("flite is required (GUICHET_REQUIRE_FLITE=1): apt-get install flite")
        pytest.skip("flite is not installed (apt-get install flite)")


def test_challenge_is_digits_answered_as_typed():
    challenge, response = digits_challenge()
    assert re.fullmatch(r"[2-9]{5}", challenge) and response == challenge


def test_widget_offers_audio_and_refresh(settings):
    settings.CAPTCHA_FLITE_PATH = "/usr/bin/flite"
    html = str(ForgotPartnersForm()["captcha"])
    assert 'alt="Image de vérification : des chiffres déformés à recopier"' in html
    audio = re.search(r'href="(/captcha/audio/[0-9a-f]+\.wav)"', html)
    assert audio and "Écouter les chiffres" in html
    assert "data-captcha-refresh hidden" in html and "Afficher une autre image" in html
    assert f'data-refresh-url="{reverse("captcha-refresh")}"' in html


def test_audio_route_answers_a_wav_spelling_the_digits(client, settings):
    require_flite()
    settings.CAPTCHA_FLITE_PATH = shutil.which("flite")
    key = CaptchaStore.generate_key()
    response = client.get(reverse("captcha-audio", kwargs={"key": key}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    for close in response._resource_closers:  # the temporary file, without ending the request (DB connection)
        close()
    assert response.ranged_file.f.closed
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE" and len(body) > 10_000


def test_settings_find_flite_on_the_path():
    from django.conf import settings

    require_flite()
    assert shutil.which("flite") == settings.CAPTCHA_FLITE_PATH


def test_refresh_gives_a_new_key_image_and_audio(client, settings):
    settings.CAPTCHA_FLITE_PATH = "/usr/bin/flite"
    response = client.get(reverse("captcha-refresh"), headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert CaptchaStore.objects.filter(hashkey=data["key"]).exists()
    assert data["image_url"].endswith(f"{data['key']}/") and data["audio_url"].endswith(f"{data['key']}.wav")


def test_ci_and_image_install_flite_and_the_statement_is_true(client):
    assert "apt-get install -y -q flite" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "flite" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    html = client.get(reverse("portal:accessibility")).content.decode()
    assert "alternative sonore" in html and "autre image" in html
