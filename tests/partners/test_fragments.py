"""The fund's queue and a pre-registration page are kept (core/fragments.py) until what they show changes:
each change shows on the next GET, a form with errors is never kept, and two users (or one user's two
funds) never get each other's copy."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.middleware import SESSION_MEMBERSHIP
from accounts.models import User
from core.history import record_event
from partners import selectors, services
from partners.models import ConventionType, PartnerType
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.utils.clients import sign_in
from tests.utils.queries import kept_page

from .factories import (
    ConventionFactory,
    FundFactory,
    PreRegistrationFactory,
    fund_admin,
)

pytestmark = pytest.mark.django_db


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_fund_queue_shows_each_change_on_the_next_get(client):
    admin = fund_admin()
    fund = admin.organisation
    alpha = PreRegistrationFactory(fund=fund, partner_name="Association Alpha")
    PreRegistrationFactory(fund=fund, partner_name="Association Gamma", partner_type=alpha.partner_type)
    convention = ConventionFactory(fund=fund)
    sign_in(client, admin.user)
    url = reverse("partners:fund_queue")
    html = _page(client, url)
    assert "Association Alpha" in html and convention.code in html
    assert "Association Alpha" in kept_page(client, url, "partners_preregistration")

    PreRegistrationFactory(fund=fund, partner_name="Association Beta")  # a new row
    assert "Association Beta" in _page(client, url)
    scope = selectors.preregistrations_for(admin)
    services.preregistration_invalidate(preregistration_id=alpha.pk, actor=admin.user, scope=scope, reason="Doublon")
    assert "Association Alpha" not in _page(client, url)  # a state change

    # A related label, changed by an update that renews no one's identity (only the table's generation).
    ConventionType.objects.filter(pk=convention.convention_type_id).update(label="Type renommé")
    assert "Type renommé" in _page(client, url)
    PartnerType.objects.filter(pk=alpha.partner_type_id).update(label="Type de partenaire renommé")
    assert "Type de partenaire renommé" in _page(client, url)
    organisation = convention.partner.organisation  # a partner's name
    organisation.name = "Partenaire renommé"
    organisation.save()
    assert "Partenaire renommé" in _page(client, url)
    services.convention_validate(
        convention_id=convention.pk, actor=admin.user, scope=selectors.fund_conventions_for(admin)
    )
    html = _page(client, url)
    assert convention.code not in html and "Aucune nouvelle convention en attente." in html
    assert "Association Beta" in kept_page(client, url, "partners_preregistration")


def test_two_fund_admins_and_two_funds_of_one_user_never_share_a_copy(client):
    first, second = fund_admin(), fund_admin()
    PreRegistrationFactory(fund=first.organisation, partner_name="Chez la première")
    PreRegistrationFactory(fund=second.organisation, partner_name="Chez la seconde")
    url = reverse("partners:fund_queue")
    sign_in(client, first.user)
    assert "Chez la première" in _page(client, url)
    sign_in(client, second.user)
    html = _page(client, url)
    assert "Chez la seconde" in html and "Chez la première" not in html

    other_fund = MembershipFactory(
        user=first.user, organisation=FundFactory(), role=Role.FUND_ADMIN, is_admin=True
    ).organisation
    PreRegistrationFactory(fund=other_fund, partner_name="Dans l’autre caisse")
    sign_in(client, first.user)
    html = _page(client, url)
    assert "Chez la première" in html and "Dans l’autre caisse" not in html
    session = client.session
    session[SESSION_MEMBERSHIP] = first.user.memberships.get(organisation=other_fund).pk
    session.save()
    html = _page(client, url)
    assert "Dans l’autre caisse" in html and "Chez la première" not in html


def test_the_preregistration_page_shows_each_change_on_the_next_get(client):
    admin = fund_admin()
    colleague = UserFactory(first_name="Alix", last_name="Martin")
    preregistration = PreRegistrationFactory(fund=admin.organisation, siret="73282932000074")
    sign_in(client, admin.user)
    url = reverse("partners:fund_preregistration", args=[preregistration.pk])
    html = _page(client, url)
    assert "SIRET déjà connu" not in html and 'name="reason"' in html
    kept_page(client, url, "core_transition")

    PreRegistrationFactory(fund=admin.organisation, siret="73282932000074")  # another one, same SIRET
    assert "Une autre préinscription en attente porte ce SIRET." in _page(client, url)
    record_event(preregistration, actor=colleague, action="edit", reason="Appel au partenaire")
    assert "Appel au partenaire" in _page(client, url)  # the history
    User.objects.filter(pk=colleague.pk).update(last_name="Durand")  # the actor's name in the history
    assert "Alix Durand" in _page(client, url)
    fund = admin.organisation
    fund.name = "Caisse renommée"
    fund.save()
    assert "Caisse renommée" in _page(client, url)

    error = client.post(url, {"action": "invalidate", "reason": ""}).content.decode()  # a form with errors
    assert "error-summary" in error
    assert "error-summary" not in _page(client, url)  # not kept
    services.preregistration_invalidate(
        preregistration_id=preregistration.pk,
        actor=admin.user,
        scope=selectors.preregistrations_for(admin),
        reason="Hors périmètre",
    )
    html = _page(client, url)
    assert "Hors périmètre" in html and 'name="reason"' not in html  # decided: no decision form
    assert "Hors périmètre" in kept_page(client, url, "core_transition")


def test_a_foreign_preregistration_is_still_a_404(client):
    admin, other = fund_admin(), fund_admin()
    foreign = PreRegistrationFactory(fund=other.organisation)
    url = reverse("partners:fund_preregistration", args=[foreign.pk])
    sign_in(client, other.user)
    assert client.get(url).status_code == 200  # its own admin: rendered and kept
    sign_in(client, admin.user)
    assert client.get(url).status_code == 404
