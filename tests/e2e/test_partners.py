"""Browser journeys of the partners space (issue 5), each page checked with axe-core."""

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import Role
from accounts.models import Organisation
from core.models import OutboundMessage
from partners.enums import ConventionState
from partners.models import ContactMessage, Convention
from partners.reference import load_reference_data
from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from tests.partners.factories import ConventionFactory, PartnerFactory, PreRegistrationFactory, partner_member

from .helpers import assert_accessible, login

PARTNER_PASSWORD = "Nouveau2026"


def _fund(code="CARSAT-HDF"):
    load_reference_data()
    return Organisation.objects.get(kind="fund", code=code)


def _login_fund_admin(page, fund):
    return _login_privileged(page, "caisse01", fund, Role.FUND_ADMIN, "/partenaires/caisse/")


def _login_privileged(page, identifier, organisation, role, home):
    user = UserFactory(identifier=identifier, email=f"{identifier}@example.test")
    MembershipFactory(user=user, organisation=organisation, role=role, is_admin=True)
    device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    login(page, user.identifier, DEFAULT_PASSWORD)
    page.goto(home)
    if "/verification/" in page.url:
        page.get_by_label("Code de vérification").fill(f"{totp(device.bin_key):06d}")
        with page.expect_navigation():
            page.get_by_role("button", name="Vérifier").click()
        page.goto(home)
    assert page.url.endswith(home), page.url
    return user


def test_preregistration_with_errors_then_validation_and_first_login(page):
    fund = _fund()
    page.goto("/partenaires/")
    assert_accessible(page)
    page.get_by_role("link", name="Se préinscrire").click()
    assert_accessible(page)
    page.get_by_label("J'accepte les conditions générales d'inscription").check()
    page.get_by_role("button", name="Valider").click()
    page.get_by_label("Oui, je connais mon code convention").check()
    page.get_by_role("button", name="OK").click()
    assert page.url.endswith("/partenaires/inscription/formulaire/")
    assert_accessible(page)

    page.get_by_label("Régime").select_option(label="CNAV")
    # Funds of other regimes are hidden without reloading the page.
    msa = page.locator("#id_fund option", has_text="MSA de Picardie")
    assert msa.get_attribute("disabled") is not None and msa.get_attribute("hidden") is not None
    assert page.locator("#id_fund option", has_text=fund.name).get_attribute("disabled") is None
    page.get_by_label("Caisse").select_option(label=fund.name)
    page.get_by_label("Code convention").fill("757300")
    page.get_by_label("Type de partenaire").select_option(label="Structure d'évaluation")
    page.get_by_label("Nom du partenaire").fill("Association Ciel")
    assert page.locator("#recipient").inner_text() == "Association Ciel"
    page.get_by_label("SIRET").fill("73282932000075")  # wrong key
    page.locator("#id_phone").fill("03020105")  # too short
    page.get_by_label("Code postal").fill("62000")
    page.get_by_label("Commune").fill("Arras")
    page.locator("#id_admin_last_name").fill("Durand")
    page.locator("#id_admin_first_name").fill("Alix")
    page.locator("#id_admin_login").fill("Alix 7")
    page.locator("#id_admin_email").fill("alix@example.test")
    page.locator("#id_admin_phone").fill("06 12 34 56 78")
    page.get_by_role("textbox", name="Caractères de l’image").fill("PASSED")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_text("clé de contrôle").first.is_visible()
    assert page.get_by_text("nn nn nn nn nn").first.is_visible()
    assert page.get_by_label("Nom du partenaire").input_value() == "Association Ciel"
    assert page.get_by_role("textbox", name="Caractères de l’image").input_value() == ""
    assert_accessible(page)
    page.get_by_label("SIRET").fill("73282932000074")
    page.locator("#id_phone").fill("03 02 01 05 09")
    page.locator("#id_admin_login").fill("Alix7")
    page.get_by_role("textbox", name="Caractères de l’image").fill("PASSED")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("heading", name="Votre préinscription est terminée").is_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    _login_fund_admin(page, fund)
    assert_accessible(page)
    page.get_by_role("link", name="Association Ciel").click()
    assert_accessible(page)
    # Irreversible: the accessible dialog asks first.
    page.get_by_role("button", name="Valider", exact=True).click()
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        dialog.get_by_role("button", name="Valider").click()
    assert page.get_by_text("est validée").is_visible()

    mail = OutboundMessage.objects.get(recipient="alix@example.test", event="accounts.temporary_password")
    password = re.search(r"Mot de passe temporaire : (\S+)", mail.body).group(1)
    page.context.clear_cookies()
    login(page, "Alix7", password)
    assert page.url.endswith("/compte/mot-de-passe/")
    assert_accessible(page)
    page.locator("#id_new_password1").fill(PARTNER_PASSWORD)
    page.locator("#id_new_password2").fill(PARTNER_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.goto("/partenaires/administration/")
    assert page.get_by_text("73282932000074").first.is_visible()
    assert_accessible(page)


def test_partner_admin_users_rules(page):
    partner = PartnerFactory(organisation__name="Association Ciel")
    admin = partner_member(partner, is_admin=True, identifier="Alex7", email="alex@example.test")
    login(page, "Alex7", DEFAULT_PASSWORD)
    page.goto("/partenaires/administration/utilisateurs/")
    assert_accessible(page)
    page.locator("#id_last_name").fill("Martin")
    page.get_by_label("Prénom").fill("Mika")
    page.get_by_label("Login").fill("Martin37")
    page.locator("#id_phone").fill("03 02 04 05 06")
    page.get_by_label("E-mail").fill("martin@example.test")
    with page.expect_navigation():
        page.get_by_role("button", name="Valider").click()
    assert page.get_by_role("link", name="Martin37", exact=True).is_visible()
    assert OutboundMessage.objects.filter(recipient="martin@example.test").exists()

    # Grant the right to Martin37.
    page.get_by_role("link", name="Martin37", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Administrateur").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Valider").click()
    # One's own box cannot be changed.
    page.get_by_role("link", name="Alex7", exact=True).click()
    assert page.get_by_label("Administrateur").is_disabled()
    page.goto("/partenaires/administration/utilisateurs/")
    # An administrator cannot be deleted before losing the right: the dialog, then the refusal.
    page.get_by_role("button", name="Supprimer Martin37").click()
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        dialog.get_by_role("button", name="Supprimer").click()
    assert page.get_by_text("abord les droits").is_visible()
    page.get_by_role("link", name="Martin37", exact=True).click()
    page.get_by_label("Administrateur").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Valider").click()
    page.get_by_role("button", name="Supprimer Martin37").click()
    with page.expect_navigation():
        page.get_by_role("dialog").get_by_role("button", name="Supprimer").click()
    assert page.get_by_text("est supprimé").is_visible()
    assert page.get_by_role("link", name="Martin37", exact=True).count() == 0
    admin.refresh_from_db()
    assert admin.is_admin


def test_convention_added_then_invalidated_by_the_fund(page):
    fund = _fund("CNRACL")
    partner = PartnerFactory(organisation__name="Association Ciel")
    ConventionFactory(partner=partner, state=ConventionState.VALIDATED)
    partner_member(partner, is_admin=True, identifier="Alex7", email="alex@example.test")
    login(page, "Alex7", DEFAULT_PASSWORD)
    page.goto("/partenaires/administration/conventions/")
    assert_accessible(page)
    page.get_by_label("Régime").select_option(label="CNRACL")
    page.get_by_label("Caisse").select_option(label=fund.name)
    page.get_by_label("Type de convention").select_option(index=1)
    page.get_by_label("Code convention").fill("CL19720812")
    with page.expect_navigation():
        page.get_by_role("button", name="Valider").click()
    assert page.get_by_role("cell", name="En attente de validation").is_visible()

    page.context.clear_cookies()
    _login_fund_admin(page, fund)
    page.get_by_role("link", name="CL19720812").click()
    assert_accessible(page)
    page.get_by_label("Motif de l'invalidation").fill("Code inconnu de la caisse")
    page.get_by_role("button", name="Invalider").click()
    with page.expect_navigation():
        page.get_by_role("dialog").get_by_role("button", name="Invalider").click()
    assert Convention.objects.get(code="CL19720812").state == ConventionState.INVALIDATED
    mail = OutboundMessage.objects.get(recipient="alex@example.test")
    assert mail.subject == "Mail de confirmation : invalidation de convention"
    assert "CL19720812" in mail.body and fund.name in mail.body


def test_a_fund_without_administrator_is_supervised_by_the_national_admins(page):
    fund = _fund()  # CARSAT Hauts-de-France (Nord-Picardie): the manual's example, no administrator
    prereg = PreRegistrationFactory(fund=fund, partner_name="Association Nord")
    national = Organisation.objects.create(kind="national_admin", name="Opérateur national")
    _login_privileged(page, "national01", national, Role.NATIONAL_ADMIN, "/partenaires/supervision/")
    assert page.get_by_role("link", name="Association Nord").is_visible()
    assert page.get_by_role("link", name=f"Nommer un administrateur {fund.name}").first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Association Nord").click()
    assert_accessible(page)
    page.get_by_label("Motif de l'invalidation").fill("Caisse sans convention avec ce partenaire")
    page.get_by_role("button", name="Invalider").click()
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        dialog.get_by_role("button", name="Invalider").click()
    assert page.url.endswith("/partenaires/supervision/")
    assert page.get_by_text("est invalidée").is_visible()
    prereg.refresh_from_db()
    assert prereg.state == "invalidated"


def test_partner_corrects_then_withdraws_a_pending_convention(page):
    fund = _fund("CNRACL")
    partner = PartnerFactory(organisation__name="Association Ciel")
    ConventionFactory(partner=partner, state=ConventionState.INVALIDATED, code="REFUS1", decision_reason="Code inconnu")
    pending = ConventionFactory(partner=partner, fund=fund, code="ERREUR1")
    partner_member(partner, is_admin=True, identifier="Alex7", email="alex@example.test")
    login(page, "Alex7", DEFAULT_PASSWORD)
    page.goto("/partenaires/administration/conventions/")
    assert page.get_by_text("Code inconnu").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Corriger la convention ERREUR1").click()
    assert_accessible(page)
    page.get_by_label("Code convention").fill("BON1")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la correction").click()
    assert page.get_by_text("est corrigée").is_visible()
    page.get_by_role("button", name="Retirer la convention BON1").click()
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Retirer").click()
    assert page.get_by_text("est retirée").is_visible()
    pending.refresh_from_db()
    assert pending.code == "BON1" and pending.state == ConventionState.WITHDRAWN
    assert_accessible(page)


def test_contact_form(page):
    page.goto("/partenaires/contact/")
    assert_accessible(page)
    page.get_by_label("Numéro de convention").fill("9059003C")
    page.locator("#id_last_name").fill("Martin")
    page.get_by_label("E-mail").fill("martin@example.test")
    page.locator("#id_phone").fill("123")
    page.get_by_label("Demande d'informations sur les aides").check()
    page.get_by_role("textbox", name="Caractères de l’image").fill("PASSED")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_load_state()
    assert page.get_by_text("nn nn nn nn nn").first.is_visible()
    assert page.locator("#id_last_name").input_value() == "Martin"
    assert_accessible(page)
    page.locator("#id_phone").fill("03 02 01 05 09")
    page.get_by_role("textbox", name="Caractères de l’image").fill("PASSED")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    assert page.get_by_role("heading", name="Votre message est envoyé").is_visible()
    assert ContactMessage.objects.get().reason == "aids"
