"""Retention of the platform's own records (run daily by core.tasks.purge_old_records).

- outgoing messages sent or failed more than OUTBOX_RETENTION_DAYS ago (pending ones are kept);
- job runs older than JOBRUN_RETENTION_DAYS, heartbeats older than HEARTBEAT_RETENTION_DAYS;
- history rows (Transition) of objects that no longer exist (a purged request's reasons);
- runs still "running" past their deadline are marked interrupted.

Deletes in batches, one transaction each; stops before the job's time limit (the next run continues).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from .jobs import mark_interrupted, out_of_time, report
from .models import JobRun, OutboundMessage, Transition

logger = logging.getLogger("core.retention")

BATCH = 2000


def _delete_in_batches(queryset, label, counts):
    model = queryset.model
    while not out_of_time():
        with transaction.atomic():
            ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                return
            deleted = model._default_manager.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)
        counts[label] = counts.get(label, 0) + deleted
        report(_summary(counts))
        if len(ids) < BATCH:
            return


def _summary(counts):
    return ", ".join(f"{label} : {count}" for label, count in counts.items()) or "rien à supprimer"


def orphan_transitions():
    """History rows whose object no longer exists, for every model that has history."""
    queryset = Transition.objects.none()
    for type_id in Transition.objects.values_list("content_type", flat=True).distinct().order_by():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:  # the model itself is gone
            queryset = queryset | Transition.objects.filter(content_type_id=type_id)
            continue
        alive = model._default_manager.annotate(_pk_text=Cast("pk", models.CharField())).filter(
            _pk_text=OuterRef("object_id")
        )
        queryset = queryset | Transition.objects.filter(content_type_id=type_id).filter(~Exists(alive))
    return queryset


def purge_old_records(now=None):
    now = now or timezone.now()
    counts = {}
    interrupted = mark_interrupted(
        JobRun.objects.filter(deadline__lt=now), reason="limite de temps dépassée, arrêtée sans fin enregistrée"
    )
    if interrupted:
        counts["exécutions interrompues"] = interrupted
    outbox_limit = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    _delete_in_batches(
        OutboundMessage.objects.exclude(status=OutboundMessage.Status.PENDING).filter(created_at__lt=outbox_limit),
        "messages",
        counts,
    )
    _delete_in_batches(
        JobRun.objects.filter(
            name="heartbeat", started_at__lt=now - timedelta(days=settings.HEARTBEAT_RETENTION_DAYS)
        ).exclude(status=JobRun.Status.RUNNING),
        "battements",
        counts,
    )
    _delete_in_batches(
        JobRun.objects.filter(started_at__lt=now - timedelta(days=settings.JOBRUN_RETENTION_DAYS)).exclude(
            status=JobRun.Status.RUNNING
        ),
        "exécutions",
        counts,
    )
    _delete_in_batches(orphan_transitions(), "historique d’objets supprimés", counts)
    summary = _summary(counts)
    if out_of_time():
        summary += " ; la suite au prochain passage"
    logger.info("retention: %s", summary)
    return summary
