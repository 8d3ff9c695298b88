"""The bench's volume command (interim_seed_volume) runs with small numbers, once, and only in development."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, User
from interim import selectors
from interim.enums import AdvanceState, ChangeGroup, ContractState
from interim.models import Advance, Contract, Diploma, ProfileChange, Timesheet, TimesheetEntry, Worker

pytestmark = pytest.mark.django_db

SMALL = ["--workers", "12", "--contracts", "95", "--clients", "2", "--changes", "5", "--diplomas", "3"]
SMALL += ["--requests", "4", "--advances", "2", "--timesheet-weeks", "52"]


def test_seed_volume_adds_small_volumes_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    workers, contracts = Worker.objects.count(), Contract.objects.count()
    out = io.StringIO()
    call_command("interim_seed_volume", *SMALL, stdout=out)
    assert "12 intérimaires, 95 contrats, 10 missions, 2 entreprises clientes" in out.getvalue()
    assert Worker.objects.count() == workers + 12
    assert Contract.objects.count() == contracts + 95

    staff = Membership.objects.get(user__identifier="agence@coop-emploi.demo")
    assert selectors.workers_for(staff).filter(number__startswith="200").count() == 12
    assert selectors.contracts_for(staff).filter(reference__startswith="V").count() == 95
    assert selectors.pending_changes_for(staff).filter(worker__number__startswith="200").count() == 5
    assert ProfileChange.objects.filter(group=ChangeGroup.BANK, worker__number__startswith="200").count() == 1
    assert Diploma.objects.filter(state="pending", worker__number__startswith="200").count() == 3
    assert Advance.objects.filter(state=AdvanceState.PENDING, worker__number__startswith="200").count() == 2
    assert Contract.objects.filter(reference__startswith="V", state=ContractState.SIGNED).exists()
    # The volume is the demo agency's only: the other demo agency sees none of it.
    grenoble = Membership.objects.filter(organisation__code="AG-GRE").first()
    if grenoble is not None:
        assert not selectors.workers_for(grenoble).filter(number__startswith="200").exists()
    worker = Worker.objects.get(number="20001")
    assert worker.user.identifier == worker.user.email == "ivol20001@volume.test"
    assert worker.sector is not None and worker.qualifications.exists()

    # The bench's client: a user of the first volume client company, with its contracts' timesheets.
    client = Membership.objects.get(user__identifier="client@volume.test")
    assert client.role == "client_user" and client.organisation.code == "CVOL-001"
    sheets = selectors.timesheets_for(client)
    assert sheets.exists() and sheets.count() == Timesheet.objects.filter(contract__reference__startswith="V").count()
    assert TimesheetEntry.objects.filter(timesheet__in=sheets).exists()
    assert not sheets.exclude(contract__mission__client_id=client.organisation_id).exists()

    again = io.StringIO()
    call_command("interim_seed_volume", *SMALL, stdout=again)
    assert "rien à faire" in again.getvalue()
    assert Worker.objects.count() == workers + 12


def test_a_volume_made_before_the_client_gets_only_the_client(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("interim_seed_volume", *SMALL, stdout=io.StringIO())
    sheets = Timesheet.objects.filter(contract__reference__startswith="V").count()
    Timesheet.objects.filter(contract__reference__startswith="V").delete()
    User.objects.filter(identifier="client@volume.test").delete()
    workers, contracts = Worker.objects.count(), Contract.objects.count()
    out = io.StringIO()
    call_command("interim_seed_volume", *SMALL, stdout=out)
    assert "client@volume.test" in out.getvalue()
    assert Timesheet.objects.filter(contract__reference__startswith="V").count() == sheets
    assert (Worker.objects.count(), Contract.objects.count()) == (workers, contracts)


def test_seed_volume_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("interim_seed_volume", *SMALL, stdout=io.StringIO())
    assert not Worker.objects.filter(number="20001").exists()
