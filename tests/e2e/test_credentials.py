"""Credential journeys in a real browser: first login with a temporary password then the forced
change; lockout and its message; forgotten password in each space. Every page passes axe-core."""

import re

import pytest
from django.core import mail

from accounts.enums import OrganisationKind, Role
from accounts.services.credentials import account_create_with_temporary_password
from tests.accounts.factories import DEFAULT_PASSWORD, OrganisationFactory, member
from tests.e2e.helpers import accept_consents, assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Nouveau-secret-2026"


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def sign_in(page, identifier, password):
    page.goto("/compte/connexion/")
    page.fill("#id_username", identifier)
    page.fill("#id_password", password)
    submit(page, "Se connecter")


def temporary_password_in(message):
    return re.search(r"Mot de passe temporaire : (\S+)", message.body).group(1)


def change_forced_password(page, new_password):
    assert page.url.endswith("/compte/mot-de-passe/")
    assert "Vous devez choisir un nouveau mot de passe" in page.inner_text("main")
    assert_accessible(page)
    page.fill("#id_new_password1", new_password)
    page.fill("#id_new_password2", new_password)
    submit(page, "Enregistrer")
    assert page.url.endswith("/tableau-de-bord/")
    assert "Votre mot de passe a été modifié." in page.inner_text("main")
    assert_accessible(page)


def test_first_login_with_a_temporary_password_then_forced_change(page):
    coop = OrganisationFactory(kind=OrganisationKind.COOPERATIVE, name="Scop des Tilleuls")
    manager = member(Role.COOP_MANAGER, organisation=coop)
    created = account_create_with_temporary_password(
        identifier="F004217MD",
        email="",
        first_name="Mathilde",
        last_name="Dupont",
        organisation=coop,
        role=Role.COOPERATOR,
        created_by=manager,
    )
    accept_consents(created.user)
    assert created.password  # no e-mail: shown once to the creator

    sign_in(page, "f004217md", created.password)
    assert page.url.endswith("/compte/mot-de-passe/")
    # The rule is stated above the field, before typing; no old password is asked.
    help_text = page.locator("#id_new_password1_helptext")
    assert "12 caractères" in help_text.inner_text()
    assert page.locator("#id_old_password").count() == 0
    assert page.locator("#id_new_password1").get_attribute("aria-describedby").startswith("id_new_password1_helptext")

    # Nothing else until it is done.
    page.goto("/tableau-de-bord/")
    assert page.url.endswith("/compte/mot-de-passe/")

    # A password against the rule: the error is on the field, in French.
    page.fill("#id_new_password1", "court")
    page.fill("#id_new_password2", "court")
    submit(page, "Enregistrer")
    assert "trop court" in page.locator(".field-error").first.inner_text()
    assert_accessible(page)

    change_forced_password(page, NEW_PASSWORD)

    # The temporary password was single use; the new one works.
    page.locator(".user-menu summary").click()
    submit(page, "Se déconnecter")
    sign_in(page, "F004217MD", created.password)
    assert "Identifiant ou mot de passe incorrect." in page.inner_text("main")
    login(page, "F004217MD", NEW_PASSWORD)
    assert page.url.endswith("/tableau-de-bord/")


def test_lockout_and_its_message(page):
    accept_consents(member(Role.COOPERATOR, identifier="F000001AA"))
    for attempt in range(4):
        sign_in(page, "F000001AA", f"mauvais-{attempt}")
        assert "Identifiant ou mot de passe incorrect." in page.inner_text("main")
    assert page.locator("#id_username").input_value() == "F000001AA"  # kept
    assert page.locator("#id_password").input_value() == ""  # never kept
    assert_accessible(page)

    sign_in(page, "F000001AA", "mauvais-5")
    assert page.get_by_role("heading", level=1).inner_text() == "Connexion temporairement bloquée"
    assert "Réessayez dans 15 minutes." in page.get_by_role("alert").inner_text()
    assert_accessible(page)

    # The right password is refused during the lock.
    sign_in(page, "F000001AA", DEFAULT_PASSWORD)
    assert "Réessayez dans 15 minutes." in page.inner_text("main")


def open_space_page(page, label):
    page.goto("/compte/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.wait_for_url("**/mot-de-passe-oublie/")
    assert_accessible(page)
    page.get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == f"Mot de passe oublié – {label}"
    assert_accessible(page)


def test_forgotten_password_benefits(page):
    accept_consents(member(Role.COOPERATOR, identifier="F004217MD", email="mathilde@example.test"))
    open_space_page(page, "Prestations")
    page.fill("#id_login", "mathilde@example.test")
    submit(page, "Envoyer")
    assert "Si un compte de cet espace correspond" in page.inner_text("main")
    assert_accessible(page)
    assert [m.to for m in mail.outbox] == [["mathilde@example.test"]]

    sign_in(page, "F004217MD", temporary_password_in(mail.outbox[0]))
    change_forced_password(page, NEW_PASSWORD)


def test_forgotten_password_partners_with_captcha(page):
    accept_consents(member(Role.PARTNER_USER, identifier="presta01", email="contact@presta.test"))
    open_space_page(page, "Partenaires Action Sociale")
    assert page.locator("img.captcha").evaluate("img => img.complete && img.naturalWidth > 0")
    page.fill("#id_login", "presta01")
    page.fill("#id_email", "contact@presta.test")
    page.fill("#id_captcha_1", "PASSED")  # CAPTCHA_TEST_MODE
    submit(page, "Envoyer")
    assert "Si un compte de cet espace correspond" in page.inner_text("main")
    assert_accessible(page)
    assert len(mail.outbox) == 1

    sign_in(page, "presta01", temporary_password_in(mail.outbox[0]))
    change_forced_password(page, "Neuf2026ab")  # partners: 8 to 12 letters and digits


@pytest.mark.parametrize(
    ("label", "role"), [("Espace intérimaire", Role.TEMP_WORKER), ("Espace Organismes", Role.ORGANISME_USER)]
)
def test_forgotten_password_by_one_time_link(page, label, role):
    accept_consents(member(role, identifier="agent@example.test", email="agent@example.test"))
    open_space_page(page, label)
    page.fill("#id_email", "agent@example.test")
    submit(page, "Envoyer")
    assert "un lien pour choisir un nouveau mot de passe" in page.inner_text("main")
    assert_accessible(page)
    link = re.search(r"http://\S+/compte/mot-de-passe-oublie/lien/\S+/", mail.outbox[0].body).group(0)

    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Choisir un nouveau mot de passe"
    assert_accessible(page)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    submit(page, "Enregistrer")
    assert page.get_by_role("heading", level=1).inner_text() == "Mot de passe enregistré"
    assert_accessible(page)

    # The link does not work twice.
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Lien invalide ou expiré"
    assert_accessible(page)

    login(page, "agent@example.test", NEW_PASSWORD)
    assert page.url.endswith("/tableau-de-bord/")
