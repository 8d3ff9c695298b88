"""The Espace intérimaire's key pages are kept as fragments (core/fragments.py): a kept copy costs no
query of its rows, a change (new row, new state, renamed related object) shows on the next GET, and no
user or membership is ever served another's copy."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from interim import services
from interim.enums import AdvanceState, ContractState, SlotState, TimesheetState
from interim.models import Advance, Contract
from interim.views.agency_advances import coming_wednesday
from tests.accounts.factories import member
from tests.utils.clients import sign_in

from .factories import (
    AdvanceFactory,
    ContractFactory,
    MissionFactory,
    SlotFactory,
    WorkerFactory,
    placed_contract,
    timesheet_with_hours,
)

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def kept(client, url, table):
    """GETs the page and says whether it was served without reading `table` (its fragment kept)."""
    with CaptureQueriesContext(connection) as ctx:
        page(client, url)
    return not any(f'"{table}"' in query["sql"] for query in ctx.captured_queries)


def test_the_planning_shows_a_new_slot_and_a_renamed_client(world):
    client, url = world.client_for("worker"), reverse("interim:planning")
    assert "Nouvelle Boulangerie" not in page(client, url)
    assert kept(client, url, "interim_planningslot")
    contract = ContractFactory(worker=world.worker, state=ContractState.SIGNED)
    contract.mission.client.organisation.name = "Nouvelle Boulangerie"
    contract.mission.client.organisation.save()
    SlotFactory(contract=contract, state=SlotState.PENDING)
    html = page(client, url)
    assert "Nouvelle Boulangerie" in html and "en attente de validation" in html
    assert kept(client, url, "interim_planningslot")
    organisation = contract.mission.client.organisation
    organisation.name = "Boulangerie Renommée"
    organisation.save()
    assert "Boulangerie Renommée" in page(client, url)


def test_the_planning_shows_a_new_calendar_address(world):
    client, url = world.client_for("worker"), reverse("interim:planning")
    token = world.worker.calendar_token
    assert token in page(client, url)
    client.post(reverse("interim:calendar_renew"))
    world.worker.refresh_from_db()
    html = page(client, url)
    assert world.worker.calendar_token in html and token not in html


def test_the_contracts_show_a_new_contract_and_a_signature(world):
    client, url = world.client_for("worker"), reverse("interim:contracts")
    assert "1 contrat" not in page(client, url)
    assert kept(client, url, "interim_contract")
    contract = ContractFactory(worker=world.worker, reference="NOUVEAU-1")
    html = page(client, url)
    assert "NOUVEAU-1" in html and "Signer" in html
    assert kept(client, url, "interim_contract")
    Contract.objects.filter(pk=contract.pk).update(state=ContractState.SIGNED)
    assert "Signer" not in page(client, url)


def test_the_signing_countdown_follows_the_clock(world):
    client, url = world.client_for("worker"), reverse("interim:contracts")
    start = timezone.now().replace(second=0, microsecond=0)
    ContractFactory(worker=world.worker, sign_before=start + datetime.timedelta(minutes=3))
    with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):
        assert "Reste 3\xa0minutes" in page(client, url)
    with time_machine.travel(start + datetime.timedelta(minutes=1, seconds=5), tick=False):
        assert "Reste 2\xa0minutes" in page(client, url)
    with time_machine.travel(start + datetime.timedelta(minutes=4), tick=False):
        assert "Délai de signature dépassé" in page(client, url)


def test_the_agency_missions_show_a_new_mission(world):
    client, url = world.client_for("staff"), reverse("interim:agency_missions")
    assert "Villefranche" not in page(client, url)
    assert kept(client, url, "interim_mission")
    mission = MissionFactory(agency=world.agency, town="Villefranche")
    assert "Villefranche" in page(client, url)
    mission.qualification.label = "CARISTE RENOMMÉ"
    mission.qualification.save()
    assert "CARISTE RENOMMÉ" in page(client, url)


def test_the_client_timesheets_show_a_new_sheet_its_state_and_a_renamed_worker(world):
    client, url = world.client_for("client"), reverse("interim:timesheets")
    assert "Terim" not in page(client, url)
    assert kept(client, url, "interim_timesheet")
    contract = placed_contract(world.client_company, world.worker, reference="FEUILLE-1")
    timesheet = timesheet_with_hours(contract, state=TimesheetState.DRAFT)
    html = page(client, url)
    assert "FEUILLE-1" in html and "Terim" in html
    assert kept(client, url, "interim_timesheet")
    type(timesheet).objects.filter(pk=timesheet.pk).update(state=TimesheetState.RETURNED, decision_reason="Revoir")
    assert "Revoir" in page(client, url)
    world.worker.user.last_name = "Renommée"
    world.worker.user.save()
    assert "Renommée" in page(client, url)


def test_the_advances_show_a_new_request_and_its_decision(world):
    client, url = world.client_for("worker"), reverse("interim:advances")
    assert "123" not in page(client, url)
    assert kept(client, url, "interim_advance")
    advance = AdvanceFactory(worker=world.worker, amount=123)
    assert "123 €" in page(client, url)
    assert kept(client, url, "interim_advance")
    services.advance_cancel(advance_id=advance.pk, actor=world.worker.user, scope=Advance.objects.all())
    assert Advance.objects.get(pk=advance.pk).state == AdvanceState.CANCELLED
    assert "Annulée" in page(client, url)


def test_users_and_memberships_never_share_a_copy(world):
    url = reverse("interim:contracts")
    ContractFactory(worker=world.worker, reference="A-MOI")
    ContractFactory(worker=world.foreign_worker, reference="A-AUTRUI")
    ContractFactory(worker=world.worker_elsewhere, reference="AUTRE-AGENCE")
    mine = page(world.client_for("worker"), url)
    assert "A-MOI" in mine and "A-AUTRUI" not in mine and "AUTRE-AGENCE" not in mine
    theirs = page(world.client_for("foreign_worker"), url)
    assert "A-AUTRUI" in theirs and "A-MOI" not in theirs
    elsewhere = page(world.client_for("worker", acting=world.worker_elsewhere.membership), url)
    assert "AUTRE-AGENCE" in elsewhere and "A-MOI" not in elsewhere
    assert "A-MOI" in page(world.client_for("worker"), url)


def test_the_agency_advances_show_a_new_request_and_its_decision(world):
    client, url = world.client_for("staff"), reverse("interim:agency_advances")
    assert "Terim" not in page(client, url)
    assert kept(client, url, "interim_advance")
    advance = AdvanceFactory(worker=world.worker, amount=321, payment_date=coming_wednesday())
    html = page(client, url)
    assert "Terim" in html and "321 €" in html and "1 demande en attente" in html
    assert kept(client, url, "interim_advance")
    client.post(reverse("interim:agency_advance_act", args=[advance.pk, "accept"]))
    assert "1 acceptée à verser (321 €)" in page(client, url)


def test_the_worker_file_is_remembered_until_the_agency_makes_it(world):
    user = member(Role.TEMP_WORKER, organisation=world.agency.organisation)
    membership = Membership.objects.get(user=user)
    client = sign_in(Client(), user)
    for name in ("interim:contracts", "interim:advances", "interim:planning"):
        assert "pas encore prête" in page(client, reverse(name))
    worker = WorkerFactory(agency=world.agency, user=user, membership=membership)
    ContractFactory(worker=worker, reference="PREMIER-1")
    assert "PREMIER-1" in page(client, reverse("interim:contracts"))
    assert "pas encore prête" not in page(client, reverse("interim:advances"))
    assert worker.calendar_token in page(client, reverse("interim:planning"))
    with CaptureQueriesContext(connection) as ctx:
        page(client, reverse("interim:contracts"))
    assert not any('"interim_worker"' in query["sql"] for query in ctx.captured_queries)
