"""Prestations in a real browser: the issue's journeys, axe-core on every page they visit.

HR creates a cooperator and their login; the cooperator's first login (forced change, consent), adds a
child, enters a request with a scan; HR approves; an officer takes it and pays; the cooperator sees it
blue; HR reads the statistics and downloads the extraction. Then every page of each role on the demo data.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, Space
from accounts.services.consent import consent_text_publish
from benefits.enums import RequestState
from benefits.models import BenefitRequest, Cooperator
from core.models import OutboundMessage
from tests.accounts.factories import DEFAULT_PASSWORD, member, totp_device, totp_now
from tests.benefits.factories import CooperativeFactory, catalogue, pdf_bytes
from tests.e2e.helpers import accept_consents, assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Coquelicot-des-champs-2026"


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    assert_accessible(page)
    return response


def sign_out(page):
    page.context.clear_cookies()


def officer_login(page, officer, device, password=DEFAULT_PASSWORD):
    login(page, officer.identifier, password)
    page.goto("/tableau-de-bord/")
    if "/double-authentification/verification/" in page.url:
        page.get_by_label("Code de vérification").fill(totp_now(device))
        submit(page, "Vérifier")


@pytest.fixture
def setup():
    catalogue()
    cooperative = CooperativeFactory(organisation__name="Scop des Tisserands")
    manager = accept_consents(
        member(Role.COOP_MANAGER, organisation=cooperative.organisation, first_name="Rémi", last_name="Hervé")
    )
    officer = accept_consents(
        member(Role.UNION_OFFICER, organisation=cooperative.union, first_name="Gaëlle", last_name="Officier")
    )
    device = totp_device(officer)
    consent_text_publish(
        space=Space.BENEFITS, title="Protection des données", body="Vos données servent à vos prestations."
    )
    accept_consents(manager)
    accept_consents(officer)
    return {"cooperative": cooperative, "manager": manager, "officer": officer, "device": device}


def test_the_benefits_journey(page, setup):
    manager, officer = setup["manager"], setup["officer"]

    # 1. HR creates a cooperator (an error first: nothing typed is lost), then their login.
    login(page, manager.identifier, DEFAULT_PASSWORD)
    visit(page, reverse("benefits:cooperator_list"))
    with page.expect_navigation():
        page.get_by_role("link", name="Ajouter un coopérateur").click()
    assert_accessible(page)
    page.fill("#id_last_name", "Martin")
    page.fill("#id_first_name", "Denise")
    page.fill("#id_email", "denise.martin@exemple.test")
    page.fill("#id_entry_date", "2024-09-02")
    page.fill("#id_weekly_hours", "trente")
    submit(page, "Enregistrer")
    assert page.get_by_text("Saisissez un nombre d'heures").first.is_visible()
    assert page.input_value("#id_last_name") == "Martin"
    assert_accessible(page)
    page.fill("#id_weekly_hours", "35")
    submit(page, "Enregistrer")
    assert "est enregistré(e) avec le numéro de famille" in page.inner_text("main")
    assert_accessible(page)
    cooperator = Cooperator.objects.get(last_name="Martin")
    with page.expect_navigation():
        page.get_by_role("link", name="Créer l'identifiant").click()
    assert cooperator.login_identifier in page.inner_text("main")
    assert_accessible(page)
    submit(page, "Créer l'identifiant")
    assert "le mot de passe temporaire a été envoyé à denise.martin@exemple.test" in page.inner_text("main")
    message = OutboundMessage.objects.get(recipient="denise.martin@exemple.test", event="accounts.temporary_password")
    temporary = re.search(r"Mot de passe temporaire : (\S+)", message.body).group(1)
    sign_out(page)

    # 2. The cooperator's first login: forced password change, consent; adds a child; enters a request.
    login(page, cooperator.login_identifier, temporary)
    assert page.url.endswith("/compte/mot-de-passe/")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    submit(page, "Enregistrer")
    if not page.url.endswith("/compte/consentement/"):
        page.goto("/tableau-de-bord/")
    assert page.url.endswith("/compte/consentement/")
    assert_accessible(page)
    page.get_by_label("J'ai lu et j'accepte").check()
    submit(page, "Continuer")
    nav = page.get_by_role("navigation", name="Navigation : Prestations")
    with page.expect_navigation():
        nav.get_by_role("link", name="Ma famille").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Ajouter un ayant droit").click()
    assert_accessible(page)
    page.get_by_label("Enfant").check()
    page.fill("#id_first_name", "Lucas")
    page.fill("#id_birth_date", "2016-05-14")
    page.check("#id_declared_on_tax_return")
    submit(page, "Enregistrer")
    assert "Lucas Martin est ajouté(e) à la famille." in page.inner_text("main")
    with page.expect_navigation():
        nav.get_by_role("link", name="Demandes de prestations").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Faire une demande").click()
    assert_accessible(page)
    page.get_by_label(re.compile("Lucas Martin")).check()
    page.get_by_label("Vacances enfant").check()
    page.set_input_files(
        "#id_files", [{"name": "facture-colonie.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    submit(page, "Enregistrer la demande")
    main = page.inner_text("main")
    assert "attend l'accord de votre coopérative" in main and "14 jours" in main
    assert page.get_by_role("link", name="facture-colonie.pdf").is_visible()
    assert_accessible(page)
    request = BenefitRequest.objects.get()
    assert request.awaiting_approval
    sign_out(page)

    # 3. HR approves it.
    login(page, manager.identifier, DEFAULT_PASSWORD)
    visit(page, reverse("benefits:request_list"))
    assert "attend votre accord" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("link", name=request.reference).click()
    assert "En attente de l'accord de la coopérative." in page.inner_text("main")
    assert_accessible(page)
    submit(page, "Donner l'accord de la coopérative")
    assert "Accord donné" in page.inner_text("main")
    sign_out(page)

    # 4. An officer takes it in charge and pays it.
    officer_login(page, officer, setup["device"])
    visit(page, reverse("benefits:queue"))
    with page.expect_navigation():
        page.get_by_role("link", name=request.reference).click()
    assert_accessible(page)
    assert "Lucas Martin" in page.inner_text("main")  # the family is on the page
    submit(page, "Prendre en charge")
    assert "Montant selon les tarifs" in page.inner_text("main")
    assert_accessible(page)
    today = timezone.localdate()
    page.fill("#id_payment_date", today.isoformat())  # not before the request was entered (issue 9)
    # Irreversible: the accessible dialog asks first.
    page.get_by_role("button", name="Payer la demande", exact=True).click()
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible() and "ne pourront plus être changés" in dialog.inner_text()
    assert_accessible(page)
    with page.expect_navigation():
        dialog.get_by_role("button", name="Payer la demande", exact=True).click()
    assert "est payée" in page.inner_text("main")
    assert_accessible(page)
    request.refresh_from_db()
    assert request.state == RequestState.PAID
    sign_out(page)

    # 5. The cooperator sees it blue, with amount and date.
    login(page, cooperator.login_identifier, NEW_PASSWORD)
    visit(page, reverse("benefits:request_list"))
    badge = page.locator(".badge-blue", has_text="Payée")
    assert badge.first.is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=request.reference).click()
    main = page.inner_text("main")
    assert "120,00 €" in main and today.strftime("%d/%m/%Y") in main
    assert page.get_by_role("link", name="Modifier la demande").count() == 0
    assert_accessible(page)
    sign_out(page)

    # 6. HR: statistics, then the extraction.
    login(page, manager.identifier, DEFAULT_PASSWORD)
    visit(page, reverse("benefits:statistics"))
    assert page.locator("svg.bar-chart[role=img]").is_visible()
    assert "Vacances enfant" in page.inner_text("main")
    visit(page, reverse("benefits:exports"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger la liste des coopérateurs (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    import io

    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    from accounts.models import User
    from portal.management.commands.seed_demo import DEMO_PASSWORD

    users = {u.identifier: accept_consents(u) for u in User.objects.all()}
    return users, DEMO_PASSWORD


def test_every_page_of_each_role_on_the_demo_data(page, demo):
    users, password = demo
    waiting = BenefitRequest.objects.filter(state=RequestState.AWAITING).first()
    paid = BenefitRequest.objects.filter(state=RequestState.PAID).first()
    denise = Cooperator.objects.get(family_number="F004217")

    login(page, "rh@ateliers-canal.demo", password)
    for name in (
        "benefits:info",
        "benefits:catalogue",
        "benefits:cooperator_list",
        "benefits:cooperator_create",
        "benefits:contributions",
        "benefits:request_list",
        "benefits:request_create",
        "benefits:statistics",
        "benefits:exports",
        "benefits:documents",
    ):
        visit(page, reverse(name))
    visit(page, reverse("benefits:cooperator_detail", args=[denise.pk]))
    visit(page, reverse("benefits:request_create") + f"?cooperateur={denise.pk}")
    visit(page, reverse("benefits:request_detail", args=[waiting.pk]))
    assert "jours" in page.inner_text("main")
    sign_out(page)

    login(page, "F004217MD", password)
    for url in (
        reverse("benefits:catalogue"),
        reverse("benefits:request_list"),
        reverse("benefits:request_create"),
        reverse("benefits:documents"),
        reverse("benefits:cooperator_detail", args=[denise.pk]),
        reverse("benefits:request_detail", args=[paid.pk])
        if paid.cooperator_id == denise.pk
        else reverse("benefits:request_list"),
    ):
        visit(page, url)
    sign_out(page)

    officer = users["gestion@union.demo"]
    officer_login(page, officer, totp_device(officer), password)
    for name in (
        "benefits:queue",
        "benefits:cooperative_list",
        "benefits:cooperator_list",
        "benefits:family_documents_pending",
        "benefits:tariffs",
        "benefits:contributions",
        "benefits:statistics",
        "benefits:exports",
    ):
        visit(page, reverse(name))
    visit(page, reverse("benefits:request_detail", args=[paid.pk]))
    visit(page, reverse("benefits:cooperative_edit", args=[denise.cooperative_id]))
    processing = BenefitRequest.objects.filter(state=RequestState.PROCESSING).first()
    visit(page, reverse("benefits:request_detail", args=[processing.pk]))
