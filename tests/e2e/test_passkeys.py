"""Passkeys in Chromium with a virtual authenticator (DevTools protocol: WebAuthn.addVirtualAuthenticator):
added from the security page, then used to sign in from the login page without a password; and the
second-factor step of a privileged role passed with one."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from accounts.enums import Role
from tests.accounts.factories import DEFAULT_PASSWORD, member
from tests.e2e.helpers import accept_consents, assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def virtual_authenticator(page):
    """A platform authenticator that verifies its user (PIN, biometrics) and answers at once."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable", {"enableUI": False})
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session


def sign_out(page):
    page.locator(".user-menu summary").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()


def test_add_a_passkey_then_sign_in_with_it(page):
    user = accept_consents(member(Role.COOPERATOR, first_name="Camille", last_name="Martin"))
    virtual_authenticator(page)
    login(page, user.identifier, DEFAULT_PASSWORD)
    page.goto("/compte/double-authentification/")
    add = page.get_by_role("button", name="Ajouter une clé d’accès")
    assert add.is_visible()  # shown by the script: WebAuthn is there
    assert_accessible(page)
    with page.expect_navigation(url="**/codes-de-secours/"):
        add.click()
    assert WebAuthnCredential.objects.filter(user=user).count() == 1
    assert page.get_by_text("Votre clé d’accès est enregistrée.").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="J'ai conservé mes codes").click()
    assert page.locator("strong", has_text="Clé d’accès ajoutée le").is_visible()
    assert_accessible(page)

    sign_out(page)
    page.goto("/compte/connexion/?next=/compte/profil/")
    assert_accessible(page)
    with page.expect_navigation(url="**/compte/profil/"):
        page.get_by_role("button", name="Se connecter avec une clé d’accès").click()
    assert page.get_by_role("heading", level=1).is_visible()
    assert not page.browser_problems, page.browser_problems


def test_a_privileged_role_passes_the_second_factor_with_a_passkey(page):
    user = accept_consents(member(Role.UNION_OFFICER))
    virtual_authenticator(page)
    # The mandatory enrolment: a passkey instead of the app.
    login(page, user.identifier, DEFAULT_PASSWORD)
    assert page.url.endswith("/compte/double-authentification/activer/")
    with page.expect_navigation(url="**/codes-de-secours/"):
        page.get_by_role("button", name="Enregistrer une clé d’accès").click()
    with page.expect_navigation():
        page.get_by_role("button", name="J'ai conservé mes codes").click()
    sign_out(page)
    # Next time: password, then the passkey as the second factor.
    login(page, user.identifier, DEFAULT_PASSWORD)
    assert page.url.endswith("/compte/double-authentification/verification/")
    assert_accessible(page)
    with page.expect_navigation(url="**/tableau-de-bord/"):
        page.get_by_role("button", name="Utiliser ma clé d’accès").click()
    assert not page.browser_problems, page.browser_problems


def test_without_webauthn_the_passkey_button_stays_hidden(page):
    page.add_init_script("delete window.PublicKeyCredential;")
    page.goto("/compte/connexion/")
    assert page.get_by_role("button", name="Se connecter", exact=True).is_visible()
    assert page.get_by_role("button", name="Se connecter avec une clé d’accès").count() == 0
