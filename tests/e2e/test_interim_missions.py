"""The agency's back office in a real browser, on the demo data: a mission and its contract created,
sent, signed by the worker with the SMS code read from the outbox; a targeting offered, answered,
assigned and closed; payslips uploaded in bulk with one unmatched file reported, then published.
axe-core and the 390 px check on every page."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboundMessage
from interim.enums import BatchState, ContractState, OfferState, TargetingState
from interim.models import Contract, DocumentBatch, Targeting, TargetingOffer
from tests.e2e.helpers import accept_consents, assert_accessible, login
from tests.interim.factories import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = "interimaire@exemple.demo"
STAFF = "agence@coop-emploi.demo"
QUALIFICATION = "AGENT DE SERVICE LOGISTIQUE (525)"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    from portal.management.commands.seed_demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def confirm(page, name, confirm_label):
    page.get_by_role("button", name=name, exact=True).click()
    dialog = page.locator("dialog[open]")
    assert_accessible(page, fits_phone=False)
    with page.expect_navigation():
        dialog.get_by_role("button", name=confirm_label, exact=True).click()


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    assert_accessible(page)


def nav(page, name):
    with page.expect_navigation():
        page.get_by_role("navigation", name=re.compile("Navigation")).get_by_role("link", name=name, exact=True).click()
    assert_accessible(page)


@pytest.fixture
def worker_page(browser, live_server):
    """A second browser (its own cookies) for the worker, while the agency stays signed in on `page`:
    a TOTP code is accepted once, so the agency signs in once per test."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def as_staff(page, password):
    from accounts.models import User
    from tests.accounts.factories import totp_device, totp_now

    staff = User.objects.get(identifier=STAFF)
    accept_consents(staff)
    device = staff.totpdevice_set.first() or totp_device(staff)
    login(page, STAFF, password)
    page.goto("/tableau-de-bord/")
    if "/double-authentification/verification/" in page.url:
        page.get_by_label("Code de vérification").fill(totp_now(device))
        submit(page, "Vérifier")
    assert_accessible(page)


def as_worker(page, password):
    from accounts.models import User

    accept_consents(User.objects.get(identifier=WORKER))
    login(page, WORKER, password)
    page.goto("/tableau-de-bord/")
    assert_accessible(page)


def next_monday():
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def fill_mission(page, *, start, end, worker_number=""):
    page.select_option("#id_client", label="Menuiseries Rhône (démo)")
    page.select_option("#id_qualification", label=QUALIFICATION)
    page.fill("#id_place_name", "Entrepôt Nord")
    page.fill("#id_street", "4 avenue de la Gare")
    page.fill("#id_postcode", "12000")
    page.fill("#id_town", "Rodez")
    page.fill("#id_access", "Bus ligne 3")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", end.isoformat())
    page.fill("#id_start_time", "08:00")
    page.fill("#id_end_time", "12:00")
    page.fill("#id_worker_number", worker_number)


def test_a_mission_and_its_contract_signed_by_the_worker(page, worker_page, demo):
    as_staff(page, demo)
    nav(page, "Missions")
    with page.expect_navigation():
        page.get_by_role("link", name="Nouvelle mission").first.click()
    assert_accessible(page)
    start = next_monday()
    # Wrong first: the end before the start; the message is on the field, nothing typed is lost.
    fill_mission(page, start=start, end=start - datetime.timedelta(days=2), worker_number="1691")
    submit(page, "Créer la mission")
    assert "La date de fin est avant la date de début." in page.content()
    assert page.locator("#id_street").input_value() == "4 avenue de la Gare"
    assert_accessible(page)
    page.fill("#id_end_date", (start + datetime.timedelta(days=4)).isoformat())
    submit(page, "Créer la mission")
    assert_accessible(page)
    contract = Contract.objects.filter(mission__street="4 avenue de la Gare").get()
    assert contract.state == ContractState.AWAITING and contract.reference in page.content()
    submit(page, "Envoyer pour signature")
    assert_accessible(page)
    contract.refresh_from_db()
    assert contract.state == ContractState.TO_SIGN
    assert OutboundMessage.objects.filter(event="interim.contract_added").exists()
    nav(page, "Contrats")
    page.get_by_label("À signer").check()
    submit(page, "Filtrer")
    assert contract.reference in page.content()
    assert_accessible(page)

    # The worker signs it with the code sent by SMS.
    worker = worker_page
    as_worker(worker, demo)
    nav(worker, "Mes contrats")
    with worker.expect_navigation():
        worker.get_by_role("link", name=f"Signer {contract.reference}").click()
    assert_accessible(worker)
    submit(worker, "Recevoir le code par SMS")
    sms = OutboundMessage.objects.filter(event="interim.signature_code").latest("pk")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    worker.locator("#id_consent").check()
    worker.fill("#id_code", code)
    submit(worker, "Signer")
    assert_accessible(worker)
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED

    # The agency moves the end date: an amendment to sign; the worker is told.
    visit(page, f"/interimaires/agence/contrats/{contract.pk}/")
    page.fill("#id_end_date", (start + datetime.timedelta(days=6)).isoformat())
    page.fill("#id_reason", "Prolongation")
    submit(page, "Enregistrer les nouvelles dates")
    assert_accessible(page)
    assert "avenant n° 1" in page.content().lower()
    contract.refresh_from_db()
    assert contract.state == ContractState.TO_SIGN
    assert OutboundMessage.objects.filter(
        event="interim.contract_date_changed", subject="Modification d'une date sur un contrat"
    ).exists()


def test_a_targeting_offered_assigned_and_closed(page, worker_page, demo):
    as_staff(page, demo)
    visit(page, "/interimaires/agence/missions/nouvelle/")
    start = next_monday() + datetime.timedelta(days=14)
    fill_mission(page, start=start, end=start + datetime.timedelta(days=2))
    submit(page, "Créer la mission")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Cibler des intérimaires").click()
    assert_accessible(page)
    submit(page, "Proposer la mission")
    assert_accessible(page)
    targeting = Targeting.objects.get(mission__street="4 avenue de la Gare")
    assert targeting.offers.filter(worker__number="1691").exists()

    worker = worker_page
    as_worker(worker, demo)
    nav(worker, "Offres de mission")
    assert "Entrepôt Nord" in worker.content()
    with worker.expect_navigation():
        worker.get_by_role("button", name=re.compile(r"^Je suis intéressé\(e\) — .*Entrepôt Nord")).click()
    assert_accessible(worker)
    offer = TargetingOffer.objects.get(targeting=targeting, worker__number="1691")
    assert offer.state == OfferState.INTERESTED

    visit(page, f"/interimaires/agence/ciblages/{targeting.pk}/")
    submit(page, "Attribuer la mission " + offer.worker.user.get_full_name())
    assert_accessible(page)
    offer.refresh_from_db()
    assert offer.state == OfferState.ASSIGNED and offer.contract is not None
    confirm(page, "Fermer le ciblage", "Oui, fermer")
    assert_accessible(page)
    targeting.refresh_from_db()
    assert targeting.state == TargetingState.CLOSED


def test_payslips_in_bulk_with_one_unmatched_file(page, worker_page, demo, tmp_path):
    archive = tmp_path / "bulletins.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("1691_20300131.pdf", pdf_bytes("Bulletin janvier 2030"))
        bundle.writestr("9999_20300131.pdf", pdf_bytes("Personne"))
    as_staff(page, demo)
    nav(page, "Documents en nombre")
    page.set_input_files("#id_files", str(archive))
    submit(page, "Déposer et analyser")
    assert_accessible(page)
    batch = DocumentBatch.objects.latest("pk")
    if batch.state == BatchState.ANALYSING:  # a worker was slower than the page: it polls, then reloads
        page.wait_for_selector("text=Prêt à publier", timeout=15000)
    assert "Aucun intérimaire de l'agence n'a le numéro 9999." in page.content()
    assert "Non reconnu" in page.content()
    confirm(page, "Publier les documents reconnus", "Confirmer")
    assert_accessible(page)
    batch.refresh_from_db()
    assert batch.state == BatchState.PUBLISHED and batch.published == 1

    as_worker(worker_page, demo)
    nav(worker_page, "Bulletins de salaire")
    assert "1691_20300131" in worker_page.content()


def test_a_contract_past_its_deadline_sent_again_then_cancelled_with_a_reason(page, demo):
    """The signing deadline passed: the agency sends the contract again (a new deadline), then cancels
    it with a reason: the server's confirmation page (core/confirm.py) asks first and shows the reason."""
    from accounts.models import User

    as_staff(page, demo)
    agency_id = User.objects.get(identifier=STAFF).memberships.get().organisation_id
    contract = Contract.objects.filter(agency_id=agency_id, state=ContractState.TO_SIGN).first()
    Contract.objects.filter(pk=contract.pk).update(
        state=ContractState.EXPIRED, sign_before=timezone.now() - datetime.timedelta(hours=1)
    )
    visit(page, f"/interimaires/agence/contrats/{contract.pk}/")
    submit(page, "Envoyer de nouveau pour signature")
    assert_accessible(page)
    contract.refresh_from_db()
    assert contract.state == ContractState.TO_SIGN and contract.sign_before > timezone.now()

    submit(page, "Annuler le contrat")  # no reason: the message is on the field
    assert "Indiquez le motif de l'annulation" in page.content()
    assert_accessible(page)
    page.get_by_label("Motif de l'annulation").fill("Mission annulée par le client")
    submit(page, "Annuler le contrat")
    assert "Mission annulée par le client" in page.content()  # the confirmation page, nothing done yet
    assert_accessible(page)
    assert Contract.objects.get(pk=contract.pk).state == ContractState.TO_SIGN
    submit(page, "Annuler le contrat")
    assert_accessible(page)
    contract.refresh_from_db()
    assert contract.state == ContractState.CANCELLED
    assert OutboundMessage.objects.filter(event="interim.contract_cancelled").exists()
