"""Journeys in a real browser: consent at first login, TOTP enrolment for a privileged role, account pages."""

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import Role, Space
from accounts.models import ConsentAcceptance
from accounts.services.consent import consent_text_publish
from tests.accounts.factories import DEFAULT_PASSWORD, OrganisationFactory, member
from tests.e2e.helpers import accept_consents, assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def code_from_secret(secret, *, steps_ahead=0):
    """The TOTP code an authenticator app would show for the secret typed from the page."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, t0=-steps_ahead * 30):06d}"


def test_consent_at_first_login(page):
    user = member(Role.COOPERATOR, first_name="Camille", last_name="Martin")
    consent_text_publish(
        space=Space.BENEFITS,
        title="Charte de protection des données",
        body="Vos données servent au traitement de vos demandes de prestations.",
    )
    login(page, user.identifier, DEFAULT_PASSWORD)
    assert page.url.endswith("/compte/consentement/")
    assert page.get_by_role("heading", level=2, name="Charte de protection des données").is_visible()
    assert_accessible(page)

    # Without the box: an error on the field, still on the page.
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    assert page.url.endswith("/compte/consentement/")
    assert page.get_by_text("Cochez cette case pour continuer.").first.is_visible()
    assert_accessible(page)

    page.get_by_label("J'ai lu et j'accepte").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continuer").click()
    assert page.url.endswith("/tableau-de-bord/")
    assert ConsentAcceptance.objects.filter(user=user, text__version=1).exists()

    # A new version asks again at the next page.
    consent_text_publish(space=Space.BENEFITS, title="Charte, version 2", body="Nouvelle version.")
    page.goto("/tableau-de-bord/")
    assert page.url.endswith("/compte/consentement/")
    assert page.get_by_role("heading", level=2, name="Charte, version 2").is_visible()


def test_caregiver_account_ticks_the_health_data_box(page):
    organisme = OrganisationFactory(kind="organisme", code="123456", name="CPAM de Paris")
    user = member(Role.ORGANISME_USER, organisation=organisme, identifier="123456RH", email="rh@cpam.example")
    consent_text_publish(space=Space.HABILITATIONS, title="Conditions de l'Espace Organismes", body="Texte.")
    login(page, "123456rh", DEFAULT_PASSWORD)
    assert page.url.endswith("/compte/consentement/")
    health = page.get_by_label(re.compile("données de santé"))
    assert health.is_visible()
    assert_accessible(page)
    page.get_by_label("J'ai lu et j'accepte").check()
    health.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continuer").click()
    assert page.url.endswith("/tableau-de-bord/")
    assert ConsentAcceptance.objects.get(user=user).health_data is True


def test_totp_enrolment_for_a_privileged_role_then_verification_at_next_login(page):
    officer = accept_consents(member(Role.UNION_OFFICER, first_name="Inès", last_name="Lambert"))
    login(page, officer.identifier, DEFAULT_PASSWORD)
    page.goto("/tableau-de-bord/")
    assert page.url.endswith("/compte/double-authentification/activer/")
    assert page.locator(".qr-code svg").is_visible()
    assert_accessible(page)

    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(code_from_secret(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Activer").click()
    assert page.url.endswith("/compte/double-authentification/codes-de-secours/")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="J'ai conservé mes codes").click()
    assert page.url.endswith("/compte/double-authentification/")
    assert_accessible(page)
    page.goto("/tableau-de-bord/")
    assert page.url.endswith("/tableau-de-bord/")
    assert TOTPDevice.objects.get(user=officer).confirmed

    # Next session: the code is asked right after the password.
    page.context.clear_cookies()
    login(page, officer.identifier, DEFAULT_PASSWORD)
    page.goto("/tableau-de-bord/")
    assert page.url.endswith("/compte/double-authentification/verification/")
    assert_accessible(page)
    page.get_by_label("Code de vérification").fill("000000" if code_from_secret(secret) != "000000" else "111111")
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state()
    assert page.get_by_text("Code incorrect.").first.is_visible()
    page.wait_for_timeout(1100)  # django-otp's delay after one failure
    page.get_by_label("Code de vérification").fill(codes[0])  # a recovery code
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier").click()
    assert page.url.endswith("/tableau-de-bord/")
    assert page.get_by_text("Il vous en reste 9").is_visible()


def test_account_pages_are_accessible(page):
    user = accept_consents(member(Role.COOPERATOR, first_name="Léa", last_name="Petit"))
    login(page, user.identifier, DEFAULT_PASSWORD)
    for path in (
        "/compte/profil/",
        "/compte/profil/notifications/",
        "/compte/securite/",
        "/compte/donnees/",
        "/compte/double-authentification/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)

    # Contact details: re-authentication first, then the form keeps what was typed on an error.
    page.goto("/compte/profil/coordonnees/")
    assert "/compte/reauthentification/" in page.url
    assert_accessible(page)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()
    assert page.url.endswith("/compte/profil/coordonnees/")
    page.get_by_label("Téléphone").fill("12")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_text("Saisissez un numéro de téléphone valide").first.is_visible()
    assert page.get_by_label("Téléphone").input_value() == "12"
    assert_accessible(page)
