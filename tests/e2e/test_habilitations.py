"""Browser journeys of the Espace Organismes (issue 13), each page checked with axe-core and at 390 px."""

import re
import socket
import sys
import threading
from datetime import timedelta
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.utils import timezone

from accounts.models import ConsentAcceptance, User
from accounts.services.consent import consent_text_publish
from core.models import OutboundMessage
from habilitations import services
from habilitations.enums import AccessRequestState
from habilitations.models import AccessRequest
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.habilitations.factories import (
    AccessRequestFactory,
    AccountRequestFactory,
    ApplicationFactory,
    OrganismeFactory,
    correspondent,
    organisme_user,
)

from .helpers import assert_accessible

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "demo"))
from relying_party import make_app


def _two_step_login(page, email, password=DEFAULT_PASSWORD):
    page.goto("/organismes/connexion/")
    assert_accessible(page)
    page.get_by_label("Entrez votre adresse e-mail professionnelle").fill(email)
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url(re.compile(r"/organismes/connexion/mot-de-passe/"))
    assert page.get_by_text(email).is_visible()
    assert page.get_by_role("link", name="Cliquez ici pour créer un nouveau mot de passe").is_visible()
    assert_accessible(page)
    page.get_by_label("Mot de passe").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert "/connexion/" not in page.url, page.url


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def relying_party(live_server):
    """The demo relying party (demo/relying_party.py) on a free port, signing in through the live server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    app = make_app(
        issuer=f"{live_server.url}/o",
        client_id="demo-rp",
        client_secret="demo-rp-secret-2026",
        redirect_uri=f"{base}/callback",
    )
    server = make_server("127.0.0.1", port, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_account_request_acceptance_password_and_two_step_login(page):
    organisme = OrganismeFactory(organisation__name="CPAM de Lyon", organisation__code="691000")
    validator = correspondent(organisme.organisation)
    page.goto("/organismes/demande-de-compte/")
    assert_accessible(page)
    page.get_by_label("Votre adresse e-mail professionnelle").fill("nina.ouvelle@cpam-lyon.test")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url(re.compile(r"/formulaire/"))
    assert_accessible(page)
    page.get_by_label("Madame").check()
    page.get_by_label("Prénom").fill("Nina")
    page.locator("#id_last_name").fill("Ouvelle")
    page.locator("#id_organisme").fill("691000 · CPAM de Lyon")
    page.get_by_label("Téléphone").fill("0612")
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state()
    assert page.get_by_text("nn nn nn nn nn").first.is_visible()
    assert page.get_by_label("Prénom").input_value() == "Nina"  # nothing lost
    assert_accessible(page)
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(re.compile(r"/envoyee/"))
    assert_accessible(page)

    _two_step_login(page, validator.user.email)
    page.goto("/organismes/demandes-de-compte/")
    assert_accessible(page)
    page.get_by_role("link", name="Nina Ouvelle").click()
    assert_accessible(page)
    page.get_by_role("button", name="Accepter et créer le compte").click()
    page.wait_for_url(re.compile(r"/demandes-de-compte/$"))
    page.context.clear_cookies()

    mail = OutboundMessage.objects.get(event="habilitations.account_request_accepted")
    link = re.search(r"http\S+/compte/mot-de-passe-oublie/lien/\S+", mail.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator("#id_new_password1").fill("Lyon-Organismes-2026")
    page.locator("#id_new_password2").fill("Lyon-Organismes-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    _two_step_login(page, "nina.ouvelle@cpam-lyon.test", "Lyon-Organismes-2026")
    page.goto("/organismes/applications/")
    assert page.get_by_role("heading", name="Mes applications").is_visible()


def test_ask_pending_grant_then_single_sign_on_in_the_demo_relying_party(page, live_server, relying_party):
    membership = organisme_user(email="agent@cpam.test", identifier="agent@cpam.test", first_name="Olivier")
    validator = correspondent(membership.organisation, identifier="corr@cpam.test", email="corr@cpam.test")
    application = ApplicationFactory(name="Accords locaux", slug="accords-locaux", url=f"{relying_party}/")
    services.oidc_client_register(
        application=application,
        redirect_uris=[f"{relying_party}/callback"],
        client_id="demo-rp",
        client_secret="demo-rp-secret-2026",
    )
    refused_app = ApplicationFactory(name="Grève", slug="greve")

    _two_step_login(page, "agent@cpam.test")
    page.goto("/organismes/applications/")
    assert_accessible(page)
    page.locator("summary", has_text="Accords locaux").click()
    page.get_by_role("link", name="Demander l’accès à l’application Accords locaux").click()
    assert_accessible(page)
    page.get_by_label("Justification (facultative)").fill("Je négocie les accords du site.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(re.compile(r"/mes-informations/habilitations/"))
    assert page.get_by_text("En attente").first.is_visible()
    assert_accessible(page)
    page.goto(f"/organismes/applications/demander/?application={refused_app.slug}")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(re.compile(r"/mes-informations/habilitations/"))
    page.context.clear_cookies()

    _two_step_login(page, "corr@cpam.test")
    page.goto("/organismes/a-valider/")
    assert page.get_by_text("10 jours").first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Accords locaux").click()
    assert_accessible(page)
    page.get_by_role("button", name="Accorder").click()
    page.wait_for_url(re.compile(r"/a-valider/$"))
    page.get_by_role("link", name="Grève").click()
    page.wait_for_url(re.compile(r"/a-valider/\d+/$"))
    with page.expect_navigation():  # the refusal without a reason comes back with the message
        page.get_by_role("button", name="Refuser").click()
    assert page.get_by_text("Indiquez le motif de cette décision.").first.is_visible()
    page.get_by_label("Motif du refus").fill("Réservée au service RH.")
    page.get_by_role("button", name="Refuser").click()
    page.wait_for_url(re.compile(r"/a-valider/$"))
    page.context.clear_cookies()

    _two_step_login(page, "agent@cpam.test")
    page.goto("/organismes/mes-informations/habilitations/")
    assert page.get_by_text("Réservée au service RH.").is_visible()
    assert page.get_by_text(validator.user.get_full_name()).first.is_visible()
    page.goto("/organismes/applications/")
    page.locator("summary", has_text="Accords locaux").click()
    page.get_by_role("link", name=re.compile("Accéder à l’application")).click()
    page.wait_for_url(re.compile(re.escape(relying_party)))
    page.get_by_role("link", name="Se connecter avec Guichet").click()
    page.wait_for_url(re.compile(re.escape(relying_party) + r"/$"))
    assert page.get_by_text("Bonjour Olivier").is_visible()
    claims = page.locator("#claims").inner_text()
    assert '"application": "accords-locaux"' in claims and membership.organisation.code in claims


def test_tacit_acceptance_after_the_job_on_a_back_dated_request(page):
    membership = organisme_user(email="tacite@cpam.test", identifier="tacite@cpam.test")
    correspondent(membership.organisation)
    access_request = AccessRequestFactory(
        user=membership.user, organisme=membership.organisation, application__name="Élections professionnelles"
    )
    AccessRequest.objects.filter(pk=access_request.pk).update(created_at=timezone.now() - timedelta(days=10, hours=1))
    assert services.tacit_acceptance_run() == 1
    _two_step_login(page, "tacite@cpam.test")
    page.goto("/organismes/mes-informations/habilitations/")
    assert page.get_by_text("Acceptée tacitement").first.is_visible()
    assert_accessible(page)
    access_request.refresh_from_db()
    assert access_request.state == AccessRequestState.TACIT


def test_caregiver_account_with_the_health_data_box_then_newsletters(page):
    consent_text_publish(space="habilitations", title="Données personnelles", body="Texte du consentement.")
    OrganismeFactory(organisation__code="123456", organisation__name="CPAM de Paris")
    ApplicationFactory(slug="aide-aux-aidants", name="Aide aux aidants", central=True)
    page.goto("/organismes/aide-aux-aidants/")
    assert_accessible(page)
    page.get_by_label("Code organisme").fill("123456RH")
    page.get_by_label("Prénom").fill("CPAM")
    page.locator("#id_last_name").fill("Paris")
    page.get_by_label("E-mail").fill("rh@cpam-paris.test")
    page.get_by_label("Date de naissance").fill("1980-04-02")
    page.get_by_label("Adresse").fill("1 rue de la Santé")
    page.get_by_label("Code postal").fill("75013")
    page.get_by_label("Ville").fill("Paris")
    page.get_by_label("Téléphone").fill("01 40 00 00 00")
    page.locator("#id_password1").fill("Aidants-Paris-2026")
    page.get_by_label("Confirmez le mot de passe").fill("Aidants-Paris-2026")
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="Ouvrir le compte").click()
    page.wait_for_load_state()
    assert page.get_by_text("Ce consentement est obligatoire pour ouvrir le compte.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("J’accepte le service et donne mon consentement").check()
    page.locator("#id_password1").fill("Aidants-Paris-2026")
    page.get_by_label("Confirmez le mot de passe").fill("Aidants-Paris-2026")
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="Ouvrir le compte").click()
    page.wait_for_url(re.compile(r"/compte-ouvert/"))
    assert_accessible(page)
    user = User.objects.get(identifier="123456RH")
    assert ConsentAcceptance.objects.get(user=user).health_data

    page.goto("/compte/connexion/")
    page.fill("#id_username", "123456RH")
    page.fill("#id_password", "Aidants-Paris-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()
    page.goto("/organismes/mes-informations/abonnements/")
    assert_accessible(page)
    page.get_by_label("Lettre d’information RH").check()
    page.get_by_label("Lettre d’information Marchés publics").check()
    page.get_by_role("button", name="Valider mes abonnements").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vos abonnements sont enregistrés.").is_visible()
    assert set(user.newsletter_subscriptions.values_list("newsletter", flat=True)) == {"rh", "marches"}
    for url in ("/organismes/mes-informations/", "/organismes/mes-informations/contacts/", "/organismes/faq/"):
        page.goto(url)
        assert_accessible(page)


def test_validator_revokes_exports_delegates_and_sees_a_second_organisme_request(page):
    membership = organisme_user(email="titulaire@cpam.test", identifier="titulaire@cpam.test", last_name="Titulaire")
    validator = correspondent(membership.organisation, identifier="corr2@cpam.test", email="corr2@cpam.test")
    colleague = organisme_user(membership.organisation, last_name="Collègue")
    application = ApplicationFactory(name="Droit syndical")
    right = services.right_grant_directly(
        user=membership.user, application=application, organisme=membership.organisation
    )
    informed = AccountRequestFactory(
        organisme=OrganismeFactory().organisation, second_organisme=membership.organisation, last_name="Second"
    )
    _two_step_login(page, "corr2@cpam.test")
    page.goto("/organismes/habilitations/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.get_by_role("link", name=membership.user.get_full_name()).click()
    assert_accessible(page)
    page.get_by_role("button", name="Retirer l’habilitation").click()
    assert page.get_by_text("Indiquez le motif du retrait.").first.is_visible()
    page.get_by_label("Motif du retrait").fill("Départ du service.")
    page.get_by_role("button", name="Retirer l’habilitation").click()
    # Irreversible: the server asks first (core/confirm.py), with the reason typed.
    assert page.get_by_text("Départ du service.").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Retirer l’habilitation").click()
    page.wait_for_url(re.compile(r"/organismes/habilitations/$"))
    right.refresh_from_db()
    assert right.state == "revoked" and right.decision_reason == "Départ du service."
    assert not User.objects.get(pk=membership.user_id).has_perm("habilitations.use_application", application)

    page.goto("/organismes/collaborateurs/")
    assert page.get_by_text(f"{membership.organisation.code}RH").first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Laisser un délégué pendant votre absence").click()
    assert_accessible(page)
    page.get_by_label("Délégué").select_option(label=colleague.user.get_full_name())
    page.get_by_label("Du").fill(timezone.localdate().isoformat())
    page.get_by_label("Au").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Enregistrer la délégation").click()
    assert page.get_by_text("Votre délégation est enregistrée.").is_visible()
    assert_accessible(page)

    page.goto("/organismes/demandes-de-compte/")
    assert_accessible(page)
    page.get_by_role("link", name=informed.get_full_name()).click()
    assert page.get_by_text("Pour information").is_visible()
    assert page.get_by_role("button", name="Accepter et créer le compte").count() == 0
    assert_accessible(page)
    assert validator.user.pk != membership.user_id


def test_central_admin_decides_orphan_account_requests_and_registers_a_client(page):
    from tests.accounts.factories import totp_device, totp_now
    from tests.habilitations.factories import ucanss_admin

    admin = ucanss_admin()
    admin.user.identifier = admin.user.email = "admin@ucanss.test"
    admin.user.save()
    device = totp_device(admin.user)
    orphan = AccountRequestFactory(last_name="Orpheline")
    AccountRequestFactory(organisme=correspondent().organisation, last_name="Ailleurs")
    application = ApplicationFactory(name="Baromètre social", central=True)
    _two_step_login(page, "admin@ucanss.test")
    page.goto("/organismes/demandes-de-compte/")
    if "/double-authentification/verification/" in page.url:
        page.get_by_label("Code de vérification").fill(totp_now(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Vérifier").click()
        page.goto("/organismes/demandes-de-compte/")
    assert_accessible(page)
    assert page.get_by_role("link", name="Nina Ailleurs").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name=orphan.get_full_name()).click()
    assert_accessible(page)
    page.get_by_role("button", name="Refuser").click()
    page.get_by_label("Motif du refus").fill("Utilisez votre adresse professionnelle.")
    page.get_by_role("button", name="Refuser").click()
    page.wait_for_url(re.compile(r"/demandes-de-compte/$"))
    orphan.refresh_from_db()
    assert orphan.state == "refused"

    for url in ("/organismes/administration/organismes/", "/organismes/administration/applications/"):
        page.goto(url)
        assert_accessible(page)
    page.goto(f"/organismes/administration/applications/fiche/?id={application.pk}")
    assert_accessible(page)
    page.goto(f"/organismes/administration/applications/client/?id={application.pk}")
    assert_accessible(page)
    page.get_by_label(re.compile("Adresses de retour")).fill("https://barometre.example.test/callback")
    page.get_by_role("button", name="Enregistrer le client").click()
    assert page.get_by_text("il n’est affiché qu’une fois").is_visible()
    assert_accessible(page)
    page.goto("/organismes/contact/")
    assert_accessible(page)
