"""History: transitions recorded and shown as a timeline; a transition locks its row."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.enums import Space
from accounts.models import ErasureRequest
from core.history import TransitionNotAllowed, record_transition, timeline_for, transition
from core.models import Transition
from tests.accounts.factories import UserFactory
from tests.utils.race import race

PENDING, DONE, REFUSED = ErasureRequest.Status.PENDING, ErasureRequest.Status.DONE, ErasureRequest.Status.REFUSED


def erasure_request(**fields):
    return ErasureRequest.objects.create(space=Space.INTERIM, user_label="Jeanne Martin", **fields)


@pytest.mark.django_db
def test_record_transition_writes_who_when_from_to_why():
    subject = erasure_request()
    actor = UserFactory(first_name="Alice", last_name="Durand")
    entry = record_transition(subject, actor=actor, from_state=PENDING, to_state=DONE, reason="Demande légitime")
    entry.refresh_from_db()
    assert entry.subject == subject
    assert entry.actor == actor
    assert (entry.from_state, entry.to_state, entry.reason) == ("pending", "done", "Demande légitime")
    assert abs((timezone.now() - entry.created_at).total_seconds()) < 5


@pytest.mark.django_db
def test_record_transition_by_the_system():
    subject = erasure_request()
    entry = record_transition(subject, actor=None, from_state="", to_state=PENDING)
    assert entry.actor is None
    assert entry.from_state == ""


@pytest.mark.django_db
def test_timeline_lists_only_this_objects_transitions_in_order_in_one_query(django_assert_num_queries):
    subject, other = erasure_request(), erasure_request()
    actors = UserFactory.create_batch(3)
    record_transition(subject, actor=actors[0], from_state="", to_state=PENDING)
    record_transition(other, actor=actors[1], from_state=PENDING, to_state=REFUSED)
    record_transition(subject, actor=actors[2], from_state=PENDING, to_state=DONE)
    with django_assert_num_queries(1):
        entries = list(timeline_for(subject))
        names = [entry.actor.identifier for entry in entries]
    assert [entry.to_state for entry in entries] == ["pending", "done"]
    assert names == [actors[0].identifier, actors[2].identifier]


@pytest.mark.django_db
def test_transition_changes_the_state_and_records_it():
    subject = erasure_request()
    actor = UserFactory()
    now = timezone.now()
    result = transition(
        ErasureRequest,
        subject.pk,
        field="status",
        allowed_from=[PENDING],
        to=DONE,
        actor=actor,
        reason="Effacement effectué",
        extra_updates={"decided_by": actor, "decided_at": now},
    )
    subject.refresh_from_db()
    assert result.status == subject.status == DONE
    assert subject.decided_by == actor
    assert subject.decided_at == now
    (entry,) = timeline_for(subject)
    assert (entry.actor, entry.from_state, entry.to_state, entry.reason) == (
        actor,
        PENDING,
        DONE,
        "Effacement effectué",
    )


@pytest.mark.django_db
def test_transition_from_a_wrong_state_is_refused_in_french_and_writes_nothing():
    subject = erasure_request(status=REFUSED)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        transition(ErasureRequest, subject.pk, field="status", allowed_from=PENDING, to=DONE, actor=None)
    assert isinstance(excinfo.value, ValidationError)
    assert excinfo.value.code == "transition_not_allowed"
    assert "n’est pas possible" in excinfo.value.messages[0]
    assert "« Refusée »" in excinfo.value.messages[0]
    subject.refresh_from_db()
    assert subject.status == REFUSED
    assert not timeline_for(subject).exists()


@pytest.mark.django_db
def test_transition_outside_the_scope_raises_does_not_exist():
    subject = erasure_request()
    scope = ErasureRequest.objects.filter(space=Space.BENEFITS)
    with pytest.raises(ErasureRequest.DoesNotExist):
        transition(ErasureRequest, subject.pk, field="status", allowed_from=[PENDING], to=DONE, actor=None, scope=scope)
    with pytest.raises(ErasureRequest.DoesNotExist):
        transition(ErasureRequest, subject.pk + 1000, field="status", allowed_from=[PENDING], to=DONE, actor=None)
    subject.refresh_from_db()
    assert subject.status == PENDING


@pytest.mark.django_db
def test_transition_is_atomic_when_the_history_cannot_be_written(monkeypatch):
    subject = erasure_request()

    def broken(*args, **kwargs):
        raise RuntimeError("history unavailable")

    monkeypatch.setattr("core.history.record_transition", broken)
    with pytest.raises(RuntimeError):
        transition(ErasureRequest, subject.pk, field="status", allowed_from=[PENDING], to=DONE, actor=None)
    subject.refresh_from_db()
    assert subject.status == PENDING


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks (SELECT … FOR UPDATE) exist on PostgreSQL only; SQLite serialises whole write "
    "transactions (transaction_mode IMMEDIATE), so the race cannot happen there.",
)
def test_two_concurrent_transitions_cannot_both_win():
    subject = erasure_request()
    results = race(
        lambda: transition(ErasureRequest, subject.pk, field="status", allowed_from=[PENDING], to=DONE, actor=None),
        lambda: transition(ErasureRequest, subject.pk, field="status", allowed_from=[PENDING], to=REFUSED, actor=None),
    )

    assert results["first"] == "won"
    assert isinstance(results["second"], TransitionNotAllowed)
    subject.refresh_from_db()
    assert subject.status == DONE
    assert Transition.objects.filter(object_id=str(subject.pk)).count() == 1


# --- Timeline template ------------------------------------------------------------------------


@pytest.mark.django_db
def test_timeline_template_renders_an_accessible_ordered_list():
    subject = erasure_request()
    actor = UserFactory(first_name="Alice", last_name="Durand")
    entry = record_transition(subject, actor=actor, from_state=PENDING, to_state=DONE, reason="Justificatifs reçus")
    entry.created_at = datetime(2026, 3, 5, 14, 7, tzinfo=ZoneInfo("Europe/Paris"))
    entry.save()
    record_transition(subject, actor=None, from_state=DONE, to_state=REFUSED)

    html = render_to_string("components/timeline.html", {"entries": timeline_for(subject)})
    assert '<ol class="timeline">' in html
    assert html.count("<li") == 2
    assert "05/03/2026 14:07" in html
    assert 'datetime="2026-03-05T14:07:00+01:00"' in html
    assert "En attente" in html and "Effectuée" in html and "Refusée" in html
    assert "par Alice Durand" in html
    assert "automatiquement" in html
    assert "Motif : Justificatifs reçus" in html
    assert "INVALID" not in html


@pytest.mark.django_db
def test_timeline_template_escapes_the_reason():
    subject = erasure_request()
    record_transition(subject, actor=None, from_state=PENDING, to_state=DONE, reason="<script>alert(1)</script>")
    html = render_to_string("components/timeline.html", {"entries": timeline_for(subject)})
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_timeline_template_empty_state():
    html = render_to_string("components/timeline.html", {"entries": timeline_for(erasure_request())})
    assert "<ol" not in html
    assert "Aucun changement enregistré" in html
    assert "INVALID" not in html
