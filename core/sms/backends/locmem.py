from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Keeps messages in core.sms.outbox (tests)."""

    def send_messages(self, messages):
        from core import sms

        sms.outbox.extend(messages)
        return len(messages)
