import io

import pytest
from django.core.management import call_command

from interim.enums import AdvanceState, ContractState, DiplomaState, DocumentKind, SlotState, TimesheetState
from interim.models import Absence, Advance, Contract, Diploma, Document, PlanningSlot, Timesheet, Worker


@pytest.mark.django_db
def test_seed_demo_gives_the_worker_every_state_in_both_agencies(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    workers = Worker.objects.filter(user__identifier="interimaire@exemple.demo")
    assert workers.count() == 2
    assert {w.number for w in workers} == {"1691", "3985"}
    for worker in workers:
        assert set(Contract.objects.filter(worker=worker).values_list("state", flat=True)) == set(ContractState.values)
        assert set(Advance.objects.filter(worker=worker).values_list("state", flat=True)) == set(AdvanceState.values)
        assert set(Diploma.objects.filter(worker=worker).values_list("state", flat=True)) == {
            DiplomaState.VALIDATED,
            DiplomaState.PENDING,
        }
        slots = PlanningSlot.objects.filter(worker=worker)
        assert slots.filter(state=SlotState.PENDING).exists() and slots.filter(state=SlotState.VALIDATED).exists()
        assert Absence.objects.filter(worker=worker).exists()
        documents = Document.objects.filter(worker=worker)
        assert documents.filter(kind=DocumentKind.PAYSLIP).count() == 6
        assert documents.filter(kind=DocumentKind.ATTESTATION).count() == 1
        assert documents.filter(kind=DocumentKind.CERTIFICATE).count() == 1
        assert worker.agency.sectors.exists() and worker.agency.news.exists()
    states = set(Timesheet.objects.filter(contract__worker__in=workers).values_list("state", flat=True))
    assert states == {TimesheetState.SUBMITTED, TimesheetState.VALIDATED}


@pytest.mark.django_db
def test_my_data_exports_and_erasure_clears_the_worker_files():
    from core.spaces import get
    from tests.interim.factories import DiplomaFactory, DocumentFactory, WorkerFactory

    worker = WorkerFactory()
    DiplomaFactory(worker=worker)
    DocumentFactory(worker=worker)
    space = get("interim")
    data = space.export(worker.user)
    assert data["fiches_intérimaire"][0]["fiche"]["nir"] == worker.nir
    kept = space.anonymise(worker.user)
    worker.refresh_from_db()
    assert worker.nir == "" and worker.iban == "" and not worker.diplomas.exists()
    assert worker.documents.count() == 1 and "5 ans" in str(kept[0])


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["agency", "sector", "newsitem", "qualification", "clientcompany"])
def test_the_reference_data_changelists(client, model):
    from django.urls import reverse

    from accounts.models import User
    from tests.interim.factories import QualificationFactory
    from tests.utils.clients import sign_in

    QualificationFactory()
    admin_user = User.objects.create_superuser("root@example.test", "Motdepasse-de-test-2026")
    sign_in(client, admin_user, second_factor=True)
    assert client.get(reverse(f"admin:interim_{model}_changelist")).status_code == 200
