"""The embedded default's backup: restored into an empty database, the same rows and the same files."""

import sqlite3
import tarfile
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.models import OutboundMessage
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default is SQLite")


def _run(*args):
    out = StringIO()
    call_command("backup", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data(transactional_db):
    users = [UserFactory() for _ in range(3)]
    for user in users:
        OutboundMessage.objects.create(channel="email", recipient=user.email, subject="Objet", body="Texte é")
    names = [
        default_storage.save("benefits/requests/a.pdf", ContentFile(b"%PDF-1.4 premier")),
        default_storage.save("interim/advances/b.png", ContentFile(b"\x89PNG second")),
    ]
    return users, names


def test_a_backup_restores_into_an_empty_database_with_the_same_rows_and_files(data, tmp_path):
    users, names = data
    out = _run("create", "--output", str(tmp_path / "backups"))
    [archive] = (tmp_path / "backups").glob("guichet-backup-*.tar.gz")
    assert "vérifiée" in out
    assert "valide" in _run("check", str(archive))

    restored_db, restored_files = tmp_path / "restored" / "db.sqlite3", tmp_path / "restored" / "private"
    _run("restore", str(archive), "--database", str(restored_db), "--files", str(restored_files))

    with sqlite3.connect(restored_db) as db:
        emails = {row[0] for row in db.execute("SELECT email FROM accounts_user")}
        messages = db.execute("SELECT recipient, body FROM portal_outboundmessage ORDER BY id").fetchall()
        migrations = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert {u.email for u in users} <= emails
    assert messages == list(OutboundMessage.objects.order_by("pk").values_list("recipient", "body"))
    assert migrations > 0
    for name in names:
        with default_storage.open(name, "rb") as original:
            assert (restored_files / name).read_bytes() == original.read()


def test_restore_refuses_a_database_that_is_not_empty(data, tmp_path):
    _run("create", "--output", str(tmp_path))
    [archive] = tmp_path.glob("*.tar.gz")
    target = tmp_path / "used.sqlite3"
    with sqlite3.connect(target) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(CommandError, match="n'est pas vide"):
        _run("restore", str(archive), "--database", str(target), "--files", str(tmp_path / "f"))


def test_a_tampered_archive_is_refused(data, tmp_path):
    _run("create", "--output", str(tmp_path / "b"))
    [archive] = (tmp_path / "b").glob("*.tar.gz")
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("files/"):
                content += b"!"
                member.size = len(content)
            target.addfile(member, __import__("io").BytesIO(content))
    with pytest.raises(CommandError, match="fichier altéré"):
        _run("check", str(tampered))
    with pytest.raises(CommandError, match="Archive invalide"):
        _run("restore", str(tampered), "--database", str(tmp_path / "x.sqlite3"), "--files", str(tmp_path / "y"))
