"""Offline work: the pages without the script, the JSON synchronisation (idempotency key, version,
conflicts kept, foreign ids 404), the settlement of a conflict, the service worker's scope."""

import json
import uuid

import pytest
from django.urls import reverse

from partners.evaluations.enums import EvaluationState
from partners.evaluations.models import SyncSubmission
from tests.utils.clients import sign_in

from .evaluation_factories import EvaluationFactory, evaluation_convention, exchange_pair, structure_member

pytestmark = pytest.mark.django_db


def _post(client, evaluation, *, key=None, base=None, **data):
    body = {
        "key": str(key or uuid.uuid4()),
        "evaluation": evaluation.pk,
        "base_version": evaluation.version if base is None else base,
        "data": data,
    }
    return client.post(reverse("partners:eval_sync_submit"), json.dumps(body), content_type="application/json")


def test_pages_say_what_needs_the_script_and_list_what_can_be_prepared(client):
    _admin, member, convention = exchange_pair()
    EvaluationFactory(convention=convention, state=EvaluationState.ASSIGNED, evaluator=member.user, file_number="EV-X1")
    sign_in(client, member.user)
    page = client.get(reverse("partners:eval_offline")).content.decode()
    assert "demande JavaScript" in page and "EV-X1" in page
    assert "Aucun conflit" in client.get(reverse("partners:eval_sync")).content.decode()


def test_a_device_draft_is_applied_once_whatever_the_retries(client):
    _admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.ASSIGNED, evaluator=member.user)
    sign_in(client, member.user)
    key = uuid.uuid4()
    first = _post(client, evaluation, key=key, needs="Ménage", aggir_coherence="B")
    second = _post(client, evaluation, key=key, needs="Ménage", aggir_coherence="B")
    assert first.status_code == 200 and first.json()["outcome"] == "applied"
    assert second.json() == first.json()
    evaluation.refresh_from_db()
    assert evaluation.needs == "Ménage" and evaluation.aggir == {"coherence": "B"} and evaluation.version == 2
    assert SyncSubmission.objects.count() == 1


def test_an_old_version_is_a_conflict_listed_for_the_evaluator_who_settles_it(client):
    _admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(
        convention=convention, state=EvaluationState.IN_PROGRESS, evaluator=member.user, needs="Portail", version=3
    )
    sign_in(client, member.user)
    answer = _post(client, evaluation, base=2, needs="Appareil").json()
    assert answer["outcome"] == "conflict"
    evaluation.refresh_from_db()
    assert evaluation.needs == "Portail"
    page = client.get(reverse("partners:eval_sync")).content.decode()
    assert "« Appareil »" in page and "Garder la version de l'appareil" in page
    submission = SyncSubmission.objects.get()
    client.post(reverse("partners:eval_sync_settle", args=[submission.pk]), {"choice": "server"})
    submission.refresh_from_db()
    evaluation.refresh_from_db()
    assert submission.settlement == "server" and evaluation.needs == "Portail"
    assert "Aucun conflit" in client.get(reverse("partners:eval_sync")).content.decode()


def test_refused_values_are_recorded_not_applied(client):
    _admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.ASSIGNED, evaluator=member.user)
    sign_in(client, member.user)
    answer = _post(client, evaluation, aid_1="home_help", hours_1="beaucoup").json()
    assert answer["outcome"] == "refused"
    assert SyncSubmission.objects.get().payload == {"aid_1": "home_help", "hours_1": "beaucoup"}


def test_a_foreign_evaluation_is_not_found_and_bad_bodies_are_refused(client):
    _admin, member, convention = exchange_pair()
    foreign = EvaluationFactory(convention=evaluation_convention(), state=EvaluationState.ASSIGNED)
    sign_in(client, member.user)
    assert _post(client, foreign, needs="x").status_code == 404
    bad = client.post(reverse("partners:eval_sync_submit"), "{not json", content_type="application/json")
    assert bad.status_code == 400
    assert not SyncSubmission.objects.exists()


def test_the_service_worker_is_served_under_the_evaluations(client):
    _admin, member, _convention = exchange_pair()
    sign_in(client, member.user)
    response = client.get(reverse("partners:eval_service_worker"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert reverse("partners:eval_service_worker").startswith("/partenaires/evaluations/")
    assert b"caches.open" in response.content


def test_another_structure_cannot_settle_a_conflict(client):
    _admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.IN_PROGRESS)
    submission = SyncSubmission.objects.create(
        key=uuid.uuid4(), evaluation=evaluation, base_version=0, payload={}, outcome="conflict"
    )
    other = structure_member(evaluation_convention().partner)
    sign_in(client, other.user)
    assert (
        client.post(reverse("partners:eval_sync_settle", args=[submission.pk]), {"choice": "server"}).status_code == 404
    )
