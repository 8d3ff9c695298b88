"""SMS sending behind a backend interface, like django.core.mail.

`send_sms(to, body)` sends through settings.SMS_BACKEND: console (development), file, locmem
(tests, messages land in `core.sms.outbox`) or http (a real gateway).
"""

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list = []


def get_backend(backend=None, **kwargs):
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def send_sms(to, body, *, backend=None):
    from .message import SmsMessage

    return get_backend(backend).send_messages([SmsMessage(to=to, body=body)])
