"""Mes plannings (month, week, day), the iCalendar feed, Mes disponibilités."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from interim.enums import SlotState
from interim.models import Absence, Availability

from .factories import ContractFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "expected"),
    [("worker", 200), ("foreign_worker", 200), ("staff", 403), ("foreign_staff", 403), ("client", 403)],
)
@pytest.mark.parametrize("name", ["interim:planning", "interim:availabilities"])
def test_matrix(world, who, expected, name):
    assert world.client_for(who).get(reverse(name)).status_code == expected


@pytest.fixture
def month(world):
    contract = ContractFactory(worker=world.worker)
    today = timezone.localdate()
    first = today.replace(day=1)
    SlotFactory(contract=contract, date=first, minutes=420, state=SlotState.VALIDATED)
    SlotFactory(contract=contract, date=first + datetime.timedelta(days=1), minutes=420, state=SlotState.PENDING)
    Absence.objects.create(worker=world.worker, date=first, start=datetime.time(21), minutes=180, code="FER")
    return contract, first


@pytest.mark.parametrize("view", ["mois", "semaine", "jour"])
def test_the_three_views(world, month, view):
    contract, first = month
    page = world.client_for("worker").get(reverse("interim:planning"), {"vue": view, "date": first.isoformat()})
    html = page.content.decode()
    assert reverse("interim:contract_detail", args=[contract.pk]) in html  # a slot opens its contract
    assert "absent : FER" in html
    assert "Total de vos heures du mois : 7 heures" in html
    if view != "jour":
        assert "slot-pending" in html and "en attente de validation" in html


def test_the_month_is_a_table(world, month):
    html = world.client_for("worker").get(reverse("interim:planning")).content.decode()
    assert '<table class="table planning-month">' in html and "<caption" in html


def test_the_feed_has_validated_slots_only_and_can_be_renewed(world, month, client):
    contract, first = month
    token = world.worker.calendar_token
    response = client.get(reverse("interim:calendar_feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert len(events) == 1
    uid = str(events[0]["uid"])
    assert uid == str(
        Calendar.from_ical(client.get(reverse("interim:calendar_feed", args=[token])).content).walk("VEVENT")[0]["uid"]
    )
    world.client_for("worker").post(reverse("interim:calendar_renew"))
    world.worker.refresh_from_db()
    assert world.worker.calendar_token != token
    assert client.get(reverse("interim:calendar_feed", args=[token])).status_code == 404
    assert client.get(reverse("interim:calendar_feed", args=[world.worker.calendar_token])).status_code == 200


def test_availabilities_with_bad_dates_and_overlap(world, month):
    contract, first = month
    client = world.client_for("worker")
    url = reverse("interim:availabilities")
    response = client.post(url, {"kind": "available", "start_date": "2026-05-10", "end_date": "2026-05-01"})
    assert "La date de fin est avant la date de début." in response.content.decode()
    response = client.post(
        url,
        {"kind": "unavailable", "start_date": first.isoformat(), "end_date": first.isoformat(), "start_time": "10:00"},
    )
    assert "Indiquez les deux heures" in response.content.decode()
    assert (
        client.post(
            url, {"kind": "unavailable", "start_date": first.isoformat(), "end_date": first.isoformat()}
        ).status_code
        == 302
    )
    assert "Chevauche une mission" in client.get(url).content.decode()
    period = Availability.objects.get(worker=world.worker)
    assert "Indisponible" in client.get(reverse("interim:planning")).content.decode()
    other = world.client_for("foreign_worker")
    assert other.post(reverse("interim:availability_delete", args=[period.pk])).status_code == 404
    client.post(reverse("interim:availability_delete", args=[period.pk]))
    assert not Availability.objects.exists()
