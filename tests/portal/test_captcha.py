"""The public forms' captcha: digits, an audio alternative that works (in French with espeak-ng, else in
English with flite), a refresh; the statement says so."""

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


def require_espeak():
    if shutil.which("espeak-ng") is None:
        if os.environ.get("GUICHET_REQUIRE_ESPEAK") == "1":
            pytest.fail("espeak-ng is required (GUICHET_REQUIRE_ESPEAK=1): apt-get install espeak-ng")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


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
    settings.CAPTCHA_ESPEAK_PATH = None  # English, by flite
    key = CaptchaStore.generate_key()
    response = client.get(reverse("captcha-audio", kwargs={"key": key}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    for close in response._resource_closers:  # the temporary file, without ending the request (DB connection)
        close()
    assert response.ranged_file.f.closed
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE" and len(body) > 10_000


def test_the_digits_are_spoken_in_french_when_espeak_is_there(client, settings, monkeypatch):
    require_espeak()
    settings.CAPTCHA_ESPEAK_PATH = shutil.which("espeak-ng")
    settings.CAPTCHA_FLITE_PATH = "/nonexistent/flite"  # never called: French comes first
    import portal.captcha

    calls = []
    real_run = portal.captcha.subprocess.run
    monkeypatch.setattr(portal.captcha.subprocess, "run", lambda args, **kw: calls.append(args) or real_run(args, **kw))
    key = CaptchaStore.generate_key()
    digits = CaptchaStore.objects.get(hashkey=key).challenge
    response = client.get(reverse("captcha-audio", kwargs={"key": key}))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert response.content[:4] == b"RIFF" and len(response.content) > 10_000
    assert calls[0][1:3] == ["-v", "fr"] and calls[0][-1] == ", ".join(digits)
    html = str(ForgotPartnersForm()["captcha"])
    assert "Écouter les chiffres (fichier audio)" in html and "en anglais" not in html
    assert client.get(reverse("captcha-audio", kwargs={"key": "0" * 40})).status_code == 410


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
    assert "apt-get install -y -q espeak-ng flite" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "espeak-ng" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    html = client.get(reverse("portal:accessibility")).content.decode()
    assert "alternative sonore les épelle en français" in html and "autre image" in html
