"""Backup and restore of the embedded default: the SQLite database and the local private files.

    archive = create_backup(directory)           # guichet-backup-YYYYmmdd-HHMMSS.tar.gz
    restore_backup(archive, database=path, files=folder)

The database is copied first, with SQLite's online backup API (one step: a consistent snapshot even
while the portal runs), then the files. Files are written before their rows commit and deleted only
after (core.deletions), so the files copied after the snapshot include every file the snapshot refers
to, except one deleted in between: the manifest lists the files referenced by the snapshot and not
found (`missing_files`), and `check` says so. The manifest also counts the rows of every table and
holds each file's SHA-256: `verify_backup` and `restore_backup` check them.

PostgreSQL and S3 are backed up with their own tools: see docs/backup.md.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, models
from django.utils import timezone

FORMAT = 1
DB_MEMBER = "db.sqlite3"
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"


class BackupError(Exception):
    pass


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def local_files_root():
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise BackupError(
            "Les fichiers sont dans un stockage objet (S3) : sauvegardez le bucket avec ses propres outils "
            "(docs/backup.md)."
        )
    return Path(storage.location)


def _snapshot_database(target):
    if connection.vendor != "sqlite":
        raise BackupError(
            "La base n'est pas SQLite : sauvegardez PostgreSQL avec pg_dump (docs/backup.md), cette commande "
            "sert à l'installation embarquée."
        )
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)  # pages=-1: one step, a consistent snapshot
    finally:
        destination.close()


def table_counts(database_path):
    with sqlite3.connect(database_path) as db:
        tables = [
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in sorted(tables)}  # noqa: S608


def referenced_files(database_path):
    """Names stored in every FileField of every model, read from the snapshot."""
    names: set[str] = set()
    with sqlite3.connect(database_path) as db:
        existing = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in existing:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.FileField):
                    query = f'SELECT "{field.column}" FROM "{table}" WHERE "{field.column}" <> \'\''  # noqa: S608
                    names.update(row[0] for row in db.execute(query) if row[0])
    return names


def create_backup(directory):
    """Writes a consistent backup archive of the SQLite database and the local files; returns its path."""
    root = local_files_root()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    archive = directory / f"guichet-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        snapshot = Path(work) / DB_MEMBER
        _snapshot_database(snapshot)  # first the database, then the files (see the module's docstring)
        files = {}
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(snapshot, arcname=DB_MEMBER)
            if root.exists():
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    name = path.relative_to(root).as_posix()
                    files[name] = _sha256(path)
                    tar.add(path, arcname=FILES_PREFIX + name)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "database": {"sha256": _sha256(snapshot), "tables": table_counts(snapshot)},
                "files": files,
                "missing_files": sorted(referenced_files(snapshot) - set(files)),
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
    return archive


def _safe_members(tar):
    for member in tar.getmembers():
        name = member.name
        if name.startswith("/") or ".." in Path(name).parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Archive refusée : chemin ou type de fichier invalide ({name!r}).")
        yield member


def _extract(archive, work):
    with tarfile.open(archive, "r:gz") as tar:
        members = list(_safe_members(tar))
        tar.extractall(work, members=members, filter="data")
    manifest_path = Path(work) / MANIFEST
    if not manifest_path.exists() or not (Path(work) / DB_MEMBER).exists():
        raise BackupError("Archive incomplète : manifeste ou base absents.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format d'archive inconnu : {manifest.get('format')!r}.")
    return manifest


def _verify_extracted(work, manifest):
    problems = []
    database = Path(work) / DB_MEMBER
    if _sha256(database) != manifest["database"]["sha256"]:
        problems.append("la base ne correspond pas à son empreinte")
    elif table_counts(database) != manifest["database"]["tables"]:
        problems.append("le nombre de lignes d'une table ne correspond pas au manifeste")
    for name, digest in manifest["files"].items():
        path = Path(work) / FILES_PREFIX / name
        if not path.exists():
            problems.append(f"fichier absent de l'archive : {name}")
        elif _sha256(path) != digest:
            problems.append(f"fichier altéré : {name}")
    return problems


def verify_backup(archive):
    """(manifest, problems): the archive's database and files checked against its manifest."""
    with tempfile.TemporaryDirectory() as work:
        manifest = _extract(archive, work)
        return manifest, _verify_extracted(work, manifest)


def _is_empty_database(path):
    if not path.exists() or path.stat().st_size == 0:
        return True
    with sqlite3.connect(path) as db:
        tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    return tables == 0


def restore_backup(archive, *, database, files, force=False):
    """Restores an archive into an empty SQLite file and an empty files folder (or replaces them with force).

    Checked before anything is written: the manifest's checksums and row counts. Returns the manifest.
    """
    database, files = Path(database), Path(files)
    if not force:
        if not _is_empty_database(database):
            raise BackupError(f"La base {database} n'est pas vide : restaurez dans une base vide (ou --force).")
        if files.exists() and any(files.iterdir()):
            raise BackupError(f"Le dossier {files} n'est pas vide : restaurez dans un dossier vide (ou --force).")
    with tempfile.TemporaryDirectory() as work:
        manifest = _extract(archive, work)
        problems = _verify_extracted(work, manifest)
        if problems:
            raise BackupError("Archive invalide : " + " ; ".join(problems))
        database.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            with_suffix = database.with_name(database.name + suffix)
            if with_suffix.exists():
                with_suffix.unlink()
        shutil.copyfile(Path(work) / DB_MEMBER, database)
        source = Path(work) / FILES_PREFIX
        files.mkdir(parents=True, exist_ok=True)
        if source.exists():
            shutil.copytree(source, files, dirs_exist_ok=True)
    return manifest


def default_backup_directory():
    return Path(settings.VAR_DIR) / "backups"


def configured_database_file():
    name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" or not name or str(name).startswith(":memory:") or "mode=memory" in str(name):
        raise BackupError("La base configurée n'est pas un fichier SQLite : indiquez --database.")
    return Path(os.fspath(name))
