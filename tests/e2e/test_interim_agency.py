"""The agency's back office in a real browser, on the demo data: the agency invites a worker (who
chooses a password from the e-mailed link, then proposes a new address and a diploma), validates the
change and the diploma with a qualification; the demo worker asks an advance, the agency accepts it
and marks the batch paid, the worker sees "Acompte versé le". The content pages and the worker's
page too. axe-core and the 390 px check on every page."""

import datetime
import io
import re

import pytest
from django.core.management import call_command

from core.models import OutboundMessage
from interim.enums import AdvanceState, ChangeState, DiplomaState
from interim.models import Advance, Worker
from tests.e2e.helpers import accept_consents, assert_accessible, login
from tests.interim.factories import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = "agence@coop-emploi.demo"
DEMO_WORKER = "interimaire@exemple.demo"
NEW_WORKER = "lea.nouvelle@exemple.demo"
NEW_PASSWORD = "Mission-Lyon-2026!"


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    assert_accessible(page)


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    assert_accessible(page)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    from portal.management.commands.seed_demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def staff_login(page, password):
    from accounts.models import User
    from tests.accounts.factories import totp_device, totp_now

    staff = accept_consents(User.objects.get(identifier=STAFF))
    device = totp_device(staff)
    login(page, STAFF, password)
    page.goto("/tableau-de-bord/")
    if "/double-authentification/verification/" in page.url:
        page.get_by_label("Code de vérification").fill(totp_now(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Vérifier", exact=True).click()


def worker_login(page, identifier, password):
    login(page, identifier, password)
    page.goto("/tableau-de-bord/")
    if page.url.endswith("/compte/consentement/"):
        page.get_by_label("J'ai lu et j'accepte").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Continuer", exact=True).click()


def test_invite_then_validate_the_change_and_the_diploma(page, demo, browser, live_server, tmp_path):
    staff_login(page, demo)
    visit(page, "/interimaires/agence/interimaires/")
    page.fill("#id_q", "1691")
    submit(page, "Filtrer")
    assert "Terim" in page.content() or "1691" in page.content()
    visit(page, "/interimaires/agence/interimaires/inscrire/")
    page.fill("#id_email", "pas-une-adresse")
    page.fill("#id_last_name", "Nouvelle")
    page.fill("#id_first_name", "Léa")
    submit(page, "Inscrire et envoyer l'e-mail")
    assert "adresse e-mail valide" in page.content() and page.locator("#id_last_name").input_value() == "Nouvelle"
    page.fill("#id_email", NEW_WORKER)
    page.select_option("#id_sector", label="Pôle Isère")
    submit(page, "Inscrire et envoyer l'e-mail")
    assert "un e-mail lui a été envoyé" in page.content()  # the worker's page, with their number
    worker = Worker.objects.get(user__identifier=NEW_WORKER)
    assert worker.sector.name == "Pôle Isère"

    # The invited worker, in another browser: the one-time link, a password, the Fiche perso, a diploma.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    other = context.new_page()
    body = OutboundMessage.objects.filter(recipient=NEW_WORKER).latest("pk").body
    link = re.search(r"https?://\S+", body)
    if link is None:  # the body was wiped once sent (it carries a secret): the same link again
        from accounts.services.credentials import password_reset_url

        url = password_reset_url(worker.user)
    else:
        url = link.group(0)
    other.goto(url.replace("http://testserver", live_server.url))
    other.wait_for_selector("#id_new_password1")
    assert_accessible(other)
    other.fill("#id_new_password1", NEW_PASSWORD)
    other.fill("#id_new_password2", NEW_PASSWORD)
    with other.expect_navigation():
        other.get_by_role("button", name="Enregistrer", exact=True).click()
    worker_login(other, NEW_WORKER, NEW_PASSWORD)
    other.goto("/interimaires/fiche-perso/modifier/adresse/")
    other.fill("#id_street", "3 place Bellecour")
    other.fill("#id_postcode", "69002")
    other.fill("#id_town", "Lyon")
    with other.expect_navigation():
        other.get_by_role("button", name="Enregistrer", exact=True).click()
    other.goto("/interimaires/diplomes/ajouter/")
    diploma_file = tmp_path / "cap.pdf"
    diploma_file.write_bytes(pdf_bytes("CAP Menuisier"))
    other.fill("#id_name", "CAP Menuisier")
    other.fill("#id_obtained_on", "2019-06-30")
    other.set_input_files("#id_file", str(diploma_file))
    with other.expect_navigation():
        other.get_by_role("button", name="Enregistrer", exact=True).click()
    assert_accessible(other)
    assert worker.changes.filter(state=ChangeState.PENDING).exists()
    assert worker.diplomas.filter(state=DiplomaState.PENDING).exists()

    # The agency's queue: the change field by field, then the diploma with a qualification.
    visit(page, "/interimaires/agence/a-valider/")
    assert "Nouvelle" in page.content()
    change = worker.changes.get(state=ChangeState.PENDING)
    visit(page, f"/interimaires/agence/modifications/{change.pk}/")
    assert "3 place Bellecour" in page.content()
    submit(page, "Valider")
    worker.refresh_from_db()
    assert worker.street == "3 place Bellecour"
    diploma = worker.diplomas.get(state=DiplomaState.PENDING)
    visit(page, f"/interimaires/agence/diplomes/{diploma.pk}/")
    page.get_by_label("MENUISIER (310)").check()
    submit(page, "Valider")
    assert worker.qualifications.filter(qualification__code="310").exists()
    visit(page, f"/interimaires/agence/interimaires/{worker.pk}/")
    assert "MENUISIER" in page.content() and "Historique" in page.content()

    # The worker sees the new address applied.
    other.goto("/interimaires/fiche-perso/")
    assert "3 place Bellecour" in other.content()
    assert_accessible(other)
    context.close()


def test_an_advance_accepted_and_paid(page, demo, browser, live_server):
    # Validated hours in the month of the coming payment date (the demo's are this month's).
    from interim.models import PlanningSlot
    from interim.payroll import payment_date_for

    demo_file = Worker.objects.get(user__identifier=DEMO_WORKER, number="1691")
    wednesday = payment_date_for().wednesday
    PlanningSlot.objects.create(
        worker=demo_file,
        contract=demo_file.contracts.filter(state="signed").first(),
        date=wednesday.replace(day=1),
        start=datetime.time(8),
        minutes=6000,  # 100 h: more than the demo's advances already asked for that month
        state="validated",
    )
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    worker_page = context.new_page()
    worker_login(worker_page, DEMO_WORKER, demo)
    worker_page.goto("/interimaires/acomptes/nouvelle/")
    worker_page.fill("#id_amount", "40")
    with worker_page.expect_navigation():
        worker_page.get_by_role("button", name="Faire la demande", exact=True).click()
    assert "Votre demande d'acompte est enregistrée" in worker_page.content(), worker_page.content()[-3000:]
    advance = Advance.objects.filter(worker__number="1691", amount=40).latest("pk")

    staff_login(page, demo)
    visit(page, f"/interimaires/agence/acomptes/?date={advance.payment_date.isoformat()}")
    assert "40 €" in page.content()
    page.get_by_role("button", name=re.compile(r"^Accepter : .*40 €")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    advance.refresh_from_db()
    assert advance.state == AdvanceState.ACCEPTED
    page.get_by_role("button", name=re.compile(r"^Marquer versé le lot")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    advance.refresh_from_db()
    assert advance.state == AdvanceState.PAID
    with page.expect_download() as download:
        page.get_by_role("link", name="Export pour la paie (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    worker_page.goto("/interimaires/acomptes/")
    assert "Acompte versé le" in worker_page.content()
    assert_accessible(worker_page)
    context.close()


def test_the_content_pages(page, demo):
    staff_login(page, demo)
    visit(page, "/interimaires/agence/bureau-virtuel/")
    visit(page, "/interimaires/agence/bureau-virtuel/informations/")
    page.fill("#id_oncall_hours", "samedi 9h-12h")
    submit(page, "Enregistrer")
    visit(page, "/interimaires/agence/bureau-virtuel/actualites/nouvelle/")
    page.fill("#id_title", "Fermeture exceptionnelle")
    page.fill("#id_body", "L'agence ferme à 16h le 24 décembre.")
    submit(page, "Enregistrer")
    assert "Fermeture exceptionnelle" in page.content()
    visit(page, "/interimaires/agence/bureau-virtuel/secteurs/nouveau/")
    page.fill("#id_name", "Pôle Drôme")
    page.fill("#id_contacts-0-name", "Nina Rec")
    page.fill("#id_contacts-0-email", "nina.rec@coop-emploi.demo")
    submit(page, "Enregistrer")
    assert "Nina Rec" in page.content()
    worker = Worker.objects.filter(user__identifier=DEMO_WORKER, number="1691").first()
    visit(page, f"/interimaires/agence/interimaires/{worker.pk}/")
    visit(page, "/interimaires/agence/a-valider/?kind=request")
