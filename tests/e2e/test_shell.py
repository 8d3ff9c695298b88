"""The shell in a real browser: accessibility of every page, keyboard, phone width, switchers."""

import re

import pytest

from accounts.enums import Role
from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory, member
from tests.e2e.helpers import accept_consents, assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    ("/", "Accueil"),
    ("/compte/connexion/", "Connexion"),
    ("/mentions-legales/", "Mentions légales"),
    ("/confidentialite/", "Données personnelles"),
    ("/accessibilite/", "Déclaration d’accessibilité"),
    ("/contact/", "Contact"),
]


@pytest.fixture
def cooperator():
    user = member(Role.COOPERATOR, first_name="Camille", last_name="Martin")
    return accept_consents(user)


@pytest.mark.parametrize(("path", "title"), PUBLIC_PAGES)
def test_public_pages_are_accessible(page, path, title):
    response = page.goto(path)
    assert response.status == 200
    assert page.title() == f"{title} · Guichet"
    assert page.locator("header").count() >= 1
    assert page.locator("main#contenu").count() == 1
    assert page.locator("footer").count() == 1
    assert_accessible(page)


def test_static_files_load(page):
    page.goto("/")
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
    assert page.evaluate("document.documentElement.classList.contains('js')")


def test_404_page_is_french_and_accessible(page):
    response = page.goto("/nulle-part/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    assert_accessible(page)


def test_dashboard_is_accessible(page, cooperator):
    login(page, cooperator.identifier, DEFAULT_PASSWORD)
    page.goto("/tableau-de-bord/")
    assert page.title() == "Tableau de bord · Guichet"
    assert "Coopérateur" in page.locator(".page-header").inner_text()
    nav = page.get_by_role("navigation", name="Navigation : Prestations")
    assert not nav.get_by_role("button", name="Menu").is_visible()  # folded only on phones
    assert nav.get_by_role("link", name="Tableau de bord").get_attribute("aria-current") == "page"
    assert_accessible(page)
    # The user menu (a <details> disclosure) opens and is accessible too.
    page.locator(".user-menu summary").click()
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    assert_accessible(page)


def test_components_page_is_accessible(page, cooperator, settings):
    settings.DEBUG = True  # the demo page is for DEBUG or staff
    OrganisationFactory.create_batch(3)
    login(page, cooperator.identifier, DEFAULT_PASSWORD)
    page.goto("/composants/")
    assert page.get_by_role("heading", level=1).inner_text() == "Composants de l’interface"
    assert_accessible(page)
    # Sorting by name toggles aria-sort and keeps the other parameters.
    page.goto("/composants/?par_page=10&tri=name")
    header = page.locator("th", has_text="Nom").first
    assert header.get_attribute("aria-sort") == "ascending"
    header.get_by_role("link").click()
    page.wait_for_url(re.compile(r"tri=-name"))
    assert "par_page=10" in page.url
    assert page.locator("th", has_text="Nom").first.get_attribute("aria-sort") == "descending"
    # The confirmation dialog opens, can be cancelled, then confirmed.
    page.get_by_role("button", name="Supprimer le brouillon").click()
    dialog = page.get_by_role("dialog", name="Supprimer le brouillon ?")
    assert dialog.is_visible()
    assert_accessible(page)
    # Focus goes to the safe choice; Escape closes without acting and gives focus back to the trigger.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Annuler"
    assert dialog.get_attribute("aria-describedby")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Supprimer le brouillon"
    page.get_by_role("button", name="Supprimer le brouillon").click()
    dialog.get_by_role("button", name="Annuler").click()
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Supprimer le brouillon"
    page.get_by_role("button", name="Supprimer le brouillon").click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Oui, supprimer").click()
    assert "Action confirmée" in page.locator(".messages").inner_text()


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    assert page.evaluate("getComputedStyle(document.activeElement).left") != "-9999px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


@pytest.mark.parametrize("width", [375, 320])
def test_phone_width_has_no_horizontal_scroll(page, cooperator, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in ["/", "/contact/"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    login(page, cooperator.identifier, DEFAULT_PASSWORD)
    page.goto("/tableau-de-bord/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The space navigation folds behind a "Menu" button.
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#space-nav-list").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#space-nav-list").get_by_role("link", name="Tableau de bord").is_visible()
    assert_accessible(page)


def test_switching_organisation_from_the_header(page):
    first = OrganisationFactory(name="Coopérative des Tilleuls")
    second = OrganisationFactory(name="Coopérative du Port")
    user = member(Role.COOP_MANAGER, organisation=first)
    MembershipFactory(user=user, organisation=second, role=Role.COOPERATOR)
    accept_consents(user)
    login(page, user.identifier, DEFAULT_PASSWORD)
    page.goto("/tableau-de-bord/")
    header = page.locator(".page-header")
    assert "Coopérative des Tilleuls" in header.inner_text()
    page.get_by_label("Organisation").select_option(label="Coopérative du Port (Coopérateur)")
    with page.expect_navigation():
        page.get_by_role("button", name="Changer", exact=True).click()
    assert page.url.endswith("/tableau-de-bord/")
    assert "Coopérative du Port" in header.inner_text()
    assert "Coopérateur" in header.inner_text()
    assert_accessible(page)


def test_language_switcher_to_english_and_back(page):
    page.goto("/contact/")
    page.get_by_label("Langue").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="Changer de langue").click()
    assert page.url.endswith("/contact/")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Language").select_option("fr")
    with page.expect_navigation():
        page.get_by_role("button", name="Change language").click()
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.get_by_role("link", name="Se connecter").first.is_visible()


def test_home_cards_lead_anonymous_visitors_to_each_space(page):
    page.goto("/")
    card = page.locator(".card", has_text="Partenaires Action Sociale")
    card.get_by_role("link", name=re.compile("Préinscription")).click()
    page.wait_for_url(re.compile(r"/partenaires/inscription/"))
    assert_accessible(page)
    page.goto("/")
    page.locator(".card", has_text="Partenaires Action Sociale").get_by_role(
        "link", name=re.compile("Site public des partenaires")
    ).click()
    page.wait_for_url(re.compile(r"/partenaires/$"))
    assert_accessible(page)


def test_captcha_offers_audio_and_another_image(page, settings):
    import shutil

    from playwright.sync_api import expect

    settings.CAPTCHA_FLITE_PATH = shutil.which("flite") or "/usr/bin/flite"
    page.goto("/partenaires/contact/")
    key = page.locator('input[type="hidden"][name="captcha_0"]')
    first_key = key.input_value()
    audio = page.get_by_role("link", name=re.compile("Écouter les chiffres"))
    assert first_key in audio.get_attribute("href")
    refresh = page.get_by_role("button", name="Afficher une autre image")
    assert refresh.is_visible()
    assert_accessible(page)
    refresh.click()
    expect(key).not_to_have_value(first_key)  # polled from Python: the page's CSP forbids eval
    new_key = key.input_value()
    assert new_key in audio.get_attribute("href") and new_key in page.locator("img.captcha").get_attribute("src")
    assert "nouvelle image" in page.locator("[data-captcha-status]").inner_text().lower()
    if shutil.which("flite"):
        response = page.request.get(audio.get_attribute("href"))
        assert response.status == 200 and response.body()[:4] == b"RIFF"
