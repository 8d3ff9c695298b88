import sys
import threading

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Writes each SMS to standard output (development)."""

    stream = None
    _lock = threading.RLock()

    def send_messages(self, messages):
        stream = self.stream or sys.stdout
        with self._lock:
            for message in messages:
                stream.write(f"SMS from {message.sender} to {message.to}\n{message.body}\n{'-' * 40}\n")
            stream.flush()
        return len(messages)
