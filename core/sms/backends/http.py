"""A real SMS gateway over HTTP: one JSON POST per message.

    POST settings.SMS_GATEWAY_URL
    Authorization: Bearer <settings.SMS_GATEWAY_TOKEN>
    {"from": "GUICHET", "to": "+33612345678", "text": "..."}

Any answer other than 2xx (redirects included), a timeout or a network error raises
SmsGatewayError, so that core.tasks.deliver_message retries later. An invalid number raises
InvalidPhoneNumber (a ValueError): a permanent error, not retried. Standard library only (urllib).
"""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..phone import normalize_phone
from .base import BaseSmsBackend


class SmsGatewayError(RuntimeError):
    def __init__(self, message, *, status=None):
        super().__init__(message)
        self.status = status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is an error (HTTPError): never resend the token elsewhere


class SmsBackend(BaseSmsBackend):
    def __init__(self, *, url=None, token=None, timeout=None, **kwargs):
        super().__init__(**kwargs)
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout or getattr(settings, "SMS_GATEWAY_TIMEOUT", 10)
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("SMS_GATEWAY_URL must be an http(s) URL to use the HTTP SMS backend")
        self._opener = urllib.request.build_opener(_NoRedirect)

    def send_messages(self, messages):
        sent = 0
        for message in messages:
            payload = {"from": message.sender, "to": normalize_phone(message.to), "text": message.body}
            try:
                self._post(payload)
            except SmsGatewayError:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def _post(self, payload):
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url, data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read(4096)
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(200).decode("utf-8", "replace") if exc.fp else ""
            exc.close()
            raise SmsGatewayError(f"SMS gateway answered {exc.code}: {detail}".strip(), status=exc.code) from exc
        except (urllib.error.URLError, OSError) as exc:  # refused, DNS, TLS, timeout
            raise SmsGatewayError(f"SMS gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsGatewayError(f"SMS gateway answered {status}", status=status)
        return status
