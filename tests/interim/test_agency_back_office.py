"""The agency's validation queue (one table, constant in queries), document requests answered with the
document or refused, the advance batch (available amounts, batch paid, Excel and SEPA exports), and the
bureau virtuel's content edited by staff."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.models import OutboundMessage
from interim import payroll
from interim.enums import AdvanceState, ChangeGroup, DocumentKind, DocumentRequestState, SlotState
from interim.models import Advance, Document, DocumentRequest, NewsItem, Sector, SectorContact
from interim.views.agency_advances import coming_wednesday
from tests.utils.queries import assert_constant_queries

from .factories import (
    AdvanceFactory,
    ChangeFactory,
    ContractFactory,
    DiplomaFactory,
    DocumentRequestFactory,
    SlotFactory,
    WorkerFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


# --- Validation queue -------------------------------------------------------------------------------


def test_the_queue_has_the_three_kinds_and_flags_bank_details(world):
    ChangeFactory(worker=world.worker, group=ChangeGroup.BANK, proposed={"iban": "FR76", "bank_holder": "I"})
    DiplomaFactory(worker=world.worker, name="CAP Cuisine")
    DocumentRequestFactory(worker=world.worker, kind=DocumentKind.CERTIFICATE)
    ChangeFactory(worker=world.foreign_worker)
    ChangeFactory(worker=world.worker_elsewhere, group=ChangeGroup.FAMILY, proposed={})
    page = world.client_for("staff").get(reverse("interim:agency_validations")).content.decode()
    assert "3 résultats" in page
    assert "Coordonnées bancaires : à vérifier" in page and "CAP Cuisine" in page and "Certificat de travail" in page
    bank = world.client_for("staff").get(reverse("interim:agency_validations"), {"kind": "bank"}).content.decode()
    assert "1 résultat" in bank and "CAP Cuisine" not in bank


def test_the_queue_is_constant_in_queries(world):
    def make(n):
        for worker in WorkerFactory.create_batch(n, agency=world.agency):
            ChangeFactory(worker=worker)
            DiplomaFactory(worker=worker)
            DocumentRequestFactory(worker=worker)

    assert_constant_queries(world.client_for("staff"), reverse("interim:agency_validations"), make)


def test_the_change_page_shows_each_field_current_and_proposed(world):
    change = ChangeFactory(worker=world.worker)
    page = world.client_for("staff").get(reverse("interim:agency_change", args=[change.pk])).content.decode()
    assert "Code postal" in page and "69002" in page and "69003" in page and "modifié" in page


def test_a_document_request_answered_with_the_document(world):
    item = DocumentRequestFactory(worker=world.worker, kind=DocumentKind.ATTESTATION)
    client = world.client_for("staff")
    url = reverse("interim:agency_request", args=[item.pk])
    missing = client.post(url, {"decision": "done", "period": "2026-10-31"}).content.decode()
    assert "Ce champ est obligatoire" in missing and 'value="2026-10-31"' in missing
    upload = SimpleUploadedFile("attestation.pdf", pdf_bytes("Attestation"), content_type="application/pdf")
    response = client.post(url, {"decision": "done", "period": "2026-10-31", "file": upload})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == DocumentRequestState.DONE
    document = Document.objects.get(worker=world.worker, kind=DocumentKind.ATTESTATION)
    assert document.period == datetime.date(2026, 10, 31)


def test_a_document_request_refused_needs_a_reason(world):
    item = DocumentRequestFactory(worker=world.worker)
    client = world.client_for("staff")
    url = reverse("interim:agency_request", args=[item.pk])
    assert "Indiquez le motif" in client.post(url, {"decision": "refuse", "reason": ""}).content.decode()
    client.post(url, {"decision": "refuse", "reason": "Déjà envoyée par courrier"})
    item.refresh_from_db()
    assert item.state == DocumentRequestState.REFUSED and item.decision_reason == "Déjà envoyée par courrier"


def test_a_foreign_document_request_is_404(world):
    item = DocumentRequestFactory(worker=world.worker_elsewhere)
    client = world.client_for("staff")
    assert client.get(reverse("interim:agency_request", args=[item.pk])).status_code == 404
    assert DocumentRequest.objects.get(pk=item.pk).state == DocumentRequestState.PENDING


# --- Advances -------------------------------------------------------------------------------------


@pytest.fixture
def batch(world):
    """Two advances for the coming payment date; 100 validated hours at 12 € (960 € at 80 %)."""
    contract = ContractFactory(worker=world.worker)
    day = payroll.payment_date_for().date
    SlotFactory(contract=contract, date=day.replace(day=1), minutes=100 * 60, state=SlotState.VALIDATED)
    first = AdvanceFactory(worker=world.worker, amount=Decimal("300"), payment_date=day)
    other = WorkerFactory(agency=world.agency, user__last_name="=HYPERLINK(1)", iban="FR7630006000011234567890189")
    second = AdvanceFactory(worker=other, amount=Decimal("50"), payment_date=day)
    return day, first, second


def test_the_queue_shows_asked_and_available(world, batch):
    day, first, second = batch
    page = world.client_for("staff").get(reverse("interim:agency_advances"), {"date": day.isoformat()}).content
    page = page.decode()
    assert "300 €" in page and "960 €" in page  # 100 h x 12 € x 80 %, the advance itself excluded
    assert "2 demandes en attente" in page


def test_the_available_amounts_match_the_single_computation(world, batch):
    day, first, second = batch
    computed = payroll.available_for_advances(Advance.objects.select_related("worker__agency"))
    assert computed[first.pk] == payroll.available_amount(world.worker, exclude=first)


def test_the_advance_queue_is_constant_in_queries(world):
    day = coming_wednesday()

    def make(n):
        for worker in WorkerFactory.create_batch(n, agency=world.agency):
            AdvanceFactory(worker=worker, payment_date=day)

    assert_constant_queries(
        world.client_for("staff"), reverse("interim:agency_advances") + f"?date={day.isoformat()}", make
    )


def test_batch_paid_and_the_worker_sees_it(world, batch, django_capture_on_commit_callbacks):
    day, first, second = batch
    staff = world.client_for("staff")
    empty = staff.post(reverse("interim:agency_advance_batch_pay"), {"date": day.isoformat()})
    assert empty.status_code == 302
    for advance in (first, second):
        staff.post(reverse("interim:agency_advance_act", args=[advance.pk, "accept"]))
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("interim:agency_advance_batch_pay"), {"date": day.isoformat()})
    assert set(Advance.objects.values_list("state", flat=True)) == {AdvanceState.PAID}
    first.refresh_from_db()
    page = world.client_for("worker").get(reverse("interim:advances")).content.decode()
    assert "Acompte versé le" in page
    assert OutboundMessage.objects.filter(event="interim.advance_paid").exists()


def test_the_excel_export_neutralises_cells(world, batch):
    day, first, second = batch
    staff = world.client_for("staff")
    for advance in (first, second):
        staff.post(reverse("interim:agency_advance_act", args=[advance.pk, "accept"]))
    response = staff.get(reverse("interim:agency_advance_batch_xlsx"), {"date": day.isoformat()})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(1)" in values and "=HYPERLINK(1)" not in values
    assert 300 in values or Decimal("300") in values or 300.0 in values


def test_the_sepa_file(world, batch):
    day, first, second = batch
    staff = world.client_for("staff")
    staff.post(reverse("interim:agency_advance_act", args=[second.pk, "accept"]))
    url = reverse("interim:agency_advance_batch_sepa") + f"?date={day.isoformat()}"
    refused = staff.get(url, follow=True).content.decode()
    assert "IBAN du compte de l" in refused  # the agency's account is needed
    world.agency.transfer_iban = "FR7630004000031234567890143"
    world.agency.save()
    response = staff.get(url)
    xml = response.content.decode()
    assert response["Content-Type"] == "application/xml"
    assert "pain.001.001.03" in xml and "FR7630006000011234567890189" in xml and "<CtrlSum>50.00</CtrlSum>" in xml
    assert f"ACOMPTE-{second.pk}" in xml


def test_the_advance_pages_of_another_agency_are_404(world, batch):
    day, first, second = batch
    foreign = world.client_for("foreign_staff")
    assert foreign.post(reverse("interim:agency_advance_act", args=[first.pk, "accept"])).status_code == 404
    foreign.post(reverse("interim:agency_advance_batch_pay"), {"date": day.isoformat()})
    first.refresh_from_db()
    assert first.state == AdvanceState.PENDING
    page = foreign.get(reverse("interim:agency_advances"), {"date": day.isoformat()}).content.decode()
    assert "300 €" not in page


# --- Bureau virtuel content ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"), [("worker", 403), ("staff", 200), ("foreign_staff", 200), ("client", 403)]
)
@pytest.mark.parametrize(
    "name",
    ["interim:agency_content", "interim:agency_info", "interim:agency_news_create", "interim:agency_sector_create"],
)
def test_content_matrix(world, who, expected, name):
    assert world.client_for(who).get(reverse(name)).status_code == expected


def test_staff_edit_what_the_worker_sees(world):
    staff = world.client_for("staff")
    response = staff.post(
        reverse("interim:agency_info"),
        {
            "phone": "04 72 00 00 00",
            "email": "agence@exemple.test",
            "absence_procedure": "Prévenez par écrit.",
            "oncall_phone": "06 00 00 00 09",
            "oncall_hours": "samedi 9h-12h",
            "payroll_info": "Bulletins le 9.",
            "payroll_email": "",
            "advance_info": "Mardi 23h59 au plus tard.",
            "transfer_iban": "FR76 3000 4000 0312 3456 7890 143",
            "transfer_bic": "",
        },
    )
    assert response.status_code == 302
    staff.post(reverse("interim:agency_news_create"), {"title": "Fermeture le 24", "body": "L'agence ferme à 16h."})
    staff.post(
        reverse("interim:agency_sector_create"),
        {
            "name": "Pôle Drôme",
            "position": "3",
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
            "contacts-0-name": "Nina Rec",
            "contacts-0-email": "nina@exemple.test",
            "contacts-0-phone": "",
        },
    )
    world.agency.refresh_from_db()
    assert world.agency.oncall_phone == "06 00 00 00 09"
    assert world.agency.transfer_iban == "FR7630004000031234567890143"
    assert SectorContact.objects.get(sector__name="Pôle Drôme").name == "Nina Rec"
    dashboard = world.client_for("worker").get(reverse("portal:dashboard")).content.decode()
    assert "Fermeture le 24" in dashboard and "Nina Rec" in dashboard and "samedi 9h-12h" in dashboard


def test_bad_content_input_is_kept_and_told(world):
    page = (
        world.client_for("staff")
        .post(reverse("interim:agency_info"), {"phone": "12", "email": "nope", "transfer_iban": "FR00 1234"})
        .content.decode()
    )
    assert "IBAN" in page and 'value="nope"' in page
    world.agency.refresh_from_db()
    assert world.agency.email == ""


def test_foreign_news_and_sectors_are_404(world):
    news = NewsItem.objects.create(agency=world.other_agency, title="Ailleurs", body="x")
    sector = Sector.objects.create(agency=world.other_agency, name="Ailleurs")
    staff = world.client_for("staff")
    assert staff.get(reverse("interim:agency_news", args=[news.pk])).status_code == 404
    assert staff.post(reverse("interim:agency_news_delete", args=[news.pk])).status_code == 404
    assert staff.get(reverse("interim:agency_sector", args=[sector.pk])).status_code == 404
    assert staff.post(reverse("interim:agency_sector_delete", args=[sector.pk])).status_code == 404
    assert NewsItem.objects.filter(pk=news.pk).exists() and Sector.objects.filter(pk=sector.pk).exists()
