"""The captcha of the public forms (django-simple-captcha): digits only, with audio and a refresh.

Digits, because the audio alternative (/captcha/audio/<key>.wav) spells the challenge: in French with
espeak-ng (settings.CAPTCHA_ESPEAK_PATH, what the image installs), else in English with flite
(settings.CAPTCHA_FLITE_PATH); digits are understood where letters would not be. The widget
(accounts.forms.passwords.CaptchaInput, template components/captcha.html) shows the image, a link to
the audio file (saying its language) and, with JavaScript, a button asking for another image
(static/js/guichet.js).
"""

import secrets
import subprocess

from django.conf import settings

DIGITS = "23456789"  # no 0/1: easily mistaken for O/I in the image


def digits_challenge():
    """(challenge, response) for django-simple-captcha: CAPTCHA_LENGTH random digits."""
    length = int(getattr(settings, "CAPTCHA_LENGTH", 5))
    answer = "".join(secrets.choice(DIGITS) for _ in range(length))
    return answer, answer


def audio_in_french() -> bool:
    return bool(getattr(settings, "CAPTCHA_ESPEAK_PATH", None))


def speak_digits_in_french(digits: str) -> bytes:
    """A WAV file of `digits` spoken one by one in French, slowly, with a pause between them."""
    text = ", ".join(digits)
    # The challenge is our own digits (digits_challenge), the binary a setting: no untrusted input.
    result = subprocess.run(  # noqa: S603
        [settings.CAPTCHA_ESPEAK_PATH, "-v", "fr", "-s", "120", "-g", "12", "--stdout", text],
        capture_output=True,
        timeout=10,
        check=True,
    )
    return result.stdout
