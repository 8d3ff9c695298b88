from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Keeps messages in portal.sms.outbox (tests)."""

    def send_messages(self, messages):
        from portal import sms

        sms.outbox.extend(messages)
        return len(messages)
