"""Development: DEBUG on, a fixed development key, everything embedded."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
# Outgoing e-mail and SMS are written to files (var/mail/, var/sms/), not mixed into the server's log;
# /dev/boite-d-envoi/ lists them. EMAIL_URL / SMS_BACKEND in the environment still win.
os.environ.setdefault("GUICHET_DEFAULT_EMAIL_URL", "filemail://")
os.environ.setdefault("SMS_BACKEND", "core.sms.backends.file.SmsBackend")

from .base import *  # noqa: F403

WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
