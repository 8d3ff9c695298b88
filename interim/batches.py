"""Documents in bulk: payslips (or attestations, certificates) matched to workers by file name.

    batch = batch_create(agency=agency, kind="payslip", files=[...uploaded...], actor=user)
        # one ZIP (kept as it came, opened member by member later) or several PDFs (stored one by one);
        # the analysis is enqueued after the commit (interim.tasks.analyse_document_batch)
    batch_analyse(batch_id)        # the task: every file read once, checked by content (core.files),
                                   # matched by "<worker number>_<YYYYMMDD>", a report, nothing published
    batch_publish_request(batch_id=..., scope=..., actor=user)   # READY -> PUBLISHING, task enqueued
    batch_publish(batch_id)        # the task: one transaction, all or nothing; each worker told
    item_withdraw(item_id=..., scope=..., actor=user)            # a published document taken back

Streams: the ZIP is never read whole (zipfile reads one member at a time, capped at the upload
limit); one file at most is in memory while it is checked. Idempotent: the analysis resumes where it
stopped (files already read keep their rows); publishing a batch twice publishes nothing twice (the
batch's state, and a document already there for the same worker, kind and number is a duplicate).
"""

import logging
import re
import zipfile
from datetime import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core import history
from core.files import validate_upload
from core.notifications import emit

from . import notifications as events
from .enums import BatchItemState, BatchState, DocumentKind
from .models import Document, DocumentBatch, DocumentBatchItem, Worker

logger = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^(?P<number>[A-Za-z0-9-]{1,20})_(?P<date>\d{8})$")
MAX_FILES = 5000
CHUNK = 100  # files analysed per transaction (progress written after each)
PUBLISH_CHUNK = 500  # documents written per statement while publishing (all in one transaction)
ZIP_MAGIC = b"PK\x03\x04"


def _is_zip(uploaded) -> bool:
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)
    return head == ZIP_MAGIC


def parse_name(filename: str):
    """(number, period) from "1691_20190630.pdf", or raises ValidationError with a French message."""
    stem = PurePosixPath(filename).name
    stem = stem[: -len(".pdf")] if stem.lower().endswith(".pdf") else stem
    match = NAME_PATTERN.match(stem)
    if match is None:
        raise ValidationError(
            _("Nom non reconnu : attendu « numéro d'intérimaire_AAAAMMJJ.pdf », par exemple 1691_20190630.pdf.")
        )
    try:
        period = datetime.strptime(match["date"], "%Y%m%d").date()
    except ValueError:
        raise ValidationError(_("La date du nom (%(date)s) n'existe pas : attendu AAAAMMJJ.") % {"date": match["date"]})
    return match["number"], period, stem


# --- Upload ---------------------------------------------------------------------------------------


@transaction.atomic
def batch_create(*, agency, kind: str, files, actor) -> DocumentBatch:
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("Choisissez le type de document.")]})
    files = list(files)
    if not files:
        raise ValidationError({"files": [_("Déposez une archive ZIP ou des fichiers PDF.")]})
    zips = [f for f in files if _is_zip(f)]
    if zips and len(files) > 1:
        raise ValidationError({"files": [_("Déposez une seule archive ZIP, ou des fichiers PDF sans archive.")]})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": [_("Au plus %(max)s fichiers par dépôt.") % {"max": MAX_FILES}]})
    batch = DocumentBatch(agency=agency, kind=kind, created_by=actor if getattr(actor, "pk", None) else None)
    if zips:
        batch.archive.save("documents.zip", zips[0], save=False)  # streamed to storage in chunks
        batch.save()
    else:
        batch.total = len(files)
        batch.save()
        for position, uploaded in enumerate(files, 1):
            item = DocumentBatchItem(
                batch=batch,
                position=position,
                filename=(uploaded.name or "document")[-255:],
                state=BatchItemState.PENDING,
            )
            item.file.save("document.pdf", uploaded, save=False)
            item.save()
    history.record_transition(batch, actor=actor, from_state="", to_state=batch.state, action="add")
    transaction.on_commit(lambda: _enqueue("analyse_document_batch", batch.pk))
    return batch


def _enqueue(name, batch_id):
    from core.tasks import enqueue

    from . import tasks

    enqueue(getattr(tasks, name), batch_id)


# --- Analysis (the task) ------------------------------------------------------------------------


def _extract(batch):
    """Creates the items of a ZIP batch, one member at a time (resumable: known positions are skipped)."""
    known = set(batch.items.values_list("position", flat=True))
    max_bytes = settings.UPLOAD_MAX_BYTES
    with batch.archive.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not PurePosixPath(info.filename).name.startswith(".")
            and not info.filename.startswith("__MACOSX/")
        ]
        if len(members) > MAX_FILES:
            raise ValidationError(_("L'archive contient plus de %(max)s fichiers.") % {"max": MAX_FILES})
        DocumentBatch.objects.filter(pk=batch.pk).update(total=len(members))
        for position, info in enumerate(members, 1):
            if position in known:
                continue
            item = DocumentBatchItem(
                batch=batch,
                position=position,
                filename=PurePosixPath(info.filename).name[-255:],
                state=BatchItemState.PENDING,
            )
            if info.file_size > max_bytes:
                item.state = BatchItemState.UNMATCHED
                item.message = _("Fichier trop volumineux : la taille maximale est de %(max)s Mo.") % {
                    "max": max_bytes // (1024 * 1024)
                }
            else:
                with archive.open(info) as member:
                    data = member.read(max_bytes + 1)
                if len(data) > max_bytes:
                    item.state = BatchItemState.UNMATCHED
                    item.message = _("Fichier trop volumineux.")
                else:
                    item.file.save("document.pdf", ContentFile(data), save=False)
                del data
            item.save()


def _analyse_item(item, *, batch, workers, seen, published):
    """Sets the item's state and message: matched (worker, number, period) or why not."""
    try:
        number, period, stem = parse_name(item.filename)
    except ValidationError as error:
        return _unmatched(item, error.messages[0])
    worker_id = workers.get(number)
    if worker_id is None:
        return _unmatched(item, _("Aucun intérimaire de l'agence n'a le numéro %(number)s.") % {"number": number})
    if not item.file:
        return _unmatched(item, item.message or _("Fichier illisible."))
    with item.file.open("rb") as handle:
        data = handle.read(settings.UPLOAD_MAX_BYTES + 1)
    try:
        info = validate_upload(ContentFile(data))
        if info.kind != "pdf":
            raise ValidationError(_("Ce fichier n'est pas un PDF."))
    except ValidationError as error:
        return _unmatched(item, error.messages[0])
    finally:
        del data
    item.worker_id, item.number, item.period = worker_id, stem, period
    key = (worker_id, stem)
    if key in seen or key in published:
        item.state = BatchItemState.DUPLICATE
        item.message = (
            _("Ce fichier est deux fois dans le dépôt.") if key in seen else _("Ce document est déjà publié.")
        )
        return item
    seen.add(key)
    item.state = BatchItemState.MATCHED
    item.message = ""
    return item


def _published_keys(batch, filenames):
    """(worker id, number) of the documents already published for these file names: one query."""
    stems = []
    for filename in filenames:
        try:
            stems.append(parse_name(filename)[2])
        except ValidationError:
            continue
    if not stems:
        return set()
    return set(
        Document.objects.filter(worker__agency_id=batch.agency_id, kind=batch.kind, number__in=stems).values_list(
            "worker_id", "number"
        )
    )


def _unmatched(item, message):
    item.state = BatchItemState.UNMATCHED
    item.message = str(message)[:300]
    return item


def batch_analyse(batch_id) -> DocumentBatch | None:
    """The task's work: extract (ZIP), then analyse every pending file; READY, or FAILED with why."""
    from .workflows import DOCUMENT_BATCH

    batch = DocumentBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.state != BatchState.ANALYSING:
        return batch  # done already (a second delivery of the task)
    try:
        if batch.archive:
            _extract(batch)
        workers = dict(Worker.objects.filter(agency_id=batch.agency_id).values_list("number", "pk"))
        seen = set(
            batch.items.filter(state__in=(BatchItemState.MATCHED, BatchItemState.PUBLISHED)).values_list(
                "worker_id", "number"
            )
        )
        pending = batch.items.filter(state=BatchItemState.PENDING).order_by("position")
        while True:
            with transaction.atomic():
                chunk = list(pending.select_for_update(skip_locked=True)[:CHUNK])
                if not chunk:
                    break
                published = _published_keys(batch, [item.filename for item in chunk])
                for item in chunk:
                    _analyse_item(item, batch=batch, workers=workers, seen=seen, published=published)
                DocumentBatchItem.objects.bulk_update(chunk, ["state", "message", "worker", "number", "period"])
                processed = batch.items.exclude(state=BatchItemState.PENDING).count()
                DocumentBatch.objects.filter(pk=batch.pk).update(processed=processed)
    except (ValidationError, zipfile.BadZipFile, OSError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else _("L'archive ZIP est illisible.")
        logger.warning("document batch %s: analysis failed: %s", batch_id, error)
        DocumentBatch.objects.filter(pk=batch.pk).update(error=message)
        return DOCUMENT_BATCH.run("analysis_failed", batch.pk, reason=message)
    total = batch.items.count()
    DocumentBatch.objects.filter(pk=batch.pk).update(total=total, processed=total)
    return DOCUMENT_BATCH.run("analysed", batch.pk)


# --- Publication --------------------------------------------------------------------------------


def batch_publish_request(*, batch_id, scope, actor) -> DocumentBatch:
    from .workflows import DOCUMENT_BATCH

    with transaction.atomic():
        batch = scope.get(pk=batch_id)
        if not batch.items.filter(state=BatchItemState.MATCHED).exists():
            raise ValidationError(_("Aucun document reconnu à publier dans ce dépôt."))
        batch = DOCUMENT_BATCH.run("publish", batch_id, actor=actor, scope=scope)
        transaction.on_commit(lambda: _enqueue("publish_document_batch", batch.pk))
    return batch


def batch_publish(batch_id) -> DocumentBatch | None:
    """Publishes every matched file of the batch in ONE transaction: all of them, or none (the batch
    goes back to READY with the reason). Each worker is told per their switch (outbox, after commit)."""
    from .workflows import DOCUMENT_BATCH

    try:
        with transaction.atomic():
            batch = DocumentBatch.objects.select_for_update().filter(pk=batch_id).first()
            if batch is None or batch.state != BatchState.PUBLISHING:
                return batch  # published already, or not asked: nothing twice
            event = events.DOCUMENT_EVENTS[batch.kind]
            published = 0
            items = batch.items.filter(state=BatchItemState.MATCHED).select_related(
                "worker__user", "worker__agency__organisation"
            )
            matched = list(items.order_by("position"))
            for start in range(0, len(matched), PUBLISH_CHUNK):
                chunk = matched[start : start + PUBLISH_CHUNK]
                there = set(
                    Document.objects.filter(
                        worker_id__in={item.worker_id for item in chunk},
                        kind=batch.kind,
                        number__in=[item.number for item in chunk],
                    ).values_list("worker_id", "number")
                )
                fresh, doubles = [], []
                for item in chunk:
                    if (item.worker_id, item.number) in there:
                        item.state = BatchItemState.DUPLICATE
                        item.message = _("Ce document est déjà publié.")
                        doubles.append(item)
                    else:
                        fresh.append(item)
                documents = Document.objects.bulk_create(
                    Document(
                        worker=item.worker, kind=batch.kind, number=item.number, period=item.period, file=item.file.name
                    )
                    for item in fresh
                )
                for item, document in zip(fresh, documents, strict=True):
                    item.document = document
                    item.state = BatchItemState.PUBLISHED
                    emit(event, document)
                DocumentBatchItem.objects.bulk_update(fresh, ["document", "state"])
                DocumentBatchItem.objects.bulk_update(doubles, ["state", "message"])
                published += len(fresh)
            DocumentBatch.objects.filter(pk=batch.pk).update(published=published, error="")
            return DOCUMENT_BATCH.run("published", batch.pk)
    except Exception as error:  # any failure: nothing was published; the batch says why
        logger.exception("document batch %s: publication failed", batch_id)
        message = _("La publication a échoué, aucun document n'a été publié : %(error)s") % {"error": error}
        with transaction.atomic():
            DocumentBatch.objects.filter(pk=batch_id).update(error=message[:1000])
            return DOCUMENT_BATCH.run("publish_failed", batch_id, reason=message[:1000])


@transaction.atomic
def item_withdraw(*, item_id, scope, actor, reason=""):
    """Takes a published document back from the worker's space (the file is kept with the batch)."""
    from .workflows import BATCH_ITEM

    item = BATCH_ITEM.run("withdraw", item_id, actor=actor, scope=scope, reason=reason)
    document = Document.objects.filter(pk=item.document_id).first()
    item.document = None
    item.save(update_fields=["document"])
    if document is not None:
        history.record_event(document, actor=actor, action="withdraw", state_field="kind")
        document.delete()
    DocumentBatch.objects.filter(pk=item.batch_id).update(published=item.batch.published - 1)
    return item


history.register_action("withdraw", "Retrait")
