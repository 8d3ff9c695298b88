"""Writes SMS to files in settings.SMS_FILE_PATH, like Django's file-based e-mail backend.

One file per backend instance (one `send_sms` call), named `<timestamp>-<random>.log`.
"""

import os
import threading
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from ..phone import normalize_phone
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    _lock = threading.RLock()

    def __init__(self, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.file_path = os.path.abspath(file_path or settings.SMS_FILE_PATH)
        try:
            os.makedirs(self.file_path, exist_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(f"SMS_FILE_PATH {self.file_path!r} cannot be created: {exc}") from exc
        if not os.access(self.file_path, os.W_OK):
            raise ImproperlyConfigured(f"SMS_FILE_PATH {self.file_path!r} is not writable")
        self.filename = None

    def _get_filename(self):
        if self.filename is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            self.filename = os.path.join(self.file_path, f"{stamp}-{uuid.uuid4().hex[:12]}.log")
        return self.filename

    def send_messages(self, messages):
        if not messages:
            return 0
        lines = []
        for message in messages:
            lines.append(
                f"Date: {timezone.now().isoformat()}\nFrom: {message.sender}\nTo: {normalize_phone(message.to)}\n\n"
                f"{message.body}\n{'-' * 40}\n"
            )
        with self._lock, open(self._get_filename(), "a", encoding="utf-8") as stream:
            stream.write("".join(lines))
        return len(messages)
