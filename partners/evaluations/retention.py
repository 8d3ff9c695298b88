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
from core.history import record_event
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


def _anonymise(evaluation, now):
    if evaluation.report:
        files_delete_later([evaluation.report.name])
    evaluation.last_name, evaluation.first_name = ANONYMOUS, ""
    evaluation.birth_date = None
    evaluation.address = evaluation.phone = evaluation.pension_number = ""
    evaluation.reason = evaluation.decision_reason = ""
    evaluation.living_conditions = evaluation.help_in_place = evaluation.family_support = ""
    evaluation.housing_kind = evaluation.living_arrangement = ""
    evaluation.aggir, evaluation.aggir_illustrative, evaluation.plan = {}, {}, []
    evaluation.needs = evaluation.plan_comment = ""
    evaluation.report = ""
    evaluation.anonymised_at = now
    evaluation.save()
    SyncSubmission.objects.filter(evaluation=evaluation).update(payload={}, detail="")
    Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(Evaluation), object_id=str(evaluation.pk)
    ).update(reason="")
    record_event(evaluation, actor=None, action="anonymised")


def evaluations_anonymise(*, dry_run=None, now=None, batch_size=200, should_stop=None):
    """Anonymises what is due, in batches (one transaction each, SKIP LOCKED). Returns (count, dry_run)."""
    dry_run = (not anonymise_for_real()) if dry_run is None else dry_run
    now = now or timezone.now()
    if dry_run:
        return due(now).count(), True
    done = 0
    while not (should_stop and should_stop()):
        with transaction.atomic():
            batch = list(due(now).select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:batch_size])
            for evaluation in batch:
                _anonymise(evaluation, now)
        done += len(batch)
        report(f"{done} évaluation(s) anonymisée(s)")
        if len(batch) < batch_size:
            break
    return done, False
