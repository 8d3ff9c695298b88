"""Detail pages of the Prestations space run a constant number of queries (at most 12, the performance
issue's limit) whatever the documents, dependants, family documents, requests and history they show:
N rows, then 3N."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from benefits.models import FamilyDocument, RequestDocument
from core.history import record_event
from tests.accounts.factories import member
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

from .factories import (
    BenefitRequestFactory,
    CooperativeFactory,
    DependantFactory,
    catalogue,
    cooperator_with_account,
)

pytestmark = pytest.mark.django_db
LIMIT = 12  # queries a page (issue 15)
N = 2


@pytest.fixture
def family():
    catalogue()
    coop = CooperativeFactory()
    return {
        "coop": coop,
        "officer": member(Role.UNION_OFFICER, organisation=coop.union),
        "manager": member(Role.COOP_MANAGER, organisation=coop.organisation),
        "cooperator": cooperator_with_account(coop),
    }


def _family_rows(cooperator, actor, benefit_request=None):
    """n more rows of everything a request's or a family's page lists."""

    def make(n):
        for index in range(n):
            DependantFactory(cooperator=cooperator)
            FamilyDocument.objects.create(cooperator=cooperator, kind="family_book", uploaded_by=actor)
            other = BenefitRequestFactory(cooperator=cooperator, processing=True)
            record_event(other, actor=actor, action="edit")
            if benefit_request is not None:
                RequestDocument.objects.create(
                    request=benefit_request, original_name=f"facture-{index}.pdf", file="x.pdf", uploaded_by=actor
                )
                record_event(benefit_request, actor=actor, action="edit", reason=f"note {index}")

    return make


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_request_page_is_constant_in_queries(client, family, who):
    benefit_request = BenefitRequestFactory(cooperator=family["cooperator"], processing=True)
    sign_in(client, family[who])
    url = reverse("benefits:request_detail", args=[benefit_request.pk])
    make = _family_rows(family["cooperator"], family[who], benefit_request)
    assert_constant_queries(client, url, make, few=N, more=2 * N, at_most=LIMIT)


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_family_page_is_constant_in_queries(client, family, who):
    sign_in(client, family[who])
    url = reverse("benefits:cooperator_detail", args=[family["cooperator"].pk])
    make = _family_rows(family["cooperator"], family[who])
    assert_constant_queries(client, url, make, few=N, more=2 * N, at_most=LIMIT)
