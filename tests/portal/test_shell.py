import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.enums import Role
from core.models import JobRun
from portal import navigation
from portal.navigation import MenuItem, menu_for, panels_for, register_menu, register_panel
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory, member

INVALID = "INVALID_TEMPLATE_VARIABLE"


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(navigation, "registry", navigation._Registry())
    return navigation.registry


@pytest.mark.django_db
def test_home_is_public_and_in_french(client):
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "<title>Accueil · Guichet</title>" in html
    for space in ("Prestations", "Espace intérimaire", "Partenaires Action Sociale", "Espace Organismes"):
        assert space in html
    assert reverse("accounts:login") in html
    assert INVALID not in html


@pytest.mark.django_db
def test_home_in_english_after_switching_language(client):
    response = client.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="en">' in html
    assert "The four spaces" in html
    assert "Skip to content" in html
    assert "Sign in" in html
    assert "Les quatre espaces" not in html
    translation.activate("fr")


@pytest.mark.django_db
def test_layout_landmarks_and_skip_link(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert html.index('class="skip-link" href="#contenu"') < html.index("<header")
    assert '<main id="contenu"' in html
    assert "<footer" in html
    for name in ("portal:legal", "portal:privacy", "portal:accessibility", "portal:contact"):
        assert f'href="{reverse(name)}"' in html
    assert 'style="' not in html  # the CSP forbids style attributes
    assert "<script>" not in html


@pytest.mark.parametrize("name", ["portal:legal", "portal:privacy", "portal:accessibility", "portal:contact"])
@pytest.mark.django_db
def test_information_pages(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" in html
    assert INVALID not in html
    assert "GIP Guichet social" in html or name == "portal:contact"


@pytest.mark.django_db
def test_privacy_page_explains_how_to_exercise_rights(client):
    html = client.get(reverse("portal:privacy")).content.decode()
    assert "Mes données" in html
    assert "CNIL" in html


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_dashboard_shows_role_organisation_and_space(client):
    organisation = OrganisationFactory(name="Coopérative des Tilleuls")
    user = member(Role.COOP_MANAGER, organisation=organisation)
    client.force_login(user)
    response = client.get(reverse("portal:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Responsable RH de coopérative" in html
    assert "Coopérative des Tilleuls" in html
    assert 'aria-label="Navigation : Prestations"' in html
    assert f'href="{reverse("accounts:profile")}"' in html  # the account panel's quick links
    assert "Tâches planifiées" not in html
    assert INVALID not in html


@pytest.mark.django_db
def test_dashboard_without_membership(client):
    client.force_login(UserFactory())
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "aucune organisation active" in html
    assert INVALID not in html


@pytest.mark.django_db
def test_superuser_dashboard_lists_recent_job_runs(client, settings):
    user = UserFactory(is_superuser=True, is_staff=True)
    JobRun.objects.create(name="purge_erasures", ok=True, summary="3 comptes effacés")
    from accounts import gates

    settings.DEBUG = False
    client.force_login(user)
    # Staff must pass the second-factor gate: this test is about the panel, not the gate.
    original = list(gates._GATES)
    gates._GATES.clear()
    try:
        html = client.get(reverse("portal:dashboard")).content.decode()
    finally:
        gates._GATES.extend(original)
    assert "Tâches planifiées" in html
    assert "purge_erasures" in html
    assert "3 comptes effacés" in html
    assert "Réussie" in html


@pytest.mark.django_db
def test_registered_menu_and_panel_are_shown(client, clean_registry):
    register_menu(Role.COOPERATOR, [MenuItem("Mes demandes", "portal:contact", also_current=("portal:legal",))])
    register_panel(Role.COOPERATOR, "portal/panels/account.html")
    client.force_login(member(Role.COOPERATOR))
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert f'<a href="{reverse("portal:contact")}">Mes demandes</a>' in html
    html = client.get(reverse("portal:legal")).content.decode()
    assert f'<a href="{reverse("portal:contact")}" aria-current="page">Mes demandes</a>' in html


@pytest.mark.django_db
def test_menu_items_are_filtered_by_permission(clean_registry):
    membership = MembershipFactory(role=Role.COOPERATOR)
    register_menu(
        Role.COOPERATOR,
        [MenuItem("Visible", "portal:contact"), MenuItem("Interdit", "portal:legal", perm="portal.nope")],
    )
    labels = [item.label for item in menu_for(membership, membership.user)]
    assert labels == ["Visible"]
    assert menu_for(None) == []
    assert panels_for(None) == []


@pytest.mark.django_db
def test_organisation_switcher_shown_with_two_memberships(client):
    user = member(Role.COOPERATOR)
    second = MembershipFactory(user=user, role=Role.COOP_MANAGER)
    client.force_login(user)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert f'action="{reverse("accounts:switch_organisation")}"' in html
    assert second.organisation.name in html


@pytest.mark.django_db
def test_csp_header_is_strict(client):
    response = client.get(reverse("portal:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "'unsafe-inline'" not in csp


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_404_page_is_french(client):
    response = client.get("/nulle-part/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html
    assert '<html lang="fr">' in html


@pytest.mark.django_db
def test_403_page(rf):
    from portal.views import error_403

    request = rf.get("/")
    request.user = UserFactory()
    response = error_403(request)
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_500_page_renders_without_request_or_database():
    from portal.views import error_500

    # No database access allowed here (no django_db mark): the page must not need it.
    response = error_500(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Erreur du serveur" in html
    assert INVALID not in html


@pytest.mark.django_db
def test_components_page_is_for_staff_or_debug(client, settings):
    settings.DEBUG = False
    client.force_login(member(Role.COOPERATOR))
    assert client.get(reverse("portal:components")).status_code == 403
    settings.DEBUG = True
    response = client.get(reverse("portal:components"))
    assert response.status_code == 200
    assert INVALID not in response.content.decode()


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_public_ones_keep_their_headers(client):
    from tests.utils.clients import sign_in

    public = client.get(reverse("portal:home"))
    assert "no-store" not in public.get("Cache-Control", "")
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    for url in (reverse("portal:home"), reverse("portal:dashboard"), reverse("accounts:profile")):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, (url, response["Cache-Control"])


@pytest.mark.django_db
def test_home_gives_each_space_card_its_public_entry(client):
    """An anonymous visitor reaches the partners' public site and pre-registration from the home page."""
    import re

    html = client.get(reverse("portal:home")).content.decode()
    cards = re.findall(r'<li class="card">(.*?)</ul>\s*</li>', html, flags=re.S)
    assert len(cards) == 4
    partners = next(card for card in cards if "Partenaires Action Sociale" in card)
    assert f'href="{reverse("partners:home")}"' in partners
    assert f'href="{reverse("partners:register")}"' in partners
    for card in cards:
        assert re.search(r'<a[^>]* href="/[^"]*"', card), card  # every card leads somewhere


@pytest.mark.django_db
def test_the_menu_asks_for_the_organisation_acted_for():
    """An admin of one partner who is a plain user of another gets no admin entry while acting for it."""
    from tests.partners.factories import PartnerFactory

    admin_of_one = MembershipFactory(role=Role.PARTNER_USER, is_admin=True, organisation=PartnerFactory().organisation)
    plain_in_other = MembershipFactory(
        role=Role.PARTNER_USER, is_admin=False, user=admin_of_one.user, organisation=PartnerFactory().organisation
    )
    perms_in = {item.perm for item in menu_for(admin_of_one, admin_of_one.user)}
    perms_out = {item.perm for item in menu_for(plain_in_other, admin_of_one.user)}
    assert "partners.manage_partner" in perms_in
    assert "partners.manage_partner" not in perms_out
