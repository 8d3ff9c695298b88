"""Espace intérimaire in a real browser, on the demo data: first login (consent, bureau virtuel), a
Fiche perso change shown pending in orange, a diploma, a contract signed with the SMS code read from
the outbox then its signed PDF checked on the public page, an advance with its payment date, the
planning in its three views and a slot's contract, three payslips downloaded as one ZIP. axe-core and
the 390 px check on every page."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command

from core.models import OutboundMessage
from interim.enums import ContractState
from interim.models import Contract, Worker
from tests.e2e.helpers import assert_accessible, login
from tests.interim.factories import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = "interimaire@exemple.demo"


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    assert_accessible(page)
    return response


def nav_link(page, name):
    nav = page.get_by_role("navigation", name="Navigation : Espace intérimaire")
    with page.expect_navigation():
        nav.get_by_role("link", name=name, exact=True).click()
    assert_accessible(page)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    from portal.management.commands.seed_demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def test_the_workers_journeys(page, demo, tmp_path):
    # First login: consent, then the bureau virtuel of the agency acted for.
    login(page, WORKER, demo)
    if not page.url.endswith("/compte/consentement/"):
        page.goto("/tableau-de-bord/")
    if page.url.endswith("/compte/consentement/"):
        assert_accessible(page)
        page.get_by_label("J'ai lu et j'accepte").check()
        submit(page, "Continuer")
    visit(page, "/tableau-de-bord/")
    assert "Votre bureau virtuel" in page.content() and "numéro d'astreinte" in page.content()

    # Fiche perso: a new address waits for the agency, in orange beside the current one.
    nav_link(page, "Fiche perso")
    page.get_by_role("link", name="Modifier : Adresse", exact=True).click()
    page.wait_for_url(re.compile(r"/modifier/adresse/"))
    assert_accessible(page)
    page.fill("#id_street", "3 place Bellecour")
    page.fill("#id_postcode", "6900")  # wrong first: the message is on the field, nothing typed lost
    submit(page, "Enregistrer")
    assert page.locator("#id_street").input_value() == "3 place Bellecour"
    assert_accessible(page)
    page.fill("#id_postcode", "69002")
    submit(page, "Enregistrer")
    assert_accessible(page)
    pending = page.locator("tr.row-pending")
    assert "3 place Bellecour" in pending.inner_text() and pending.locator(".badge-orange").count() == 1

    # A diploma.
    nav_link(page, "Diplômes / Certificats")
    with page.expect_navigation():
        page.get_by_role("link", name="Ajouter un document").click()
    assert_accessible(page)
    page.fill("#id_name", "DIPLOME INFIRMIER")
    page.fill("#id_obtained_on", "2010-03-20")
    scan = tmp_path / "diplome.pdf"
    scan.write_bytes(pdf_bytes("Diplôme"))
    page.set_input_files("#id_file", str(scan))
    submit(page, "Enregistrer")
    assert "DIPLOME INFIRMIER" in page.content()
    assert_accessible(page)

    # Sign the contract to sign with the SMS code, download the signed PDF, verify it publicly.
    nav_link(page, "Mes contrats")
    page.get_by_role("link", name=re.compile(r"^Afficher les détails de la mission")).first.click()
    dialog = page.locator("dialog[open]")
    assert "Lieu de mission" in dialog.inner_text()
    assert_accessible(page, fits_phone=False)
    page.keyboard.press("Escape")
    assert page.locator("dialog[open]").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Signer")).first.click()
    assert_accessible(page)
    submit(page, "Recevoir le code par SMS")
    assert_accessible(page)
    sms = OutboundMessage.objects.filter(event="interim.signature_code").latest("pk")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    assert page.locator("#id_code").get_attribute("autocomplete") == "one-time-code"
    page.locator("#id_consent").check()
    page.fill("#id_code", code)
    submit(page, "Signer")
    assert_accessible(page)
    assert "Valide" in page.content()
    contract = Contract.objects.get(
        worker__user__identifier=WORKER, state=ContractState.SIGNED, audit__event="code_sent"
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Télécharger le contrat signé")).click()
    signed_pdf = tmp_path / "signe.pdf"
    download_info.value.save_as(signed_pdf)
    assert signed_pdf.read_bytes().startswith(b"%PDF")
    page.context.clear_cookies()
    visit(page, "/interimaires/verifier/")
    page.set_input_files("#id_file", str(signed_pdf))
    submit(page, "Vérifier")
    assert "Authentique" in page.content() and contract.reference in page.content()
    assert_accessible(page)

    # An advance: the payment date is shown before sending. Validated hours in the payment's month (at
    # the end of a month the next payment falls in the next month, whose hours may not be validated yet).
    from interim.models import PlanningSlot
    from interim.payroll import payment_date_for

    worker = Worker.objects.get(user__identifier=WORKER, number="1691")
    first = payment_date_for().wednesday.replace(day=1)
    for day in range(5):  # 50 validated hours
        PlanningSlot.objects.create(
            worker=worker,
            contract=contract,
            date=first + datetime.timedelta(days=day),
            start=datetime.time(8),
            minutes=600,
            state="validated",
        )
    login(page, WORKER, demo)
    nav_link(page, "Mes demandes d'acompte")
    with page.expect_navigation():
        page.get_by_role("link", name="Faire une demande d'acompte").click()
    assert_accessible(page)
    assert "sera versé le" in page.content()
    page.fill("#id_amount", "0")
    submit(page, "Faire la demande")
    assert "supérieur à zéro" in page.content()
    page.fill("#id_amount", "50")
    submit(page, "Faire la demande")
    assert_accessible(page)
    assert "50 €" in page.content()

    # The planning in its three views, and a slot's contract.
    nav_link(page, "Mes plannings")
    assert "Total de vos heures du mois" in page.content() and "slot-pending" in page.content()
    for view in ("Semaine", "Jour", "Mois"):
        with page.expect_navigation():
            page.get_by_role("link", name=view, exact=True).click()
        assert_accessible(page)
    with page.expect_navigation():
        page.locator("a.slot").first.click()
    assert "Détail du contrat" in page.content()
    assert_accessible(page)
    nav_link(page, "Mes disponibilités")

    # Three payslips as one ZIP.
    nav_link(page, "Bulletins de salaire")
    boxes = page.locator("input[name='ids']")
    for index in range(3):
        boxes.nth(index).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger la sélection").click()
    archive = tmp_path / "bulletins.zip"
    download_info.value.save_as(archive)
    assert len(zipfile.ZipFile(archive).namelist()) == 3
    for name in ("Attestations employeur (ex-ASSEDIC)", "Certificats de travail", "Paramètres"):
        nav_link(page, name)


def test_the_agency_pages(page, demo):
    from accounts.models import User
    from tests.accounts.factories import totp_device, totp_now

    staff = User.objects.get(identifier="agence@coop-emploi.demo")
    device = totp_device(staff)
    login(page, staff.identifier, demo)
    page.goto("/tableau-de-bord/")
    if "/double-authentification/verification/" in page.url:
        page.get_by_label("Code de vérification").fill(totp_now(device))
        submit(page, "Vérifier")
    if page.url.endswith("/compte/consentement/"):
        page.get_by_label("J'ai lu et j'accepte").check()
        submit(page, "Continuer")
    for url in (
        "/tableau-de-bord/",
        "/interimaires/agence/a-valider/",
        "/interimaires/agence/acomptes/",
        "/interimaires/agence/contrats/",
    ):
        visit(page, url)
    change = Worker.objects.get(user__identifier=WORKER, number="1691").diplomas.filter(state="pending").first()
    visit(page, f"/interimaires/agence/diplomes/{change.pk}/")
