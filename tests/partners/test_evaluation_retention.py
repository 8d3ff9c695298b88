"""Health data kept for the declared retention, then anonymised by the timed job (dry run by default)."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from core.models import FileDeletion, Transition
from partners.evaluations import retention
from partners.evaluations.enums import EvaluationState
from partners.evaluations.models import Evaluation
from partners.evaluations.tasks import anonymise_evaluations

from .evaluation_factories import EvaluationFactory

pytestmark = pytest.mark.django_db


def _old(**fields):
    closed = timezone.now() - datetime.timedelta(days=retention.DEFAULT_RETENTION_DAYS + 1)
    evaluation = EvaluationFactory(state=EvaluationState.PAID, filled=True, closed_at=closed, **fields)
    evaluation.report.save("cr.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    Transition.objects.create(
        content_type=ContentType.objects.get_for_model(Evaluation),
        object_id=str(evaluation.pk),
        from_state="transmitted",
        to_state="returned",
        reason="Toilette à revoir",
        action="send_back",
    )
    return evaluation


def test_the_job_is_a_dry_run_by_default():
    evaluation = _old()
    assert "simulation : 1" in anonymise_evaluations()
    evaluation.refresh_from_db()
    assert evaluation.anonymised_at is None and evaluation.aggir


def test_anonymisation_erases_identity_and_health_data_and_keeps_what_slips_need(settings):
    settings.PARTNERS_EVALUATION_ANONYMISE = True
    evaluation = _old()
    recent = EvaluationFactory(state=EvaluationState.PAID, filled=True, closed_at=timezone.now())
    open_one = EvaluationFactory(state=EvaluationState.IN_PROGRESS, filled=True)
    assert anonymise_evaluations() == "1 évaluation(s) anonymisée(s)"
    evaluation.refresh_from_db()
    assert evaluation.anonymised_at and evaluation.last_name == "ANONYME" and evaluation.birth_date is None
    assert evaluation.aggir == {} and evaluation.needs == "" and evaluation.plan == [] and not evaluation.report
    assert evaluation.gir == 4 and evaluation.file_number  # statistics and slips keep these
    assert not Transition.objects.filter(object_id=str(evaluation.pk)).exclude(reason="").exists()
    assert FileDeletion.objects.exists()
    for other in (recent, open_one):
        other.refresh_from_db()
        assert other.anonymised_at is None and other.aggir
    assert anonymise_evaluations() == "0 évaluation(s) anonymisée(s)"  # idempotent


def test_the_command_simulates_unless_told_to_apply():
    _old()
    out = io.StringIO()
    call_command("anonymise_evaluations", stdout=out)
    assert "seraient anonymisée" in out.getvalue() and Evaluation.objects.filter(anonymised_at=None).exists()
    call_command("anonymise_evaluations", "--apply", stdout=io.StringIO())
    assert not Evaluation.objects.filter(anonymised_at=None).exists()


def test_a_batch_is_anonymised_in_constant_queries_and_its_history_says_so(settings):
    """Set-based: a statement per table for the batch, whatever its size; each evaluation's history says it
    was anonymised (its state unchanged), and its report is recorded for deletion."""
    from tests.utils.queries import constant_queries

    settings.PARTNERS_EVALUATION_ANONYMISE = True
    anonymised = []
    with constant_queries() as measure:
        for count in (3, 30):
            batch = [_old() for _ in range(count)]
            with measure():
                assert retention.evaluations_anonymise(batch_size=100) == (count, False)
            anonymised += batch
    for evaluation in anonymised:
        entry = Transition.objects.filter(object_id=str(evaluation.pk), action="anonymised").get()
        assert (entry.from_state, entry.to_state, entry.actor_id) == (EvaluationState.PAID, EvaluationState.PAID, None)
    assert Evaluation.objects.filter(pk__in=[e.pk for e in anonymised], last_name="ANONYME").count() == 33
    assert FileDeletion.objects.count() == 33
