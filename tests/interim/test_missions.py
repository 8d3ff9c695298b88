"""The agency's missions and contracts: a mission and its contract (generated or uploaded), sent to
sign, its dates changed (an amendment for a signed one); the agency's contracts list (the worker's
table across workers, its filters, constant queries, tenancy)."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.models import NotificationPreference, OutboundMessage
from interim import missions, selectors
from interim.enums import ContractState, SlotState
from interim.models import Contract, ContractAmendment, Mission, PlanningSlot
from tests.utils.queries import assert_constant_queries

from .factories import ClientFactory, ContractFactory, MissionFactory, QualificationFactory, pdf_bytes
from .mission_factories import qualify, staff_membership

pytestmark = pytest.mark.django_db

NEXT_MONDAY = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())


def mission_data(world, **overrides):
    qualification = QualificationFactory(agency=world.agency)
    qualify(world.worker, qualification)
    data = {
        "client": world.client_company.pk,
        "qualification": qualification.pk,
        "place_name": "Résidence Les Tilleuls",
        "street": "3 rue des Tilleuls",
        "postcode": "12000",
        "town": "Rodez",
        "access": "Bus ligne 3",
        "start_date": NEXT_MONDAY.isoformat(),
        "end_date": (NEXT_MONDAY + datetime.timedelta(days=6)).isoformat(),
        "start_time": "08:00",
        "end_time": "12:30",
        "weekdays": ["1", "2", "3", "4", "5"],
        "hourly_rate": "12,50",
        "worker_number": world.worker.number,
        "source": "template",
    }
    data.update(overrides)
    return data


def pdf_text(field):
    with field.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff", 200), ("foreign_staff", 200), ("worker", 403), ("foreign_worker", 403), ("client", 403)],
)
@pytest.mark.parametrize(
    "name", ["interim:agency_contracts", "interim:agency_missions", "interim:agency_mission_create"]
)
def test_permission_matrix_of_the_agency_pages(world, who, expected, name):
    assert world.client_for(who).get(reverse(name)).status_code == expected


def test_a_mission_with_its_generated_contract(world):
    client = world.client_for("staff")
    response = client.post(reverse("interim:agency_mission_create"), mission_data(world))
    contract = Contract.objects.get(worker=world.worker)
    assert response.status_code == 302 and response.url == reverse("interim:agency_contract", args=[contract.pk])
    mission = contract.mission
    assert mission.agency == world.agency and mission.hours == "08:00-12:30" and mission.weekdays == "12345"
    assert contract.state == ContractState.AWAITING and re.fullmatch(r"\d{4}-\d{5}", contract.reference)
    text = pdf_text(contract.document)
    assert contract.reference in text and "Rodez" in text and world.worker.number in text
    slots = PlanningSlot.objects.filter(contract=contract)
    assert slots.count() == 5 and {s.minutes for s in slots} == {270}
    assert {s.state for s in slots} == {SlotState.PENDING}
    assert list(contract.audit.values_list("event", flat=True)) == ["created"]
    page = client.get(reverse("interim:agency_contract", args=[contract.pk])).content.decode()
    assert "Envoyer pour signature" in page and contract.reference in page


def test_a_mission_with_an_uploaded_contract(world):
    upload = SimpleUploadedFile("contrat.pdf", pdf_bytes("Contrat de l'agence"), content_type="application/pdf")
    client = world.client_for("staff")
    client.post(reverse("interim:agency_mission_create"), {**mission_data(world, source="upload"), "document": upload})
    contract = Contract.objects.get(worker=world.worker)
    with contract.document.open("rb") as handle:
        assert handle.read() == pdf_bytes("Contrat de l'agence")


def test_bad_input_is_refused_in_french_and_nothing_typed_is_lost(world):
    client = world.client_for("staff")
    png = SimpleUploadedFile("contrat.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 50, content_type="application/pdf")
    data = mission_data(
        world,
        end_date=(NEXT_MONDAY - datetime.timedelta(days=1)).isoformat(),
        source="upload",
        worker_number="999999",
    )
    page = client.post(reverse("interim:agency_mission_create"), {**data, "document": png}).content.decode()
    assert "La date de fin est avant la date de début." in page
    assert "Ce type de fichier n’est pas accepté" in page or "illisible" in page
    assert 'value="Résidence Les Tilleuls"' in page and 'value="Bus ligne 3"' in page
    assert not Mission.objects.exists()
    page = client.post(reverse("interim:agency_mission_create"), mission_data(world, worker_number="999999"))
    assert "Aucun intérimaire de l&#x27;agence n&#x27;a ce numéro." in page.content.decode()
    # The foreign agency's worker (the same person, another file) is nobody here.
    page = client.post(
        reverse("interim:agency_mission_create"), mission_data(world, worker_number=world.foreign_worker.number)
    )
    assert "Aucun intérimaire de l&#x27;agence n&#x27;a ce numéro." in page.content.decode()
    assert not Contract.objects.exists()


def test_a_worker_without_the_qualification_gets_no_contract(world):
    client = world.client_for("staff")
    data = mission_data(world)
    data["qualification"] = QualificationFactory(agency=world.agency).pk  # not granted to the worker
    page = client.post(reverse("interim:agency_mission_create"), data).content.decode()
    assert "pas la qualification" in page
    assert not Mission.objects.exists() and not Contract.objects.exists()


def test_sending_tells_the_worker_per_their_switch(world):
    client = world.client_for("staff")
    client.post(reverse("interim:agency_mission_create"), mission_data(world))
    contract = Contract.objects.get()
    response = client.post(reverse("interim:agency_contract_send", args=[contract.pk]))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.TO_SIGN
    assert OutboundMessage.objects.filter(event="interim.contract_added", recipient=world.worker.user.email).exists()
    # Switched off: no e-mail.
    NotificationPreference.objects.create(user=world.worker.user, event="interim.contract_added", enabled=False)
    OutboundMessage.objects.all().delete()
    client.post(reverse("interim:agency_mission_create"), mission_data(world))
    other = Contract.objects.exclude(pk=contract.pk).get()
    client.post(reverse("interim:agency_contract_send", args=[other.pk]))
    assert not OutboundMessage.objects.filter(event="interim.contract_added").exists()


def test_changing_the_dates_of_an_unsigned_contract(world):
    client = world.client_for("staff")
    client.post(reverse("interim:agency_mission_create"), mission_data(world))
    contract = Contract.objects.get()
    before = contract.document_sha256
    new_end = NEXT_MONDAY + datetime.timedelta(days=1)
    page = client.post(
        reverse("interim:agency_contract", args=[contract.pk]),
        {"start_date": NEXT_MONDAY.isoformat(), "end_date": (NEXT_MONDAY - datetime.timedelta(days=3)).isoformat()},
    ).content.decode()
    assert "La date de fin est avant la date de début." in page
    response = client.post(
        reverse("interim:agency_contract", args=[contract.pk]),
        {"start_date": NEXT_MONDAY.isoformat(), "end_date": new_end.isoformat(), "reason": "Fin avancée"},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.AWAITING and contract.document_sha256 != before
    assert contract.mission.end_date == new_end
    assert PlanningSlot.objects.filter(contract=contract).count() == 2
    amendment = ContractAmendment.objects.get(contract=contract)
    assert amendment.previous_document_sha256 == before and not amendment.was_signed
    message = OutboundMessage.objects.get(event="interim.contract_date_changed")
    assert message.recipient == world.worker.user.email and message.subject == "Modification d'une date sur un contrat"


def test_changing_the_dates_of_a_signed_contract_needs_a_new_signature(world):
    contract = ContractFactory(worker=world.worker, state=ContractState.SIGNED, signed_at=timezone.now())
    contract.signed_document.save("signe.pdf", io.BytesIO(pdf_bytes("Signé")), save=False)
    contract.signed_sha256 = "a" * 64
    contract.save()
    staff = staff_membership(world.agency)
    amendment = missions.contract_dates_change(
        contract_id=contract.pk,
        scope=selectors.contracts_for(staff),
        start_date=contract.mission.start_date,
        end_date=contract.mission.end_date + datetime.timedelta(days=3),
        reason="Prolongation",
        actor=staff.user,
    )
    contract.refresh_from_db()
    assert contract.state == ContractState.TO_SIGN and not contract.signed_document and contract.signed_at is None
    assert amendment.was_signed and amendment.previous_signed_sha256 == "a" * 64
    assert amendment.previous_signed_document.name  # the signed contract is kept
    assert "Avenant n° 1" in pdf_text(contract.document)
    assert OutboundMessage.objects.filter(event="interim.contract_date_changed").count() == 1
    assert contract.audit.filter(event="amended").exists()
    # The worker signs the amendment with a new SMS code.
    worker = world.client_for("worker")
    worker.post(reverse("interim:contract_send_code", args=[contract.pk]))
    code = re.search(r"\b(\d{6})\b", OutboundMessage.objects.filter(event="interim.signature_code").latest("pk").body)
    worker.post(reverse("interim:contract_sign", args=[contract.pk]), {"code": code.group(1), "consent": "on"})
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED
    # The PDF signed before the amendment is still verified on the public page.
    found = selectors.contract_by_signed_hash("a" * 64)
    assert found.reference == contract.reference and found.signed_sha256 == "a" * 64
    assert selectors.contract_by_signed_hash(contract.signed_sha256).pk == contract.pk
    # Its PDF before the amendment stays downloadable by the agency.
    response = world.client_for("staff").get(reverse("interim:agency_amendment_pdf", args=[contract.pk, 1]))
    assert response.status_code == 200
    response.close()


def test_a_cancelled_contract_keeps_its_dates(world):
    contract = ContractFactory(worker=world.worker, state=ContractState.CANCELLED)
    staff = staff_membership(world.agency)
    with pytest.raises(Exception, match="Rechargez|état|n’est plus"):
        missions.contract_dates_change(
            contract_id=contract.pk,
            scope=selectors.contracts_for(staff),
            start_date=contract.mission.start_date,
            end_date=contract.mission.end_date + datetime.timedelta(days=1),
            actor=staff.user,
        )


def test_the_agency_list_has_the_workers_table_and_the_agency_filters(world):
    other_client = ClientFactory()
    qualification = QualificationFactory(agency=world.agency, label="CARISTE")
    to_sign = ContractFactory(worker=world.worker, reference="TOSIGN", state=ContractState.TO_SIGN)
    signed = ContractFactory(
        worker=world.worker,
        reference="SIGNEDWEEK",
        state=ContractState.SIGNED,
        signed_at=timezone.now(),
        mission=MissionFactory(agency=world.agency, client=other_client, qualification=qualification),
    )
    old = ContractFactory(
        worker=world.worker,
        reference="SIGNEDOLD",
        state=ContractState.SIGNED,
        signed_at=timezone.now() - datetime.timedelta(days=30),
    )
    shared = ContractFactory(worker=world.worker_elsewhere, reference="OTHERAGENCY")
    client = world.client_for("staff")
    url = reverse("interim:agency_contracts")
    page = client.get(url).content.decode()
    for ref in ("TOSIGN", "SIGNEDWEEK", "SIGNEDOLD"):
        assert ref in page
    assert "OTHERAGENCY" not in page and "Intérimaire" in page and "Date de mission" in page
    assert "3 résultats" in page
    page = client.get(url, {"to_sign": "on"}).content.decode()
    assert "TOSIGN" in page and "SIGNEDWEEK" not in page and "1 filtre actif" in page
    page = client.get(url, {"signed_this_week": "on"}).content.decode()
    assert "SIGNEDWEEK" in page and "SIGNEDOLD" not in page and "TOSIGN</" not in page
    page = client.get(url, {"client": other_client.pk}).content.decode()
    assert "SIGNEDWEEK" in page and "SIGNEDOLD" not in page
    page = client.get(url, {"qualification": qualification.pk}).content.decode()
    assert "SIGNEDWEEK" in page and "SIGNEDOLD" not in page
    page = client.get(url, {"q": world.worker.number}).content.decode()
    assert "3 résultats" in page
    # The other agency's contract of the same person: 404 for this agency.
    assert client.get(reverse("interim:agency_contract", args=[shared.pk])).status_code == 404
    assert client.get(reverse("interim:agency_contract_pdf", args=[shared.pk])).status_code == 404
    assert to_sign and signed and old


def test_signed_this_week_is_the_paris_week(world):
    # Sunday 23:30 in Paris is still last week's; Monday 00:30 Paris (Sunday 23:30 UTC) is this week's.
    with time_machine.travel(datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC), tick=False):
        ContractFactory(
            worker=world.worker,
            reference="MONDAY",
            state=ContractState.SIGNED,
            signed_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC),
        )
        ContractFactory(
            worker=world.worker,
            reference="SUNDAY",
            state=ContractState.SIGNED,
            signed_at=datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.UTC),
        )
        page = world.client_for("staff").get(reverse("interim:agency_contracts"), {"signed_this_week": "on"})
        text = page.content.decode()
        assert "MONDAY" in text and "SUNDAY" not in text


def test_the_agency_list_is_constant_in_queries(world):
    client = world.client_for("staff")
    count = assert_constant_queries(
        client,
        reverse("interim:agency_contracts"),
        lambda n: [ContractFactory(worker=world.worker) for _ in range(n)],
        few=2,
        more=8,
    )
    print(f"agency contracts list: {count} queries")


def test_the_missions_list_is_constant_in_queries(world):
    client = world.client_for("staff")
    assert_constant_queries(
        client, reverse("interim:agency_missions"), lambda n: MissionFactory.create_batch(n, agency=world.agency)
    )
