"""The Prestations panels of the dashboard: counts from the scoped selectors, constant queries."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from tests.accounts.factories import member
from tests.benefits.factories import BenefitRequestFactory, CooperatorFactory, cooperative_of
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _manager_with_requests(states):
    manager = member(Role.COOP_MANAGER)
    cooperative = cooperative_of(manager.memberships.get())
    cooperator = CooperatorFactory(cooperative=cooperative)
    for state in states:
        BenefitRequestFactory(cooperator=cooperator, **{state: True})
    return manager, cooperative


def test_manager_sees_own_cooperative_counts_only(client):
    manager, _ = _manager_with_requests(["processing", "paid", "paid"])
    BenefitRequestFactory(paid=True)  # another cooperative's requests
    BenefitRequestFactory(refused=True)
    sign_in(client, manager)
    response = client.get(reverse("portal:dashboard"))
    data = next(p["data"] for p in response.context["panels"] if p["template"] == "benefits/panels/requests.html")
    counts = {state["label"]: state["count"] for state in data["states"]}
    assert counts["Payée"] == 2
    assert counts["En cours de traitement"] == 1
    assert counts["Refusée"] == 0
    html = response.content.decode()
    assert "Demandes de prestations" in html
    assert "arrivent bientôt" not in html
    assert reverse("benefits:request_list") in html


def test_awaiting_approval_is_announced(client):
    manager, cooperative = _manager_with_requests([])
    BenefitRequestFactory(cooperator=CooperatorFactory(cooperative=cooperative), awaiting=True)
    sign_in(client, manager)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "1 demande attend l’accord de la coopérative." in html


def test_officer_panel_links_to_the_queue(client):
    officer = member(Role.UNION_OFFICER)
    sign_in(client, officer)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("benefits:queue") in html


def test_panel_queries_do_not_grow_with_requests(client):
    manager, cooperative = _manager_with_requests(["paid"])
    cooperator = CooperatorFactory(cooperative=cooperative)
    sign_in(client, manager)
    assert_constant_queries(
        client,
        reverse("portal:dashboard"),
        make_rows=lambda n: BenefitRequestFactory.create_batch(n, cooperator=cooperator),
    )
