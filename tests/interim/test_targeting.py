"""Targeting (ciblage): the qualified workers free on the mission's dates, the offer, the worker's
answer, the assignment (a contract), the closing (the others told, per their switch)."""

import datetime

import pytest
from django.urls import reverse

from core.models import NotificationPreference, OutboundMessage
from interim import missions, selectors
from interim.enums import ContractState, OfferState, TargetingState
from interim.models import Availability, Contract, Targeting, TargetingOffer
from tests.utils.queries import assert_constant_queries

from .factories import ContractFactory, MissionFactory, WorkerFactory
from .mission_factories import future_mission, qualified_worker, qualify, staff_membership

pytestmark = pytest.mark.django_db


def test_candidates_are_qualified_and_free_on_the_dates(world):
    mission = future_mission(world.agency)
    free = qualified_worker(mission)
    declared = qualified_worker(mission)
    Availability.objects.create(
        worker=declared, kind="available", start_date=mission.start_date, end_date=mission.end_date
    )
    unavailable = qualified_worker(mission)
    Availability.objects.create(
        worker=unavailable, kind="unavailable", start_date=mission.end_date, end_date=mission.end_date
    )
    busy = qualified_worker(mission)
    ContractFactory(
        worker=busy,
        mission=MissionFactory(agency=world.agency, start_date=mission.start_date, end_date=mission.start_date),
    )
    WorkerFactory(agency=world.agency)  # not qualified
    qualify(world.foreign_worker, mission.qualification)  # another agency's worker
    found = {w.pk: w for w in missions.candidates_for(mission)}
    assert set(found) == {free.pk, declared.pk}
    assert found[declared.pk].declared_available and not found[free.pk].declared_available


def test_the_whole_targeting(world):
    mission = future_mission(world.agency)
    qualify(world.worker, mission.qualification)
    other = qualified_worker(mission)
    third = qualified_worker(mission)
    NotificationPreference.objects.create(user=third.user, event="interim.targeting_closed", enabled=False)
    staff = world.client_for("staff")
    page = staff.get(reverse("interim:agency_targeting_new", args=[mission.pk])).content.decode()
    assert "3 intérimaires disponibles" in page and world.worker.number in page
    response = staff.post(
        reverse("interim:agency_targeting_new", args=[mission.pk]),
        {"workers": [world.worker.pk, other.pk, third.pk]},
    )
    targeting = Targeting.objects.get(mission=mission)
    assert response.url == reverse("interim:agency_targeting", args=[targeting.pk])
    assert targeting.offers.count() == 3
    # A second targeting of the same mission while this one is open: refused.
    page = staff.post(reverse("interim:agency_targeting_new", args=[mission.pk]), {"workers": [other.pk]})
    assert "déjà ouvert" in page.content.decode()

    # The worker sees the offer and says interested.
    worker = world.client_for("worker")
    page = worker.get(reverse("interim:offers")).content.decode()
    assert mission.qualification.label in page and "Je suis intéressé(e)" in page and mission.street in page
    mine = TargetingOffer.objects.get(worker=world.worker)
    worker.post(reverse("interim:offer_answer", args=[mine.pk, "interest"]))
    mine.refresh_from_db()
    assert mine.state == OfferState.INTERESTED and mine.answered_at
    # Another worker's offer: 404.
    theirs = TargetingOffer.objects.get(worker=other)
    assert worker.post(reverse("interim:offer_answer", args=[theirs.pk, "interest"])).status_code == 404
    assert worker.post(reverse("interim:offer_answer", args=[mine.pk, "assign"])).status_code == 404

    page = staff.get(reverse("interim:agency_targeting", args=[targeting.pk])).content.decode()
    assert "1 intérimaire intéressé" in page and "Attribuer la mission" in page
    # Assigning one not interested is refused.
    staff.post(reverse("interim:agency_offer_assign", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.state == OfferState.OFFERED
    staff.post(reverse("interim:agency_offer_assign", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.state == OfferState.ASSIGNED
    contract = Contract.objects.get(worker=world.worker, mission=mission)
    assert mine.contract == contract and contract.state == ContractState.AWAITING

    OutboundMessage.objects.all().delete()
    response = staff.post(reverse("interim:agency_targeting_close", args=[targeting.pk]), {"confirmed": "1"})
    targeting.refresh_from_db()
    assert targeting.state == TargetingState.CLOSED and targeting.closed_at
    told = set(OutboundMessage.objects.filter(event="interim.targeting_closed").values_list("recipient", flat=True))
    assert told == {other.user.email}  # not the assigned worker, not the one who switched it off
    assert OutboundMessage.objects.get(recipient=other.user.email).subject == "Fermeture d'un ciblage"
    assert set(targeting.offers.values_list("state", flat=True)) == {OfferState.ASSIGNED, OfferState.CLOSED}
    # A closed targeting takes no answer any more.
    page = worker.get(reverse("interim:offers")).content.decode()
    assert "Offres passées" in page


def test_a_closed_targeting_refuses_answers(world):
    mission = future_mission(world.agency)
    qualify(world.worker, mission.qualification)
    staff = staff_membership(world.agency)
    targeting = missions.targeting_open(mission=mission, worker_ids=[world.worker.pk], actor=staff.user)
    missions.targeting_close(targeting_id=targeting.pk, scope=selectors.targetings_for(staff), actor=staff.user)
    offer = targeting.offers.get()
    with pytest.raises(Exception, match="fermé|Rechargez"):
        missions.offer_answer(
            offer_id=offer.pk,
            scope=selectors.offers_for(world.worker.membership),
            step="interest",
            actor=world.worker.user,
        )


def test_a_worker_not_free_cannot_be_targeted(world):
    mission = future_mission(world.agency)
    staff = staff_membership(world.agency)
    with pytest.raises(Exception, match="plus qualifiés"):
        missions.targeting_open(mission=mission, worker_ids=[world.worker.pk], actor=staff.user)
    with pytest.raises(Exception, match="au moins un"):
        missions.targeting_open(mission=mission, worker_ids=[], actor=staff.user)


def test_the_other_agency_sees_nothing(world):
    mission = future_mission(world.agency)
    targeting = missions.targeting_open(
        mission=mission, worker_ids=[qualified_worker(mission).pk], actor=staff_membership(world.agency).user
    )
    foreign = world.client_for("foreign_staff")
    assert foreign.get(reverse("interim:agency_targeting", args=[targeting.pk])).status_code == 404
    assert foreign.get(reverse("interim:agency_mission", args=[mission.pk])).status_code == 404
    assert foreign.post(reverse("interim:agency_targeting_close", args=[targeting.pk])).status_code == 404


def test_the_offers_page_is_constant_in_queries(world):
    worker = world.client_for("worker")

    def make(n):
        for _ in range(n):
            mission = future_mission(
                world.agency, start_date=datetime.date(2030, 1, 1), end_date=datetime.date(2030, 1, 2)
            )
            qualify(world.worker, mission.qualification)
            TargetingOffer.objects.create(
                targeting=Targeting.objects.create(agency=world.agency, mission=mission), worker=world.worker
            )

    assert_constant_queries(worker, reverse("interim:offers"), make)
