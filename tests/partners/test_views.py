"""Views of the partners space: public flow, fund queue, Modification inscription, national pages,
permission matrix and constant query counts."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.models import Membership, Organisation, User
from core.models import OutboundMessage
from partners.enums import ContactState, ConventionState, PreRegistrationState
from partners.models import ContactMessage, Convention, Partner, PreRegistration
from tests.accounts.factories import MembershipFactory, member
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

from .factories import (
    ContactMessageFactory,
    ConventionFactory,
    ConventionTypeFactory,
    FundFactory,
    NewsArticleFactory,
    PartnerFactory,
    PartnerTypeFactory,
    PreRegistrationFactory,
    fund_admin,
    partner_member,
)

pytestmark = pytest.mark.django_db


# --- public ---------------------------------------------------------------------------------------


def test_home_shows_latest_news(client):
    NewsArticleFactory(title="Paramètres financiers 2027")
    NewsArticleFactory(title="Brouillon", is_published=False)
    response = client.get(reverse("partners:home"))
    assert "Paramètres financiers 2027" in response.text and "Brouillon" not in response.text
    assert reverse("partners:register") in response.text
    article = NewsArticleFactory()
    assert client.get(reverse("partners:news_detail", args=[article.slug])).status_code == 200
    assert client.get(reverse("partners:news_detail", args=["inconnu"])).status_code == 404
    assert client.get(reverse("partners:news_list")).status_code == 200
    assert client.get(reverse("partners:documentation")).status_code == 200


def test_forgotten_login_links_to_forgotten_password(client):
    response = client.get(reverse("partners:forgotten_login"))
    assert "administrateur" in response.text
    assert reverse("accounts:password_forgot_partenaires") in response.text


def _reach_form(client):
    client.post(reverse("partners:register"), {"accept": "on"})
    client.post(reverse("partners:register_convention"), {"known": "1"})


def _form_data(fund, **overrides):
    data = {
        "regime": fund.parent_id,
        "fund": fund.pk,
        "convention_code": "757300",
        "partner_type": PartnerTypeFactory().pk,
        "partner_name": "Association Ciel",
        "siret": "73282932000074",
        "phone": "0302010509",
        "street_number": "107",
        "street_index": "B",
        "street_type": "esplanade",
        "street_name": "de Madrid",
        "postcode": "62000",
        "town": "Arras",
        "admin_last_name": "Durand",
        "admin_first_name": "Alix",
        "admin_login": "Alix7",
        "admin_email": "alix@example.test",
        "admin_phone": "06 12 34 56 78",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return data


def test_registration_steps_are_in_order(client):
    assert client.get(reverse("partners:register_form")).url == reverse("partners:register")
    response = client.post(reverse("partners:register"), {})
    assert "Cochez la case" in response.text
    client.post(reverse("partners:register"), {"accept": "on"})
    response = client.post(reverse("partners:register_convention"), {"known": "0"})
    assert "Contactez la caisse" in response.text
    assert client.get(reverse("partners:register_form")).status_code == 302
    client.post(reverse("partners:register_convention"), {"known": "1"})
    assert client.get(reverse("partners:register_form")).status_code == 200


def test_registration_errors_on_each_field_and_nothing_lost(client):
    fund, other = FundFactory(), FundFactory()
    User.objects.create_user("taken1", "x")
    _reach_form(client)
    data = _form_data(
        other,
        regime=fund.parent_id,
        siret="73282932000075",
        phone="03020105",
        postcode="00100",
        admin_login="Élodie 7",
        captcha_1="FAILED",
    )
    response = client.post(reverse("partners:register_form"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"fund", "siret", "phone", "postcode", "admin_login", "captcha"}
    assert "ne dépend pas du régime" in errors["fund"][0]
    assert "clé de contrôle" in errors["siret"][0]
    assert "nn nn nn nn nn" in errors["phone"][0]
    html = response.text
    assert 'value="Association Ciel"' in html and 'value="de Madrid"' in html and 'value="alix@example.test"' in html
    assert 'value="FAILED"' not in html  # the captcha is asked again
    response = client.post(reverse("partners:register_form"), _form_data(fund, admin_login="TAKEN1"))
    assert "déjà utilisé" in response.context["form"].errors["admin_login"][0]
    assert not PreRegistration.objects.exists()


def test_registration_success_mails_fund_admins(client):
    fund = FundFactory()
    admin = fund_admin(fund)
    _reach_form(client)
    response = client.post(reverse("partners:register_form"), _form_data(fund))
    assert response.url == reverse("partners:register_done")
    prereg = PreRegistration.objects.get()
    assert prereg.phone == "03 02 01 05 09" and prereg.street_index == "B"
    assert OutboundMessage.objects.filter(recipient=admin.user.email).exists()
    assert "en attente de validation par la caisse" in client.get(response.url).text
    # The steps start again for another registration.
    assert client.get(reverse("partners:register_form")).status_code == 302


def test_registration_honeypot_and_rate_limit(client, settings):
    fund = FundFactory()
    _reach_form(client)
    response = client.post(reverse("partners:register_form"), _form_data(fund, site_web="http://spam"))
    assert response.status_code == 302 and not PreRegistration.objects.exists()
    settings.RATELIMIT_PARTNERS_PUBLIC = (1, 600)
    _reach_form(client)
    for _ in range(5):  # a person correcting mistakes is never locked out: only sends count
        response = client.post(reverse("partners:register_form"), _form_data(fund, captcha_1="FAILED"))
        assert response.status_code == 200
    response = client.post(reverse("partners:register_form"), _form_data(fund))
    assert response.status_code == 302 and PreRegistration.objects.count() == 1
    _reach_form(client)  # one send per window: the next one waits
    response = client.post(reverse("partners:register_form"), _form_data(fund, admin_login="Alix8"))
    assert response.status_code == 429 and PreRegistration.objects.count() == 1


def test_fund_select_options_carry_their_regime(client):
    _reach_form(client)
    html = client.get(reverse("partners:register_form")).text
    fund = Organisation.objects.get(code="CNRACL", kind="fund")
    assert f'data-regime="{fund.parent_id}" value="{fund.pk}"' in html or (
        f'value="{fund.pk}" data-regime="{fund.parent_id}"' in html
    )
    assert "partners/partners.js" in html and "<script>" not in html


def test_contact_form_stores_and_routes(client):
    convention = ConventionFactory(validated=True, code="9059003C")
    admin = fund_admin(convention.fund)
    data = {
        "convention_number": "9059003C",
        "last_name": "Martin",
        "email": "m@example.test",
        "phone": "0302010509",
        "reason": "access",
        "department": "62",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    response = client.post(reverse("partners:contact"), {**data, "phone": "12", "captcha_1": "NO"})
    assert set(response.context["form"].errors) == {"phone", "captcha"}
    assert 'value="Martin"' in response.text
    response = client.post(reverse("partners:contact"), data)
    assert response.url == reverse("partners:contact_done")
    message = ContactMessage.objects.get()
    assert message.fund == convention.fund
    assert OutboundMessage.objects.filter(recipient=admin.user.email).exists()


# --- fund administrators --------------------------------------------------------------------------


def test_fund_queue_shows_only_own_fund(client):
    admin = fund_admin()
    mine = PreRegistrationFactory(fund=admin.organisation, partner_name="Chez nous")
    PreRegistrationFactory(partner_name="Ailleurs")
    ConventionFactory(fund=admin.organisation, code="MINE01")
    ConventionFactory(code="OTHER1")
    sign_in(client, admin.user)
    html = client.get(reverse("partners:fund_queue")).text
    assert "Chez nous" in html and "Ailleurs" not in html
    assert "MINE01" in html and "OTHER1" not in html
    assert mine.get_absolute_url() in html


def test_fund_admin_validates_and_invalidates(client):
    admin = fund_admin()
    prereg = PreRegistrationFactory(fund=admin.organisation)
    sign_in(client, admin.user)
    url = reverse("partners:fund_preregistration", args=[prereg.pk])
    response = client.post(url, {"action": "invalidate", "reason": ""})
    assert "Indiquez le motif" in response.text
    client.post(url, {"action": "validate", "confirmed": "1"})
    prereg.refresh_from_db()
    assert prereg.state == PreRegistrationState.VALIDATED
    # A second click (or a second admin) cannot act again.
    response = client.post(url, {"action": "validate"}, follow=True)
    assert "pas possible dans l’état actuel" in response.text
    convention = ConventionFactory(fund=admin.organisation)
    partner_admin = partner_member(convention.partner, is_admin=True)
    client.post(
        reverse("partners:fund_convention", args=[convention.pk]),
        {"action": "invalidate", "reason": "Code erroné", "confirmed": "1"},
    )
    convention.refresh_from_db()
    assert convention.state == ConventionState.INVALIDATED
    mail = OutboundMessage.objects.get(recipient=partner_admin.user.email)
    assert mail.subject == "Mail de confirmation : invalidation de convention"


def test_fund_partner_list_and_messages(client):
    admin = fund_admin()
    ConventionFactory(fund=admin.organisation, validated=True, partner__organisation__name="Partenaire A")
    ConventionFactory(validated=True, partner__organisation__name="Partenaire B")
    message = ContactMessageFactory(fund=admin.organisation)
    sign_in(client, admin.user)
    html = client.get(reverse("partners:partner_list")).text
    assert "Partenaire A" in html and "Partenaire B" not in html
    assert message.get_absolute_url() in client.get(reverse("partners:contact_list")).text
    client.post(message.get_absolute_url())
    message.refresh_from_db()
    assert message.state == ContactState.CLOSED


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("partners:fund_queue", lambda admin, n: PreRegistrationFactory.create_batch(n, fund=admin.organisation)),
        (
            "partners:partner_list",
            lambda admin, n: ConventionFactory.create_batch(n, fund=admin.organisation, validated=True),
        ),
        ("partners:contact_list", lambda admin, n: ContactMessageFactory.create_batch(n, fund=admin.organisation)),
    ],
)
def test_fund_lists_constant_queries(client, url_name, make):
    admin = fund_admin()
    ConventionFactory.create_batch(2, fund=admin.organisation)  # the queue's conventions too
    sign_in(client, admin.user)
    assert_constant_queries(client, reverse(url_name), lambda n: make(admin, n))


# --- partner administrators -----------------------------------------------------------------------


@pytest.fixture
def partner_admin(client):
    partner = PartnerFactory(organisation__name="Association Ciel")
    admin = partner_member(partner, is_admin=True, identifier="Alex7", email="alex@example.test")
    sign_in(client, admin.user)
    return admin


def test_partner_tab_updates_header(client, partner_admin):
    url = reverse("partners:admin_partner")
    response = client.post(url, {"name": "Ciel Bleu", "siret": "123", "email": "x@example.test", "phone": "0302010509"})
    assert "14 chiffres" in response.context["form"].errors["siret"][0]
    assert 'value="Ciel Bleu"' in response.text
    client.post(url, {"name": "Ciel Bleu", "siret": "35600000000048", "email": "x@example.test", "phone": "0302010509"})
    html = client.get(url).text
    assert "Ciel Bleu" in html and "35600000000048" in html


def test_users_tab_create_edit_grant_and_delete_rules(client, partner_admin):
    url = reverse("partners:admin_users")
    data = {
        "last_name": "Martin",
        "first_name": "Mika",
        "login": "Martin37",
        "phone": "0302040506",
        "email": "martin@example.test",
    }
    response = client.post(url, {**data, "login": "Martin 37", "phone": "030204050607080"})
    assert set(response.context["form"].errors) == {"login", "phone"}
    client.post(url, data)
    martin = Membership.objects.get(user__identifier="Martin37")
    assert OutboundMessage.objects.filter(recipient="martin@example.test").exists()
    assert "Martin37" in client.get(url).text
    edit = reverse("partners:admin_user_edit", args=[martin.pk])
    client.post(edit, {**data, "is_admin": "on"})
    martin.refresh_from_db()
    assert martin.is_admin
    # An admin cannot be deleted before losing the right.
    response = client.post(reverse("partners:admin_user_delete", args=[martin.pk]), {"confirmed": "1"}, follow=True)
    assert "abord les droits" in response.text
    # One's own box: disabled in the page, and a forged POST changes nothing.
    own = reverse("partners:admin_user_edit", args=[partner_admin.pk])
    assert "disabled" in client.get(own).text
    client.post(own, {"last_name": "A", "first_name": "B", "phone": "0302010509", "email": "alex@example.test"})
    partner_admin.refresh_from_db()
    assert partner_admin.is_admin
    client.post(edit, data)  # removes Martin's right
    # First POST without confirmation: the confirmation page.
    delete = reverse("partners:admin_user_delete", args=[martin.pk])
    assert "Voulez-vous vraiment supprimer" in client.post(delete).text
    client.post(delete, {"confirmed": "1"})
    martin.refresh_from_db()
    assert not martin.is_active
    assert "est supprimé" in client.get(url).text  # the message, once
    assert "Martin37" not in client.get(url).text


def test_conventions_tab(client, partner_admin):
    fund = FundFactory()
    url = reverse("partners:admin_conventions")
    data = {"regime": fund.parent_id, "fund": fund.pk, "convention_type": ConventionTypeFactory().pk, "code": "CL1972"}
    response = client.post(url, {**data, "regime": FundFactory().parent_id})
    assert "ne dépend pas du régime" in response.context["form"].errors["fund"][0]
    client.post(url, data)
    convention = Convention.objects.get(code="CL1972")
    assert convention.state == ConventionState.AWAITING
    assert "En attente de validation" in client.get(url).text
    response = client.post(url, data)
    assert "déjà enregistré" in response.context["form"].errors["code"][0]


def test_address_tab_keeps_name(client, partner_admin):
    url = reverse("partners:admin_address")
    response = client.post(url, {"postcode": "6200", "town": "Arras", "locality": "BP 1972"})
    assert "5 chiffres" in response.context["form"].errors["postcode"][0]
    assert 'value="BP 1972"' in response.text
    client.post(url, {"postcode": "62000", "town": "Arras", "locality": "BP 1972", "name": "Pirate"})
    partner = Partner.objects.get(organisation=partner_admin.organisation)
    assert partner.locality == "BP 1972" and partner.name == "Association Ciel"


def test_users_tab_constant_queries(client, partner_admin):
    partner = Partner.objects.get(organisation=partner_admin.organisation)
    assert_constant_queries(
        client,
        reverse("partners:admin_users"),
        lambda n: [partner_member(partner, is_admin=i % 2 == 0) for i in range(n)],
    )


def test_users_tab_is_paginated(client, partner_admin, monkeypatch):
    from partners.views import partner_admin as views

    monkeypatch.setattr(views, "USERS_PER_PAGE", 3)
    partner = Partner.objects.get(organisation=partner_admin.organisation)
    for i in range(4):
        partner_member(partner, identifier=f"zz{i}user")
    first = client.get(reverse("partners:admin_users"))
    assert len(first.context["memberships"]) == 3
    assert "Page 1 sur 2" in first.text
    second = client.get(reverse("partners:admin_users"), {"page": 2})
    assert [m.user.identifier for m in second.context["memberships"]] == ["zz2user", "zz3user"]


def test_partner_user_without_admin_right_is_refused(client):
    user = partner_member().user
    sign_in(client, user)
    for name in ("admin_partner", "admin_users", "admin_conventions", "admin_address"):
        assert client.get(reverse(f"partners:{name}")).status_code == 403


def test_partner_never_sees_another_partners_users(client, partner_admin):
    stranger = partner_member()
    assert client.get(reverse("partners:admin_user_edit", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("partners:admin_user_delete", args=[stranger.pk]), {"confirmed": "1"}).status_code == 404


# --- permission matrix ----------------------------------------------------------------------------

PAGES = {
    "partners:fund_queue": {Role.FUND_ADMIN},
    "partners:partner_list": {Role.FUND_ADMIN, Role.NATIONAL_ADMIN},
    "partners:contact_list": {Role.FUND_ADMIN, Role.NATIONAL_ADMIN},
    "partners:admin_partner": {"partner_admin"},
    "partners:admin_users": {"partner_admin"},
    "partners:admin_conventions": {"partner_admin"},
    "partners:admin_address": {"partner_admin"},
    "partners:national_home": {Role.NATIONAL_ADMIN},
    "partners:national_caisses": {Role.NATIONAL_ADMIN},
    "partners:national_caisses_edit": {Role.NATIONAL_ADMIN},
    "partners:national_actualites": {Role.NATIONAL_ADMIN},
    "partners:fund_admin_create": {Role.NATIONAL_ADMIN},
}
ACTORS = [Role.FUND_ADMIN, Role.NATIONAL_ADMIN, Role.PARTNER_USER, "partner_admin", Role.COOP_MANAGER]


def _actor(kind):
    if kind == "partner_admin":
        return partner_member(is_admin=True).user
    if kind == Role.PARTNER_USER:
        return partner_member().user
    if kind == Role.FUND_ADMIN:
        return fund_admin().user
    return member(kind)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(client, name, actor):
    sign_in(client, _actor(actor))
    response = client.get(reverse(name))
    expected = 200 if actor in PAGES[name] else 403
    assert response.status_code == expected, f"{name} as {actor}: {response.status_code}"


def test_national_admin_edits_reference_data_and_creates_fund_admin(client):
    national = MembershipFactory(role=Role.NATIONAL_ADMIN)
    sign_in(client, national.user)
    fund = Organisation.objects.get(kind="fund", code="CNRACL")
    url = reverse("partners:national_caisses_edit") + f"?id={fund.pk}"
    assert "CNRACL" in client.get(url).text
    client.post(url, {"name": "CNRACL (Bordeaux)", "code": "CNRACL", "parent": fund.parent_id, "is_active": "on"})
    fund.refresh_from_db()
    assert fund.name == "CNRACL (Bordeaux)"
    client.post(
        reverse("partners:fund_admin_create"),
        {
            "fund": fund.pk,
            "last_name": "Caisse",
            "first_name": "Camille",
            "login": "cnracl01",
            "email": "c@example.test",
        },
    )
    created = Membership.objects.get(user__identifier="cnracl01")
    assert created.role == Role.FUND_ADMIN and created.organisation == fund
    assert "cnracl01" in client.get(reverse("partners:national_caisses")).text
    client.post(
        reverse("partners:national_actualites_edit"),
        {
            "title": "Nouvelle version",
            "slug": "nouvelle-version",
            "body": "Texte",
            "published_at": "01/01/2026 10:00",
            "is_published": "on",
        },
    )
    assert "Nouvelle version" in client.get(reverse("partners:home")).text
    assert client.get(reverse("partners:national_caisses_edit") + "?id=abc").status_code == 404
