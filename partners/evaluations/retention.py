"""Retention of the evaluations' health data: an evaluation closed (paid or cancelled) more than
PARTNERS_EVALUATION_RETENTION_DAYS days ago (default 5 years) is anonymised by the timed job
`anonymise_evaluations`: the retiree's identity, contact details and every health answer (AGGIR grid,
living conditions, needs, plan, report, offline drafts, comments of the history) are erased; what a
payment slip and the statistics need stays (file number, type, dates, GIR, fee).

The job runs as a dry run (counts, changes nothing) unless PARTNERS_EVALUATION_ANONYMISE is on.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.deletions import files_delete_later
from core.history import record_transitions_of
from core.jobs import report
from core.models import Transition

from .models import Evaluation, SyncSubmission

DEFAULT_RETENTION_DAYS = 5 * 365
ANONYMOUS = "ANONYME"


def retention_days():
    return settings.PARTNERS_EVALUATION_RETENTION_DAYS


def anonymise_for_real():
    return settings.PARTNERS_EVALUATION_ANONYMISE


def due(now=None):
    """Evaluations whose retention has run out and that still carry personal data."""
    limit = (now or timezone.now()) - timedelta(days=retention_days())
    return Evaluation.objects.filter(closed_at__lt=limit, anonymised_at__isnull=True)


# What anonymising erases: identity, contact details, every health answer (the file's number, type,
# dates, GIR and fee stay, for the payment slips and the statistics).
ERASED = {
    "last_name": ANONYMOUS,
    "first_name": "",
    "birth_date": None,
    "address": "",
    "phone": "",
    "pension_number": "",
    "reason": "",
    "decision_reason": "",
    "living_conditions": "",
    "help_in_place": "",
    "family_support": "",
    "housing_kind": "",
    "living_arrangement": "",
    "aggir": {},
    "aggir_illustrative": {},
    "plan": [],
    "needs": "",
    "plan_comment": "",
    "report": "",
}


def _anonymise_batch(batch, now):
    """Anonymises a batch of locked evaluations, set-based: a statement per table, whatever its size."""
    ids = [pk for pk, _report in batch]
    files_delete_later([report for _pk, report in batch if report])
    Evaluation.objects.filter(pk__in=ids).update(**ERASED, anonymised_at=now)
    SyncSubmission.objects.filter(evaluation_id__in=ids).update(payload={}, detail="")
    Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(Evaluation), object_id__in=[str(pk) for pk in ids]
    ).update(reason="")
    record_transitions_of(Evaluation, ids, field="state", action="anonymised")  # the state stays


def evaluations_anonymise(*, dry_run=None, now=None, batch_size=200, should_stop=None):
    """Anonymises what is due, in batches (one transaction each, SKIP LOCKED). Returns (count, dry_run)."""
    dry_run = (not anonymise_for_real()) if dry_run is None else dry_run
    now = now or timezone.now()
    if dry_run:
        return due(now).count(), True
    done = 0
    while not (should_stop and should_stop()):
        with transaction.atomic():
            batch = list(
                due(now)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", "report")[:batch_size]
            )
            if batch:
                _anonymise_batch(batch, now)
        done += len(batch)
        report(f"{done} évaluation(s) anonymisée(s)")
        if len(batch) < batch_size:
            break
    return done, False
