"""The fund's decision pages (a pre-registration, a convention) run a constant number of queries (at most
12, the performance issue's limit) whatever their history and the rows sharing their SIRET: N rows, then
3N. The lists' own tests are in test_views."""

import pytest
from django.urls import reverse

from core.history import record_event
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

from .factories import ConventionFactory, PartnerFactory, PreRegistrationFactory, fund_admin

pytestmark = pytest.mark.django_db
LIMIT = 12  # queries a page (issue 15)
N = 2


def _history(obj, actor):
    def make(n):
        for index in range(n):
            record_event(obj, actor=actor, action="edit", reason=f"note {index}")
            PreRegistrationFactory(fund=obj.fund, siret="73282932000074")
            PartnerFactory(siret="73282932000074")

    return make


def test_a_preregistration_page_is_constant_in_queries(client):
    admin = fund_admin()
    preregistration = PreRegistrationFactory(fund=admin.organisation, siret="73282932000074")
    sign_in(client, admin.user)
    url = reverse("partners:fund_preregistration", args=[preregistration.pk])
    assert_constant_queries(client, url, _history(preregistration, admin.user), few=N, more=2 * N, at_most=LIMIT)


def test_a_convention_page_is_constant_in_queries(client):
    admin = fund_admin()
    convention = ConventionFactory(fund=admin.organisation)
    sign_in(client, admin.user)
    url = reverse("partners:fund_convention", args=[convention.pk])
    assert_constant_queries(client, url, _history(convention, admin.user), few=N, more=2 * N, at_most=LIMIT)
