"""The Espace intérimaire's daily pages run a constant number of queries (at most 12, the performance
issue's limit) whatever the rows they show: N rows, then 3N. The lists have their own tests next to
their features; here the dashboards (worker, agency, client), the planning and a contract's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interim.enums import AvailabilityKind, ContractState, DiplomaState, SlotState
from interim.models import (
    Absence,
    Availability,
    ContractAmendment,
    NewsItem,
    Sector,
    SectorContact,
    Targeting,
)
from tests.utils.queries import assert_constant_queries

from .factories import (
    AdvanceFactory,
    ChangeFactory,
    ContractFactory,
    DiplomaFactory,
    DocumentRequestFactory,
    MissionFactory,
    SlotFactory,
    WorkerFactory,
    placed_contract,
    timesheet_with_hours,
)

pytestmark = pytest.mark.django_db
LIMIT = 12  # queries a page (issue 15)
N = 2


def constant(client, url, make):
    return assert_constant_queries(client, url, make, few=N, more=2 * N, at_most=LIMIT)


def test_the_worker_dashboard_is_constant_in_queries(world):
    def make(n):
        for index in range(n):
            NewsItem.objects.create(agency=world.agency, title=f"Actualité {index}", body="Texte")
            sector = Sector.objects.create(agency=world.agency, name=f"Secteur {index}")
            SectorContact.objects.create(sector=sector, name=f"Contact {index}", phone="04 72 00 00 00")
            ContractFactory(worker=world.worker, state=ContractState.TO_SIGN)

    constant(world.client_for("worker"), reverse("portal:dashboard"), make)


def test_the_planning_is_constant_in_queries(world):
    first = timezone.localdate().replace(day=1)
    contract = ContractFactory(worker=world.worker)

    def make(n):
        for _index in range(n):
            day = first + datetime.timedelta(days=Absence.objects.count() % 27)
            SlotFactory(contract=ContractFactory(worker=world.worker), date=day, state=SlotState.PENDING)
            SlotFactory(contract=contract, date=day, state=SlotState.VALIDATED)
            Absence.objects.create(worker=world.worker, date=day, start=datetime.time(21), minutes=60, code="FER")
            Availability.objects.create(
                worker=world.worker, kind=AvailabilityKind.UNAVAILABLE, start_date=day, end_date=day
            )

    constant(world.client_for("worker"), reverse("interim:planning") + f"?date={first.isoformat()}", make)


def test_a_contract_page_is_constant_in_queries(world):
    contract = ContractFactory(worker=world.worker)

    def make(n):
        for _index in range(n):
            SlotFactory(contract=contract)
            ContractFactory(worker=world.worker, mission=contract.mission)

    constant(world.client_for("worker"), reverse("interim:contract_detail", args=[contract.pk]), make)


def test_the_agency_dashboard_is_constant_in_queries(world):
    def make(n):
        for worker in WorkerFactory.create_batch(n, agency=world.agency):
            ChangeFactory(worker=worker)
            DiplomaFactory(worker=worker, state=DiplomaState.PENDING)
            DocumentRequestFactory(worker=worker)
            AdvanceFactory(worker=worker)

    constant(world.client_for("staff"), reverse("portal:dashboard"), make)


def test_the_client_dashboard_is_constant_in_queries(world):
    def make(n):
        for _index in range(n):
            timesheet_with_hours(placed_contract(world.client_company))

    constant(world.client_for("client"), reverse("portal:dashboard"), make)


def test_the_agency_mission_page_is_constant_in_queries(world):
    mission = MissionFactory(agency=world.agency)
    Targeting.objects.create(agency=world.agency, mission=mission)  # one a mission

    def make(n):
        for _index in range(n):
            ContractFactory(worker=WorkerFactory(agency=world.agency), mission=mission)

    constant(world.client_for("staff"), reverse("interim:agency_mission", args=[mission.pk]), make)


def test_the_agency_contract_page_is_constant_in_queries(world):
    contract = ContractFactory(worker=world.worker)
    today = timezone.localdate()

    def make(n):
        for _index in range(n):
            number = contract.amendments.count() + 1
            ContractAmendment.objects.create(
                contract=contract,
                number=number,
                previous_start=today,
                previous_end=today,
                start_date=today,
                end_date=today,
                created_by=world.staff,
            )

    constant(world.client_for("staff"), reverse("interim:agency_contract", args=[contract.pk]), make)
