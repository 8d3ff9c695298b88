"""The partners panels of the dashboard: what waits for a fund, a partner's conventions; constant queries."""

import pytest
from django.urls import reverse

from tests.partners.factories import (
    ContactMessageFactory,
    ConventionFactory,
    FundFactory,
    PartnerFactory,
    PreRegistrationFactory,
    fund_admin,
    partner_member,
)
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _panel(response, template):
    return next(p["data"] for p in response.context["panels"] if p["template"] == template)


def test_fund_admin_sees_what_waits_for_their_fund_only(client):
    admin = fund_admin()
    fund = admin.organisation
    PreRegistrationFactory.create_batch(2, fund=fund)
    PreRegistrationFactory(fund=fund, validated=True)
    ConventionFactory(fund=fund)
    ContactMessageFactory(fund=fund)
    other = FundFactory()
    PreRegistrationFactory.create_batch(3, fund=other)
    ConventionFactory(fund=other)
    sign_in(client, admin.user)
    response = client.get(reverse("portal:dashboard"))
    assert _panel(response, "partners/panels/fund.html") == {"preregistrations": 2, "conventions": 1, "messages": 1}
    html = response.content.decode()
    assert "2 préinscriptions en attente" in html
    assert reverse("partners:fund_queue") in html


def test_partner_admin_sees_conventions_by_state(client):
    partner = PartnerFactory()
    admin = partner_member(partner, is_admin=True)
    ConventionFactory(partner=partner, validated=True)
    ConventionFactory(partner=partner)
    ConventionFactory(validated=True)  # another partner's
    sign_in(client, admin.user)
    response = client.get(reverse("portal:dashboard"))
    assert _panel(response, "partners/panels/partner.html") == {"is_admin": True, "validated": 1, "awaiting": 1}
    assert reverse("partners:admin_partner") in response.content.decode()


def test_partner_user_without_admin_right_gets_no_administration_link(client):
    user = partner_member(is_admin=False)
    sign_in(client, user.user)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("partners:admin_partner") not in html


def test_fund_panel_queries_do_not_grow(client):
    admin = fund_admin()
    sign_in(client, admin.user)
    assert_constant_queries(
        client,
        reverse("portal:dashboard"),
        make_rows=lambda n: PreRegistrationFactory.create_batch(n, fund=admin.organisation),
    )


def test_national_admin_sees_what_waits_at_funds_without_administrator(client):
    from accounts.enums import Role
    from tests.accounts.factories import MembershipFactory

    national = MembershipFactory(role=Role.NATIONAL_ADMIN)
    PreRegistrationFactory.create_batch(2)  # funds without an administrator
    ConventionFactory()
    PreRegistrationFactory(fund=fund_admin().organisation)  # its fund's admin answers for it
    sign_in(client, national.user)
    response = client.get(reverse("portal:dashboard"))
    assert _panel(response, "partners/panels/national.html")["orphans"] == 3
    html = response.content.decode()
    assert "3 demandes attendent une caisse sans administrateur" in html
    assert reverse("partners:supervision") in html
