"""The request's history: an entry that is not a change of state is shown by what happened ("Pièces
ajoutées"), never as a state becoming itself ("Saisie → Saisie") (issue 9)."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from benefits import selectors, services
from tests.accounts.factories import member
from tests.utils.clients import sign_in

from .factories import BenefitRequestFactory, CooperativeFactory, catalogue, cooperator_with_account, scan

pytestmark = pytest.mark.django_db


def test_events_that_change_no_state_are_named_in_the_history(client):
    catalogue()
    coop = CooperativeFactory()
    manager = member(Role.COOP_MANAGER, organisation=coop.organisation)
    obj = BenefitRequestFactory(cooperator=cooperator_with_account(coop), created_by=manager)
    membership = manager.memberships.get()
    services.request_documents_add(
        request_id=obj.pk, scope=selectors.requests_for(membership), actor=manager, files=[scan("facture.pdf")]
    )
    sign_in(client, manager)
    html = client.get(reverse("benefits:request_detail", args=[obj.pk])).content.decode()
    history = html[html.index('class="timeline"') :]
    assert "Pièces ajoutées" in history
    entries = history.split('class="timeline__entry"')[1:]
    for entry in entries:
        if "timeline__from" in entry:
            before = entry.split('class="timeline__from">')[1].split("<")[0]
            after = entry.split('class="timeline__to">')[1].split("<")[0]
            assert before != after, f"an entry shows {before} becoming {after}"
