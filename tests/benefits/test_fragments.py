"""The Prestations pages kept in fragments (core.fragments) show every change at the next visit, and
never another user's copy."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits import selectors, services
from benefits.enums import RequestState
from benefits.models import Cooperator, RequestDocument
from core.history import record_transition
from tests.accounts.factories import UserFactory
from tests.utils.clients import sign_in

from .factories import BenefitRequestFactory, DependantFactory, pdf_bytes
from .world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        html(client, url)
    return len(ctx.captured_queries)


def test_the_second_visit_is_served_from_the_fragment(client, world):
    sign_in(client, world.manager)
    url = reverse("benefits:request_list")
    html(client, url)
    html(client, url)  # the identity snapshot is warm
    first = queries(client, url)
    assert first < 3  # the session at most: neither the rows nor their count are read
    BenefitRequestFactory(cooperator=world.family, created_by=world.manager)
    assert queries(client, url) > first


def test_hr_list_shows_a_new_request_and_a_renamed_cooperator(client, world):
    sign_in(client, world.manager)
    url = reverse("benefits:request_list")
    assert world.request.reference in html(client, url)
    new = BenefitRequestFactory(cooperator=world.neighbour, created_by=world.manager)
    assert new.reference in html(client, url)
    Cooperator.objects.filter(pk=world.family.pk).update(last_name="Renommée")  # a bulk update
    assert "Renommée" in html(client, url)


def test_queue_and_detail_show_a_request_taken_in_charge(client, world):
    sign_in(client, world.officer)
    queue = reverse("benefits:queue")
    detail = reverse("benefits:request_detail", args=[world.request.pk])
    assert "1 saisie(s) à prendre en charge, 0 en cours" in html(client, queue)
    assert "Prendre en charge" in html(client, detail)
    services.request_take(
        request_id=world.request.pk, scope=selectors.officer_queue(world.officer.memberships.get()), actor=world.officer
    )
    assert "0 saisie(s) à prendre en charge, 1 en cours" in html(client, queue)
    page = html(client, detail)
    assert "Prendre en charge" not in page and "Montant" in page


def test_detail_shows_a_new_document_a_dependant_and_a_transition(client, world):
    sign_in(client, world.officer)
    url = reverse("benefits:request_detail", args=[world.request.pk])
    html(client, url)
    document = RequestDocument(request=world.request, original_name="facture-colonie.pdf", size=10)
    document.file.save("facture-colonie.pdf", ContentFile(pdf_bytes()), save=True)
    assert "facture-colonie.pdf" in html(client, url)
    DependantFactory(cooperator=world.family, first_name="Zoé")
    assert "Zoé" in html(client, url)
    record_transition(
        world.request, actor=world.officer, from_state="entered", to_state="entered", reason="Appel à la famille"
    )
    assert "Appel à la famille" in html(client, url)


def test_cooperators_list_shows_a_change_of_login(client, world):
    sign_in(client, world.officer)
    url = reverse("benefits:cooperator_list")
    assert world.neighbour.user.identifier in html(client, url)
    world.neighbour.user.identifier = "nouvel.identifiant@exemple.test"
    world.neighbour.user.save()
    assert "nouvel.identifiant@exemple.test" in html(client, url)


def test_dashboard_counts_follow_the_requests(client, world):
    sign_in(client, world.manager)
    url = reverse("portal:dashboard")
    html(client, url)
    before = selectors.request_counts(world.manager.memberships.get())[RequestState.ENTERED]
    assert re.search(rf"Saisie</span>\s*{before}</li>", html(client, url))
    BenefitRequestFactory(cooperator=world.neighbour, created_by=world.manager)
    page = html(client, url)
    assert re.search(rf"Saisie</span>\s*{before + 1}</li>", page)


def test_two_users_never_get_each_others_copy(client, world):
    url = reverse("benefits:request_list")
    sign_in(client, world.manager)
    mine = html(client, url)
    client.logout()
    sign_in(client, world.foreign_manager)
    theirs = html(client, url)
    assert world.request.reference in mine and world.request.reference not in theirs
    # Same cooperative, another manager: their own copy (their name in the page's header).
    colleague = UserFactory(first_name="Collègue", last_name="Deux")
    colleague.memberships.create(organisation=world.coop.organisation, role=world.manager.memberships.get().role)
    client.logout()
    sign_in(client, colleague)
    assert "Collègue Deux" in html(client, url)


def non_session_queries(client, url, status=200):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return [query["sql"] for query in ctx.captured_queries if "django_session" not in query["sql"]]


def test_a_kept_request_page_checks_its_access_without_a_query(client, world):
    """The tenancy lookup and the rule are remembered with the page (benefits.views.requests.request_detail)."""
    sign_in(client, world.manager)
    url = reverse("benefits:request_detail", args=[world.request.pk])
    assert non_session_queries(client, url)  # checked and rendered
    assert non_session_queries(client, url) == []


def test_the_access_is_checked_again_once_the_request_is_gone(client, world):
    sign_in(client, world.manager)
    url = reverse("benefits:request_detail", args=[world.request.pk])
    html(client, url)
    html(client, url)
    type(world.request).objects.filter(pk=world.request.pk).delete()  # bulk, as the purge does
    non_session_queries(client, url, status=404)


def test_a_kept_request_page_is_404_for_another_tenant(client, world):
    url = reverse("benefits:request_detail", args=[world.request.pk])
    sign_in(client, world.manager)
    html(client, url)
    html(client, url)
    client.logout()
    sign_in(client, world.foreign_manager)
    non_session_queries(client, url, status=404)
    non_session_queries(client, url, status=404)


def test_a_manager_who_leaves_the_cooperative_loses_the_kept_page(client, world):
    url = reverse("benefits:request_detail", args=[world.request.pk])
    sign_in(client, world.manager)
    html(client, url)
    html(client, url)
    membership = world.manager.memberships.get()
    membership.organisation = world.foreign_manager.memberships.get().organisation
    membership.save()
    non_session_queries(client, url, status=404)
