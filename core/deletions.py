"""Durable deletion of stored files: the deletion is recorded in the caller's transaction.

    with transaction.atomic():
        names = [doc.file.name for doc in documents]
        documents.delete()
        files_delete_later(names)          # FileDeletion rows, committed (or rolled back) with the rows

After commit a task deletes the files (core.tasks.delete_files); a job sweeps whatever is left
(core.tasks.delete_pending_files: the worker was killed, the storage was down). Deleting is
idempotent: a file already gone counts as deleted. A file is never stranded, and never deleted
for a row that was rolled back.
"""

import logging

from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from .models import FileDeletion

logger = logging.getLogger("core.deletions")


def files_delete_later(names, *, storage="default"):
    """Records the files to delete (inside the current transaction) and deletes them after commit."""
    rows = FileDeletion.objects.bulk_create([FileDeletion(storage=storage, name=name) for name in names if name])
    if rows:
        ids = [row.pk for row in rows if row.pk is not None]
        if not ids:  # a backend that does not return ids: the sweep deletes them
            return rows
        from .tasks import delete_files, enqueue

        transaction.on_commit(lambda: enqueue(delete_files, ids), robust=True)
    return rows


def delete_recorded_files(ids=None, *, limit=500):
    """Deletes the recorded files (the given rows, or the oldest `limit`); returns (deleted, failed).

    A storage error (S3 unreachable, a permission) is recorded on the row, which stays for a later try;
    the other files go on.
    """
    queryset = FileDeletion.objects.order_by("pk")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    done = []
    failed = 0
    for row in queryset[:limit]:
        try:
            storage = storages[row.storage]
            storage.delete(row.name)  # FileSystemStorage and S3 both ignore a file already gone
        except Exception as exc:  # noqa: BLE001 - any storage error: keep the row, try again later
            failed += 1
            FileDeletion.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:255]
            )
            logger.warning("file %s not deleted yet (attempt %s): %s", row.name, row.attempts + 1, exc)
            continue
        done.append(row.pk)
    # The rows of the files deleted go at once (a run killed before: the files are deleted again, harmlessly).
    FileDeletion.objects.filter(pk__in=done).delete()
    return len(done), failed


def oldest_pending_age():
    oldest = FileDeletion.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return timezone.now() - oldest if oldest else None
