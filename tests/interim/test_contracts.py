"""Mes contrats and the signature by SMS code: table, dialog, PDF, code bound to the contract and the
document, throttling, seal validated by pyHanko, hash-chained trail, verification page, evidence."""

import io
import re
import zipfile

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.history import TransitionNotAllowed
from core.models import OutboundMessage
from interim import selectors, signature
from interim.enums import ContractState
from interim.models import Contract, ContractAuditEntry
from tests.utils.queries import assert_constant_queries

from .factories import ContractFactory

pytestmark = pytest.mark.django_db


def last_code():
    message = OutboundMessage.objects.filter(event="interim.signature_code").latest("pk")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("worker", 200), ("foreign_worker", 200), ("staff", 403), ("foreign_staff", 403), ("client", 403)],
)
def test_contract_list_matrix(world, who, expected):
    assert world.client_for(who).get(reverse("interim:contracts")).status_code == expected


def test_the_list_shows_only_the_contracts_of_the_agency_acted_for(world):
    mine = ContractFactory(worker=world.worker, reference="A-1")
    elsewhere = ContractFactory(worker=world.worker_elsewhere, reference="B-1")
    page = world.client_for("worker").get(reverse("interim:contracts")).content.decode()
    assert mine.reference in page and elsewhere.reference not in page
    assert "1 contrat" in page and "Signer" in page and "pour signer" in page
    response = world.client_for("worker").get(reverse("interim:contract_detail", args=[elsewhere.pk]))
    assert response.status_code == 404


def test_filters_sort_and_page_size(world):
    ContractFactory(worker=world.worker, reference="REFSIGNED", state=ContractState.SIGNED)
    ContractFactory(worker=world.worker, reference="REFTOSIGN", state=ContractState.TO_SIGN)
    client = world.client_for("worker")
    page = client.get(reverse("interim:contracts"), {"state": "signed"}).content.decode()
    assert "REFSIGNED" in page and "REFTOSIGN" not in page and "1 filtre actif" in page
    page = client.get(reverse("interim:contracts"), {"tri": "reference", "par_page": "15"}).content.decode()
    assert page.index("REFSIGNED") < page.index("REFTOSIGN")


def test_the_contract_list_is_constant_in_queries(world):
    client = world.client_for("worker")
    count = assert_constant_queries(
        client, reverse("interim:contracts"), lambda n: ContractFactory.create_batch(n, worker=world.worker)
    )
    print(f"contracts list: {count} queries")


def test_the_detail_dialog_has_the_place_and_the_client(world):
    contract = ContractFactory(worker=world.worker)
    page = world.client_for("worker").get(reverse("interim:contracts")).content.decode()
    assert f'<dialog class="contract-dialog" id="detail-{contract.pk}"' in page
    assert contract.mission.street in page and contract.mission.client.phone in page and "Moyen d" in page


def _sign(client, contract, code, consent=True):
    data = {"code": code}
    if consent:
        data["consent"] = "on"
    return client.post(reverse("interim:contract_sign", args=[contract.pk]), data)


def test_signing_with_the_sms_code_seals_the_pdf_and_pyhanko_validates_it(world):
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    contract = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    assert client.get(reverse("interim:contract_sign", args=[contract.pk])).status_code == 200
    client.post(reverse("interim:contract_send_code", args=[contract.pk]))
    sms = OutboundMessage.objects.get(event="interim.signature_code")
    assert sms.recipient == "+33612345656" and contract.reference in sms.body
    page = client.get(reverse("interim:contract_sign", args=[contract.pk])).content.decode()
    assert 'autocomplete="one-time-code"' in page
    response = _sign(client, contract, last_code())
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED and contract.signed_sha256
    with contract.signed_document.open("rb") as handle:
        sealed = handle.read()
    assert signature.sha256(sealed) == contract.signed_sha256
    reader = PdfFileReader(io.BytesIO(sealed))
    (embedded,) = reader.embedded_signatures
    _type, _headers, der = pem.unarmor(signature.seal_certificate_pem())
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[x509.Certificate.load(der)]))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    print("pyHanko:", status.summary())
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(sealed)).pages[-1].extract_text()
    assert "Certificat de signature" in text and world.worker.number in text and "..56" in text
    assert contract.document_sha256[:32] in text and contract.verification_code in text
    assert signature.audit_problems(contract) == []
    events = list(contract.audit.values_list("event", flat=True))
    assert events == ["code_sent", "signed", "sealed"]
    with contract.evidence.open("rb") as handle:
        assert b'"document_sha256"' in handle.read()
    download = client.get(reverse("interim:contract_signed_pdf", args=[contract.pk]))
    assert b"".join(download.streaming_content) == sealed
    download.close()


def test_a_code_for_contract_a_never_signs_contract_b(world):
    a = ContractFactory(worker=world.worker)
    b = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    client.post(reverse("interim:contract_send_code", args=[a.pk]))
    code = last_code()
    page = _sign(client, b, code).content.decode()
    assert "Demandez d’abord un code" in page
    b.refresh_from_db()
    assert b.state == ContractState.TO_SIGN


def test_a_changed_document_voids_the_code(world):
    contract = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    client.post(reverse("interim:contract_send_code", args=[contract.pk]))
    code = last_code()
    signature.set_document(contract, b"%PDF-1.4 another document")
    assert "Le contrat a changé" in _sign(client, contract, code).content.decode()


def test_wrong_codes_are_counted_and_five_void_the_code(world, settings):
    settings.INTERIM_SIGNATURE_THROTTLE_FACTOR = 0
    contract = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    client.post(reverse("interim:contract_send_code", args=[contract.pk]))
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert f"Il vous reste {left} essai" in _sign(client, contract, wrong).content.decode()
    assert "Trop d’essais" in _sign(client, contract, wrong).content.decode()
    assert "Demandez d’abord un code" in _sign(client, contract, code).content.decode()  # voided
    assert ContractAuditEntry.objects.filter(contract=contract, event="code_failed").count() == 5


def test_the_code_is_single_use_and_expires(world):
    contract = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    client.post(reverse("interim:contract_send_code", args=[contract.pk]))
    code = last_code()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        assert "expiré" in _sign(client, contract, code).content.decode()


def test_resend_waits_60_seconds_and_the_hourly_cap(world, settings):
    settings.INTERIM_SIGNATURE_MAX_PER_HOUR = 2
    contract = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    client.post(reverse("interim:contract_send_code", args=[contract.pk]))
    page = client.post(reverse("interim:contract_send_code", args=[contract.pk]), follow=True).content.decode()
    assert "attendez" in page
    start = timezone.now()
    with time_machine.travel(start + timezone.timedelta(seconds=61)):
        client.post(reverse("interim:contract_send_code", args=[contract.pk]))
    with time_machine.travel(start + timezone.timedelta(seconds=130)):
        page = client.post(reverse("interim:contract_send_code", args=[contract.pk]), follow=True).content.decode()
    assert "Trop de codes demandés dans l’heure" in page
    assert OutboundMessage.objects.filter(event="interim.signature_code").count() == 2


def test_consent_is_required_and_nothing_typed_is_lost(world):
    contract = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    page = _sign(client, contract, "123456", consent=False).content.decode()
    assert "Cochez la case" in page and 'value="123456"' in page
    assert "Le code a 6 chiffres." in _sign(client, contract, "12ab").content.decode()


def test_signing_twice_signs_once(world):
    contract = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    client.post(reverse("interim:contract_send_code", args=[contract.pk]))
    code = last_code()
    _sign(client, contract, code)
    scope = selectors.contracts_for(world.worker.membership)
    with pytest.raises(TransitionNotAllowed):
        signature.contract_sign(contract_id=contract.pk, scope=scope, user=world.worker.user, code=code, consent="x")
    assert contract.audit.filter(event="signed").count() == 1


def test_the_audit_trail_detects_a_change(world):
    contract = ContractFactory(worker=world.worker)
    for event in ("created", "sent", "viewed"):
        signature.audit_append(contract, event)
    assert signature.audit_problems(contract) == []
    entry = contract.audit.get(position=2)
    with pytest.raises(Exception, match="ne se modifie pas"):
        entry.save()
    ContractAuditEntry.objects.filter(pk=entry.pk).update(data={"forged": True})  # behind the model's back
    assert signature.audit_problems(contract) == ["entrée 2 : contenu modifié"]


def _signed_contract(world):
    contract = ContractFactory(worker=world.worker)
    client = world.client_for("worker")
    client.post(reverse("interim:contract_send_code", args=[contract.pk]))
    _sign(client, contract, last_code())
    contract.refresh_from_db()
    return contract


def test_the_public_page_recognises_the_sealed_original_only(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    contract = _signed_contract(world)
    with contract.signed_document.open("rb") as handle:
        sealed = handle.read()
    page = client.post(reverse("interim:verify"), {"file": SimpleUploadedFile("c.pdf", sealed)}).content.decode()
    assert "Authentique" in page and contract.reference in page and world.worker.nir not in page
    page = client.post(
        reverse("interim:verify"), {"file": SimpleUploadedFile("c.pdf", sealed + b"\n")}
    ).content.decode()
    assert "Non reconnu" in page
    page = client.get(reverse("interim:verify"), {"code": contract.verification_code}).content.decode()
    assert "Authentique" in page
    assert "Aucun contrat signé" in client.get(reverse("interim:verify"), {"code": "XXXX-XXXX-XXXX"}).content.decode()


def test_the_agency_downloads_the_evidence_bundle(world):
    contract = _signed_contract(world)
    response = world.client_for("staff").get(reverse("interim:agency_evidence", args=[contract.pk]))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert {"preuve.json", "certificat-de-signature.pdf", f"contrat-{contract.reference}-signe.pdf"} <= set(names)
    assert (
        world.client_for("foreign_staff").get(reverse("interim:agency_evidence", args=[contract.pk])).status_code == 404
    )
    assert world.client_for("worker").get(reverse("interim:agency_evidence", args=[contract.pk])).status_code == 403


def test_contract_state_is_unchanged_for_another_workers_code(world):
    contract = ContractFactory(worker=world.foreign_worker)
    response = world.client_for("worker").post(reverse("interim:contract_send_code", args=[contract.pk]))
    assert response.status_code == 404
    assert Contract.objects.get(pk=contract.pk).state == ContractState.TO_SIGN


def test_the_agency_sends_a_contract_to_sign(world):
    contract = ContractFactory(worker=world.worker, state=ContractState.AWAITING)
    assert (
        world.client_for("foreign_staff").post(reverse("interim:agency_contract_send", args=[contract.pk])).status_code
        == 404
    )
    assert (
        world.client_for("worker").post(reverse("interim:agency_contract_send", args=[contract.pk])).status_code == 403
    )
    staff = world.client_for("staff")
    assert "Envoyer pour signature" in staff.get(reverse("interim:agency_contracts")).content.decode()
    staff.post(reverse("interim:agency_contract_send", args=[contract.pk]))
    contract.refresh_from_db()
    assert contract.state == ContractState.TO_SIGN
    assert list(contract.audit.values_list("event", flat=True)) == ["sent"]
    assert OutboundMessage.objects.filter(event="interim.contract_added", recipient=world.worker.user.email).exists()
