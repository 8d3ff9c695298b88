"""Mes demandes d'acompte: states in words, the payment date before sending, bad amounts, modify or
cancel while pending; the agency accepts, refuses with a reason, pays; e-mails per the switches."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import NotificationPreference, OutboundMessage
from interim import payroll
from interim.enums import AdvanceState, SlotState
from interim.models import Advance
from tests.utils.queries import assert_constant_queries

from .factories import AdvanceFactory, ContractFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hours(world):
    """200 validated hours at 12 € this payment month: 1,920 € available (80 %)."""
    contract = ContractFactory(worker=world.worker)
    day = payroll.payment_date_for().wednesday.replace(day=1)
    SlotFactory(contract=contract, date=day, minutes=200 * 60, state=SlotState.VALIDATED)
    return contract


@pytest.mark.parametrize(
    ("who", "expected"),
    [("worker", 200), ("foreign_worker", 200), ("staff", 403), ("foreign_staff", 403), ("client", 403)],
)
@pytest.mark.parametrize("name", ["interim:advances", "interim:advance_create"])
def test_worker_advance_pages_matrix(world, who, expected, name):
    assert world.client_for(who).get(reverse(name)).status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"), [("worker", 403), ("staff", 200), ("foreign_staff", 200), ("client", 403)]
)
def test_agency_advances_matrix(world, who, expected):
    assert world.client_for(who).get(reverse("interim:agency_advances")).status_code == expected


def test_the_states_in_words(world):
    AdvanceFactory(worker=world.worker, state=AdvanceState.PENDING)
    AdvanceFactory(worker=world.worker, state=AdvanceState.ACCEPTED)
    AdvanceFactory(worker=world.worker, state=AdvanceState.REFUSED, decision_reason="Pas d'acomptes cette semaine")
    paid = AdvanceFactory(worker=world.worker, state=AdvanceState.PAID)
    paid.paid_at = paid.created_at
    paid.save()
    page = world.client_for("worker").get(reverse("interim:advances")).content.decode()
    assert "4 demandes d'acompte" in page
    assert "En attente" in page and "Acompte en cours de traitement" in page
    assert "Refusé - Pas d&#x27;acomptes cette semaine" in page
    assert f"Acompte versé le {paid.paid_at:%d-%m-%Y}" in page


def test_the_form_shows_the_payment_date_and_the_available_amount(world, hours):
    page = world.client_for("worker").get(reverse("interim:advance_create")).content.decode()
    assert "1920 €" in page and "sera versé le" in page


def test_asking_an_advance(world, hours):
    response = world.client_for("worker").post(reverse("interim:advance_create"), {"amount": "230"})
    assert response.status_code == 302
    advance = Advance.objects.get(worker=world.worker)
    assert advance.amount == Decimal("230") and advance.payment_date == payroll.payment_date_for().date


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "supérieur"),
        ("-5", "supérieur"),
        ("abc", "montant"),
        ("10,555", "deux décimales"),
        ("5000", "dépasse le montant disponible"),
    ],
)
def test_bad_amounts(world, hours, amount, message):
    response = world.client_for("worker").post(reverse("interim:advance_create"), {"amount": amount})
    html = response.content.decode()
    assert message in html and f'value="{amount}"' in html
    assert not Advance.objects.exists()


def test_modify_and_cancel_while_pending_only(world, hours):
    advance = AdvanceFactory(worker=world.worker, amount=Decimal("100"))
    client = world.client_for("worker")
    client.post(reverse("interim:advance_edit", args=[advance.pk]), {"amount": "150"})
    advance.refresh_from_db()
    assert advance.amount == Decimal("150")
    client.post(reverse("interim:advance_cancel", args=[advance.pk]), {"confirmed": "1"})
    advance.refresh_from_db()
    assert advance.state == AdvanceState.CANCELLED
    response = client.post(reverse("interim:advance_edit", args=[advance.pk]), {"amount": "10"})
    advance.refresh_from_db()
    assert response.status_code == 302 and advance.amount == Decimal("150")


def test_another_workers_advance_is_404(world):
    advance = AdvanceFactory(worker=world.foreign_worker)
    client = world.client_for("worker")
    assert client.get(reverse("interim:advance_edit", args=[advance.pk])).status_code == 404
    assert client.post(reverse("interim:advance_cancel", args=[advance.pk])).status_code == 404


def test_the_agency_accepts_refuses_and_pays_with_emails_per_switches(world):
    first = AdvanceFactory(worker=world.worker)
    second = AdvanceFactory(worker=world.worker)
    staff = world.client_for("staff")
    NotificationPreference.objects.create(user=world.worker.user, event="interim.advance_accepted", enabled=False)
    staff.post(reverse("interim:agency_advance_act", args=[first.pk, "accept"]))
    staff.post(reverse("interim:agency_advance_act", args=[first.pk, "pay"]))
    staff.post(reverse("interim:agency_advance_act", args=[second.pk, "refuse"]), {"reason": ""})
    second.refresh_from_db()
    assert second.state == AdvanceState.PENDING  # a reason is required
    staff.post(
        reverse("interim:agency_advance_act", args=[second.pk, "refuse"]), {"reason": "2 demandes regroupées en une"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == AdvanceState.PAID and first.paid_at is not None
    assert second.state == AdvanceState.REFUSED
    events = set(OutboundMessage.objects.values_list("event", flat=True))
    assert "interim.advance_paid" in events and "interim.advance_refused" in events
    assert "interim.advance_accepted" not in events  # switched off
    refused = OutboundMessage.objects.get(event="interim.advance_refused")
    assert "2 demandes regroupées en une" in refused.body


def test_the_other_agency_cannot_process(world):
    advance = AdvanceFactory(worker=world.worker)
    response = world.client_for("foreign_staff").post(
        reverse("interim:agency_advance_act", args=[advance.pk, "accept"])
    )
    assert response.status_code == 404


def test_the_list_is_constant_in_queries(world):
    client = world.client_for("worker")
    assert_constant_queries(
        client, reverse("interim:advances"), lambda n: AdvanceFactory.create_batch(n, worker=world.worker)
    )
