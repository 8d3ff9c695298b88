"""Browser journey of the exchanges with the funds (issue 14), every page checked with axe-core at
1280 px and for sideways scrolling at 390 px: the fund orders, the structure accepts and assigns, the
evaluator fills the AGGIR grid and sees the GIR, saves a draft, transmits; the fund sends it back with
a comment; the evaluator corrects and transmits again; the fund accepts and issues a slip; the
structure downloads it. Then the offline path with the network cut, and a conflict."""

import datetime

from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.models import Organisation
from partners.evaluations import selectors, services
from partners.evaluations.enums import EvaluationState
from partners.evaluations.models import Evaluation, PaymentSlip, SyncSubmission
from partners.reference import load_reference_data
from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from tests.partners.evaluation_factories import EvaluationFactory, evaluation_convention, fee
from tests.partners.factories import PartnerFactory

from .helpers import accept_consents, assert_accessible, login

GRID = {
    "Cohérence": "A",
    "Orientation": "A",
    "Toilette": "B",
    "Habillage": "B",
    "Alimentation": "A",
    "Élimination": "A",
    "Transferts": "B",
    "Déplacements à l'intérieur": "B",
    "Déplacements à l'extérieur": "B",
    "Communication à distance": "A",
}


def _setup():
    load_reference_data()
    fund = Organisation.objects.get(kind="fund", code="CARSAT-HDF")
    partner = PartnerFactory(organisation__name="Évaluations du Nord")
    convention = evaluation_convention(fund=fund, partner=partner, code="EVAL-59")
    fee(fund, "initial", "180.00")
    admin = UserFactory(identifier="caisse59", email="caisse59@example.test")
    MembershipFactory(user=admin, organisation=fund, role=Role.FUND_ADMIN, is_admin=True)
    device = TOTPDevice.objects.create(user=admin, name="Test", confirmed=True)
    coordinator = UserFactory(identifier="eval01", first_name="Eva", last_name="Luatrice")
    evaluator = UserFactory(identifier="eval02", first_name="Noé", last_name="Terrain")
    for user, is_admin in ((coordinator, True), (evaluator, False)):
        MembershipFactory(user=user, organisation=partner.organisation, role=Role.PARTNER_USER, is_admin=is_admin)
    for user in (admin, coordinator, evaluator):
        accept_consents(user)
    return fund, convention, admin, device, coordinator, evaluator


def _sign_in(page, user, device=None):
    page.context.clear_cookies()
    login(page, user.identifier, DEFAULT_PASSWORD)
    if device is not None and "/verification/" in page.url:
        page.get_by_label("Code de vérification").fill(f"{totp(device.bin_key):06d}")
        with page.expect_navigation():
            page.get_by_role("button", name="Vérifier").click()


def _fund_order(page):
    page.goto("/partenaires/caisse/evaluations/")
    assert_accessible(page)
    page.get_by_role("link", name="Commander une évaluation").click()
    assert_accessible(page)
    page.get_by_label("Structure d'évaluation").fill("Évaluations du Nord — EVAL-59")
    page.get_by_label("Nom du retraité").fill("Lenoir")
    page.get_by_label("Prénom").fill("Albertine")
    page.get_by_label("Date de naissance").fill("1938-04-02")
    page.get_by_label("Adresse").fill("8 rue du Moulin")
    page.get_by_label("Code postal").fill("59000")
    page.get_by_label("Commune").fill("Lille")
    page.get_by_label("Motif de la demande").fill("Chute récente, vit seule.")
    page.get_by_label("À réaliser avant le").fill((timezone.localdate() + datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Envoyer la commande").click()
    page.wait_for_load_state()
    assert "est envoyée à Évaluations du Nord" in page.content()
    assert_accessible(page)
    return Evaluation.objects.get(last_name="Lenoir")


def _fill_grid(page):
    for label, value in GRID.items():
        page.get_by_role("group", name=label, exact=True).get_by_label(value, exact=True).check()


def _structure_page(page, live_server):
    """A second browser (the structure's), beside the fund's: the fund admin signs in once (second factor)."""
    context = page.context.browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def test_order_evaluate_send_back_correct_accept_and_pay(page, live_server):
    fund, convention, admin, device, coordinator, evaluator = _setup()
    _sign_in(page, admin, device)
    evaluation = _fund_order(page)
    fund_page, page = page, _structure_page(page, live_server)

    # The structure accepts the order and assigns it to an evaluator.
    _sign_in(page, coordinator)
    page.goto("/partenaires/evaluations/commandes/")
    assert "Restent 10 jours" in page.content()
    assert_accessible(page)
    page.get_by_label("Évaluateur").select_option(label="Noé Terrain")
    page.get_by_role("button", name="Accepter et affecter").click()
    page.wait_for_load_state()
    assert "acceptée et affectée à Noé Terrain" in page.content()

    # The evaluator fills the grid, saves a draft and sees the GIR; a refused finish keeps the draft.
    _sign_in(page, evaluator)
    page.goto("/partenaires/evaluations/en-cours/")
    assert_accessible(page)
    page.get_by_role("link", name=evaluation.file_number).click()
    assert_accessible(page)
    page.get_by_label("Date de la visite").fill(timezone.localdate().isoformat())
    _fill_grid(page)
    assert page.locator("#gir-result").inner_text().startswith("GIR 4 (calculé sur cette page")  # live preview
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_load_state()
    assert "Brouillon enregistré." in page.content()
    assert page.locator("#gir-result").inner_text().startswith("GIR 4")
    page.get_by_label("Besoins constatés").fill("Aide au ménage et à la toilette.")
    page.get_by_role("button", name="Enregistrer et marquer comme terminée").click()
    page.wait_for_load_state()
    assert "pas encore complète" in page.content()
    assert_accessible(page)
    assert page.get_by_label("Besoins constatés").input_value() == "Aide au ménage et à la toilette."
    page.get_by_label("Conditions de vie et logement").fill("Maison de ville, chambre à l'étage.")
    page.get_by_label("Aides déjà en place").fill("Aucune.")
    page.get_by_label("Aide n° 1", exact=True).select_option(label="Aide à domicile (ménage, courses, repas)")
    page.get_by_label("Heures par mois (aide n° 1)").fill("12,5")
    page.get_by_role("button", name="Enregistrer et marquer comme terminée").click()
    page.wait_for_load_state()
    assert "L'évaluation est terminée" in page.content()
    page.goto("/partenaires/evaluations/transmission/")
    assert_accessible(page)
    page.get_by_label(f"Transmettre le dossier {evaluation.file_number}").check()
    page.get_by_role("button", name="Transmettre les évaluations cochées").click()
    page.wait_for_load_state()
    assert page.url.endswith("/partenaires/evaluations/transmises/")
    assert_accessible(page)

    # The fund reads it and sends it back with a comment.
    page, structure_page = fund_page, page
    page.goto(f"/partenaires/caisse/evaluations/{evaluation.pk}/")
    assert "GIR 4" in page.content()
    assert_accessible(page)
    page.get_by_label("Commentaire pour la structure").fill("Précisez l'aide à la toilette.")
    page.get_by_role("button", name="Renvoyer à la structure").click()
    page.wait_for_load_state()
    assert "renvoyée à la structure" in page.content()

    # The evaluator corrects it and transmits again.
    page = structure_page
    page.goto(f"/partenaires/evaluations/{evaluation.pk}/")
    assert "Précisez l'aide à la toilette." in page.content()
    page.get_by_label("Aide n° 2", exact=True).select_option(label="Aide à la toilette et à l'habillage")
    page.get_by_label("Heures par mois (aide n° 2)").fill("8")
    page.get_by_role("button", name="Enregistrer et marquer comme terminée").click()
    page.wait_for_load_state()
    page.goto("/partenaires/evaluations/transmission/")
    page.get_by_label(f"Transmettre le dossier {evaluation.file_number}").check()
    page.get_by_role("button", name="Transmettre les évaluations cochées").click()
    page.wait_for_load_state()

    # The fund accepts it and issues a slip.
    page = fund_page
    page.goto(f"/partenaires/caisse/evaluations/{evaluation.pk}/")
    page.get_by_role("button", name="Accepter l'évaluation").click()
    page.get_by_role("dialog").get_by_role("button", name="Accepter").click()
    page.wait_for_load_state()
    assert "L'évaluation est acceptée" in page.content()
    page.goto("/partenaires/caisse/bordereaux/")
    assert_accessible(page)
    page.get_by_label("Structure et convention").select_option(label="Évaluations du Nord — EVAL-59")
    page.get_by_role("button", name="Voir les évaluations à payer").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Émettre le bordereau").click()
    page.wait_for_load_state()
    slip = PaymentSlip.objects.get()
    assert f"Le bordereau n° {slip.number} est émis" in page.content()
    assert_accessible(page)

    # The structure downloads the slip.
    page = structure_page
    _sign_in(page, coordinator)
    page.goto("/partenaires/evaluations/bordereaux/")
    assert_accessible(page)
    page.get_by_role("link", name=slip.number).click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en CSV").click()
    assert download.value.suggested_filename == f"bordereau-{slip.number}.csv"
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto("/partenaires/historique/")
    assert_accessible(page)
    assert "Payée" in page.content() and "Renvoyée par la caisse" in page.content()
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.PAID
    page.context.close()


def test_offline_fill_then_synchronise_and_settle_a_conflict(page):
    _fund, convention, _admin, _device, _coordinator, evaluator = _setup()
    calm = EvaluationFactory(
        convention=convention, state=EvaluationState.ASSIGNED, evaluator=evaluator, last_name="Calme"
    )
    busy = EvaluationFactory(
        convention=convention, state=EvaluationState.ASSIGNED, evaluator=evaluator, last_name="Pressé"
    )
    _sign_in(page, evaluator)
    page.goto("/partenaires/evaluations/mode-deconnecte/")
    assert_accessible(page)
    page.get_by_role("button", name="Préparer sur cet appareil").click()
    page.get_by_text("évaluation(s) prête(s)").wait_for()
    page.goto("/partenaires/evaluations/synchronisation/")  # the service worker now controls the pages

    page.context.set_offline(True)
    for evaluation, needs in ((calm, "Saisi hors ligne."), (busy, "Saisi hors ligne aussi.")):
        page.goto(f"/partenaires/evaluations/{evaluation.pk}/")
        page.get_by_label("Besoins constatés").fill(needs)
        page.get_by_role("button", name="Enregistrer le brouillon").click()
        page.get_by_text("gardé sur cet appareil").wait_for()
    page.goto(f"/partenaires/evaluations/{calm.pk}/")
    # restored from the device by the script once the page has loaded: wait for it
    expect(page.get_by_label("Besoins constatés")).to_have_value("Saisi hors ligne.")

    # Meanwhile another evaluator changed the second one on the portal.
    member = evaluator.memberships.get()
    services.evaluation_save(
        evaluation_id=busy.pk,
        actor=evaluator,
        scope=selectors.structure_evaluations_for(member),
        data={"needs": "Changé sur le portail."},
    )

    page.context.set_offline(False)
    page.goto("/partenaires/evaluations/synchronisation/")
    assert_accessible(page)
    page.get_by_role("button", name="Synchroniser").click()
    # The conflict is said, then the page reloads with it listed (server-rendered).
    page.get_by_role("button", name="Garder la version de l'appareil").wait_for()
    calm.refresh_from_db()
    busy.refresh_from_db()
    assert calm.needs == "Saisi hors ligne." and calm.state == EvaluationState.IN_PROGRESS
    assert busy.needs == "Changé sur le portail."  # the portal's version is untouched
    assert SyncSubmission.objects.filter(evaluation=busy, outcome="conflict").exists()
    page.goto("/partenaires/evaluations/synchronisation/")
    assert_accessible(page)
    page.get_by_role("button", name="Garder la version de l'appareil").click()
    page.wait_for_load_state()
    assert "la version de l'appareil est enregistrée" in page.content()
    busy.refresh_from_db()
    assert busy.needs == "Saisi hors ligne aussi."
