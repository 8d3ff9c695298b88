"""The captcha of the public forms (django-simple-captcha): digits only, with audio and a refresh.

Digits, because the audio alternative (flite, /captcha/audio/<key>.wav) spells the challenge in
English: "four, seven, one..." is understood by everyone where letters would not be. The widget
(accounts.forms.passwords.CaptchaInput, template components/captcha.html) shows the image, a link to
the audio file when flite is installed (settings.CAPTCHA_FLITE_PATH) and, with JavaScript, a button
asking for another image (static/js/guichet.js).
"""

import secrets

from django.conf import settings

DIGITS = "23456789"  # no 0/1: easily mistaken for O/I in the image


def digits_challenge():
    """(challenge, response) for django-simple-captcha: CAPTCHA_LENGTH random digits."""
    length = int(getattr(settings, "CAPTCHA_LENGTH", 5))
    answer = "".join(secrets.choice(DIGITS) for _ in range(length))
    return answer, answer
