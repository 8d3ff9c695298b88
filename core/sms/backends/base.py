class BaseSmsBackend:
    """Sends a list of SmsMessage; returns how many were sent. Raises on failure (the task retries)."""

    def __init__(self, fail_silently=False, **kwargs):
        self.fail_silently = fail_silently

    def send_messages(self, messages):
        raise NotImplementedError
