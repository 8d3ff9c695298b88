"""Saisie des heures in a real browser, on the demo data: the client enters a week of hours (a mistake
first: the message on the field, nothing typed lost), saves and sends them; the agency validates them;
the worker's planning total and advance limit grow by those hours. axe-core and the 390 px check on
every page."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import User
from interim import payroll
from interim.enums import ContractState
from interim.models import Contract, Mission, Worker
from tests.e2e.helpers import accept_consents, assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT = "client@menuiseries.demo"
STAFF = "agence@coop-emploi.demo"
WORKER = "interimaire@exemple.demo"


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def sign_in(page, identifier, password):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services.otp import otp_required_for
    from tests.accounts.factories import totp_device, totp_now

    user = accept_consents(User.objects.get(identifier=identifier))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and otp_required_for(user):
        device = totp_device(user)
    page.context.clear_cookies()
    login(page, identifier, password)
    page.goto("/tableau-de-bord/")
    if "/double-authentification/verification/" in page.url:
        page.get_by_label("Code de vérification").fill(totp_now(device))
        submit(page, "Vérifier")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    from portal.management.commands.seed_demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _placed_this_payment_week():
    """A contract of the demo worker (Lyon) with the demo client, running the week of the next advance
    payment: hours validated that Wednesday count for the advance the worker can ask now."""
    wednesday = payroll.payment_date_for().wednesday
    monday = wednesday - datetime.timedelta(days=2)
    worker = Worker.objects.get(user__identifier=WORKER, number="1691")
    signed = Contract.objects.filter(worker=worker, state=ContractState.SIGNED).first()
    mission = Mission.objects.create(
        agency=worker.agency,
        client=signed.mission.client,
        qualification=signed.mission.qualification,
        place_name="ATELIER DU PORT",
        street="2 quai Rambaud",
        town="Lyon",
        postcode="69002",
        start_date=monday,
        end_date=monday + datetime.timedelta(days=6),
        hours="08:00-16:00",
        hourly_rate=Decimal("12.50"),
    )
    contract = Contract.objects.create(
        agency=worker.agency,
        worker=worker,
        mission=mission,
        reference="E2E-HEURES",
        state=ContractState.SIGNED,
        document=signed.document.name,
        document_sha256=signed.document_sha256,
    )
    return worker, contract, wednesday


def _planning_total(page, day):
    page.goto(f"/interimaires/plannings/?vue=mois&date={day.isoformat()}")
    assert_accessible(page)
    return re.search(r"Total de vos heures du mois : ([\d,.]+) heures", page.content()).group(1)


def test_the_client_enters_a_week_the_agency_validates_the_worker_sees_it(page, demo):
    worker, contract, wednesday = _placed_this_payment_week()
    # The demo's advances of that month may already exceed what its hours allow: set them aside, so
    # that the limit moves with the hours (it never goes below zero).
    worker.advances.filter(state__in=["pending", "accepted", "paid"]).update(state="cancelled")
    before_available = payroll.available_amount(worker)

    # The worker's total before.
    sign_in(page, WORKER, demo)
    page.goto("/interimaires/plannings/")
    total_before = _planning_total(page, wednesday)

    # The client: the week of the payment, the reference, a mistake, then 8 h on Wednesday, sent.
    sign_in(page, CLIENT, demo)
    nav = page.get_by_role("navigation", name="Navigation : Espace intérimaire")
    with page.expect_navigation():
        nav.get_by_role("link", name="Saisie des heures", exact=True).click()
    assert_accessible(page)
    assert "Semaine actuelle" in page.content()
    page.fill("#id_semaine", wednesday.isoformat())
    submit(page, "Afficher")  # the week first: the references offered are those running that week
    page.select_option("#id_reference", "E2E-HEURES")
    submit(page, "Afficher")
    assert_accessible(page)
    monday = wednesday - datetime.timedelta(days=2)
    sunday = monday + datetime.timedelta(days=6)
    assert f"{monday:%d/%m/%Y} au {sunday:%d/%m/%Y}" in page.content()
    hours = f"#h-{contract.pk}-{wednesday:%Y%m%d}"
    start = f"#s-{contract.pk}-{wednesday:%Y%m%d}"
    assert page.locator(start).input_value() == "08:00"  # the mission's start
    page.fill(hours, "25")
    submit(page, "Enregistrer le brouillon")
    assert "Une journée compte au plus 24 heures." in page.content()
    assert page.locator(hours).input_value() == "25"
    assert_accessible(page)
    page.fill(hours, "8")
    submit(page, "Enregistrer le brouillon")
    assert "Brouillon enregistré" in page.content() and "Total de la semaine : 8 heures" in page.content()
    assert_accessible(page)
    submit(page, "Transmettre à l'agence")
    assert "transmises à l’agence" in page.content()
    assert_accessible(page)
    page.goto("/interimaires/feuilles-heures/")
    assert_accessible(page)
    assert "E2E-HEURES" in page.content()

    # The agency: its queue, the timesheet, validated.
    sign_in(page, STAFF, demo)
    nav = page.get_by_role("navigation", name="Navigation : Espace intérimaire")
    with page.expect_navigation():
        nav.get_by_role("link", name="Feuilles d'heures", exact=True).click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("row", name=re.compile("E2E-HEURES")).get_by_role("link").first.click()
    assert_accessible(page)
    submit(page, "Valider les heures")
    assert "Heures validées" in page.content() and "Validée" in page.content()
    assert_accessible(page)

    # The worker: the month's total and the advance limit grew by those 8 hours.
    sign_in(page, WORKER, demo)
    total_after = _planning_total(page, wednesday)
    assert Decimal(total_after.replace(",", ".")) == Decimal(total_before.replace(",", ".")) + 8
    page.goto("/interimaires/acomptes/nouvelle/")
    assert_accessible(page)
    expected = (before_available + Decimal("8") * Decimal("12.50") * worker.agency.advance_share).quantize(
        Decimal("0.01")
    )
    assert payroll.available_amount(worker) == expected
    shown = page.locator("dt:text-is('Montant disponible') + dd").inner_text()
    assert Decimal(re.sub(r"[^\d,]", "", shown).replace(",", ".")) == expected
