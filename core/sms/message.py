from dataclasses import dataclass

from django.conf import settings


@dataclass
class SmsMessage:
    to: str
    body: str
    sender: str = ""

    def __post_init__(self):
        self.sender = self.sender or settings.SMS_SENDER
