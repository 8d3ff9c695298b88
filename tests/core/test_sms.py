"""SMS backends: console, file, locmem, and the HTTP gateway against a local server."""

import contextlib
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import sms
from core.sms import send_sms
from core.sms.backends import console
from core.sms.backends.http import SmsBackend as HttpSmsBackend
from core.sms.backends.http import SmsGatewayError
from core.sms.message import SmsMessage
from core.sms.phone import InvalidPhoneNumber, normalize_phone

# --- Numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("0612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+44 7911 123456", "+447911123456"),
        ("+590 690 12 34 56", "+590690123456"),
    ],
)
def test_numbers_are_normalised_to_e164(value, expected):
    assert normalize_phone(value) == expected


@pytest.mark.parametrize("value", ["", "123", "abc", "06 12", "+33 1"])
def test_invalid_numbers_raise_value_error(value):
    with pytest.raises(ValueError, match="invalide"):
        normalize_phone(value)
    with pytest.raises(InvalidPhoneNumber):
        normalize_phone(value)


# --- console, locmem, file --------------------------------------------------------------------


def test_console_backend_writes_to_stdout(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(console.SmsBackend, "stream", stream)
    assert send_sms("0612345678", "Votre code : 123456", backend="core.sms.backends.console.SmsBackend") == 1
    assert "to 0612345678" in stream.getvalue()
    assert "Votre code : 123456" in stream.getvalue()


def test_locmem_backend_keeps_messages_in_the_outbox(settings):
    settings.SMS_SENDER = "GUICHET"
    assert send_sms("0612345678", "Bonjour") == 1
    assert len(sms.outbox) == 1
    assert (sms.outbox[0].to, sms.outbox[0].body, sms.outbox[0].sender) == ("0612345678", "Bonjour", "GUICHET")


def test_file_backend_writes_one_file_per_send(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    backend = "core.sms.backends.file.SmsBackend"
    assert send_sms("06 12 34 56 78", "Premier message é", backend=backend) == 1
    assert send_sms("0756123456", "Second", backend=backend) == 1
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    contents = sorted(path.read_text(encoding="utf-8") for path in files)
    assert any("To: +33612345678" in text and "Premier message é" in text for text in contents)
    assert any("To: +33756123456" in text and "Second" in text for text in contents)
    assert all("From: " in text for text in contents)


def test_file_backend_refuses_an_invalid_number(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    with pytest.raises(ValueError):
        send_sms("12", "x", backend="core.sms.backends.file.SmsBackend")
    assert list((tmp_path / "sms").iterdir()) == []


def test_file_backend_needs_a_writable_directory(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    settings.SMS_FILE_PATH = str(blocker / "sms")
    with pytest.raises(ImproperlyConfigured):
        send_sms("0612345678", "x", backend="core.sms.backends.file.SmsBackend")


# --- HTTP gateway -----------------------------------------------------------------------------


class Gateway:
    """A tiny SMS gateway on 127.0.0.1: records requests, answers with the status it is told."""

    def __init__(self):
        self.requests = []
        self.status = 202
        self.delay = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                gateway.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                if gateway.delay:
                    time.sleep(gateway.delay)
                payload = json.dumps({"id": len(gateway.requests)}).encode()
                self.send_response(gateway.status)
                if 300 <= gateway.status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (timeout test)
                    self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def gateway(settings):
    with Gateway() as server:
        settings.SMS_GATEWAY_URL = server.url
        settings.SMS_GATEWAY_TOKEN = "gateway-token"
        settings.SMS_SENDER = "GUICHET"
        settings.SMS_BACKEND = "core.sms.backends.http.SmsBackend"
        yield server


def test_http_backend_posts_json_with_bearer_token(gateway):
    assert send_sms("06 12 34 56 78", "Votre avance est versée.") == 1
    (request,) = gateway.requests
    assert request["path"] == "/v1/sms"
    assert request["headers"]["Authorization"] == "Bearer gateway-token"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["json"] == {"from": "GUICHET", "to": "+33612345678", "text": "Votre avance est versée."}


def test_http_backend_sends_each_message(gateway):
    backend = HttpSmsBackend()
    sent = backend.send_messages([SmsMessage(to="0612345678", body="a"), SmsMessage(to="0756123456", body="b")])
    assert sent == 2
    assert [r["json"]["to"] for r in gateway.requests] == ["+33612345678", "+33756123456"]


def test_http_backend_raises_on_server_error(gateway):
    gateway.status = 500
    with pytest.raises(SmsGatewayError) as excinfo:
        send_sms("0612345678", "x")
    assert excinfo.value.status == 500
    assert "500" in str(excinfo.value)
    assert "gateway-token" not in str(excinfo.value)


def test_http_backend_treats_a_redirect_as_an_error(gateway):
    gateway.status = 302
    with pytest.raises(SmsGatewayError) as excinfo:
        send_sms("0612345678", "x")
    assert excinfo.value.status == 302
    assert len(gateway.requests) == 1


def test_http_backend_fail_silently_counts_only_sent(gateway):
    gateway.status = 503
    assert HttpSmsBackend(fail_silently=True).send_messages([SmsMessage(to="0612345678", body="x")]) == 0


def test_http_backend_times_out(gateway):
    gateway.delay = 1.0
    with pytest.raises(SmsGatewayError, match="unreachable"):
        HttpSmsBackend(timeout=0.2).send_messages([SmsMessage(to="0612345678", body="x")])


def test_http_backend_unreachable_gateway(settings):
    with Gateway() as server:
        url = server.url
    # The server is closed: connection refused.
    with pytest.raises(SmsGatewayError, match="unreachable"):
        HttpSmsBackend(url=url, token="t").send_messages([SmsMessage(to="0612345678", body="x")])


def test_http_backend_refuses_an_invalid_number_without_calling_the_gateway(gateway):
    with pytest.raises(ValueError):
        send_sms("0000", "x")
    assert gateway.requests == []


def test_http_backend_needs_an_http_url(settings):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(ImproperlyConfigured):
        HttpSmsBackend()
    with pytest.raises(ImproperlyConfigured):
        HttpSmsBackend(url="file:///etc/passwd")
