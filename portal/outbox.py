"""Development outbox: the e-mails and SMS the portal wrote to files under var/ (DEBUG only).

In development (portal.settings.development) e-mail goes to Django's file backend (var/mail/) and
SMS to core.sms.backends.file (var/sms/) instead of the console. `read_outbox()` reads both back,
newest first, for the page /dev/boite-d-envoi/ (portal.views.dev_outbox), so that a newcomer can
read the temporary password of a login they just created.
"""

import datetime
import email
import email.policy
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"
SMS_SEPARATOR = "\n" + "-" * 40 + "\n"
DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class OutboxEntry:
    channel: str  # "email" or "sms"
    sent_at: datetime.datetime | None
    to: str
    subject: str
    body: str
    file: str


def mail_dir():
    options = settings.MAILERS.get("default", {}).get("OPTIONS", {}) if hasattr(settings, "MAILERS") else {}
    return Path(options.get("file_path") or Path(settings.VAR_DIR) / "mail")


def sms_dir():
    return Path(settings.SMS_FILE_PATH)


def _recent_files(folder, limit):
    if not folder.is_dir():
        return []
    files = [path for path in folder.iterdir() if path.is_file() and path.suffix == ".log"]
    files.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    return files[:limit]


def _mtime(path):
    return datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)


def _mail_body(message):
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, KeyError):
        return part.get_payload(decode=True).decode("utf-8", "replace")


def read_mail(folder, limit):
    entries = []
    for path in _recent_files(folder, limit):
        for chunk in path.read_text(encoding="utf-8", errors="replace").split(MAIL_SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"), policy=email.policy.default)
            try:
                sent_at = parsedate_to_datetime(message["Date"]) if message["Date"] else _mtime(path)
            except (TypeError, ValueError):
                sent_at = _mtime(path)
            entries.append(
                OutboxEntry(
                    "email",
                    sent_at,
                    str(message["To"] or ""),
                    str(message["Subject"] or ""),
                    _mail_body(message),
                    path.name,
                )
            )
    return entries


def read_sms(folder, limit):
    entries = []
    for path in _recent_files(folder, limit):
        for chunk in path.read_text(encoding="utf-8", errors="replace").split(SMS_SEPARATOR):
            if not chunk.strip():
                continue
            head, _sep, body = chunk.lstrip("\n").partition("\n\n")
            fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
            try:
                sent_at = datetime.datetime.fromisoformat(fields["Date"])
            except (KeyError, ValueError):
                sent_at = _mtime(path)
            entries.append(OutboxEntry("sms", sent_at, fields.get("To", ""), "", body.strip(), path.name))
    return entries


def read_outbox(*, limit=DEFAULT_LIMIT):
    """E-mails and SMS written under var/, newest first (at most `limit`)."""
    entries = read_mail(mail_dir(), limit) + read_sms(sms_dir(), limit)
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    entries.sort(key=lambda entry: entry.sent_at or epoch, reverse=True)
    return entries[:limit]
