"""An access request's page (the correspondent's decision) runs a constant number of queries (at most
12, the performance issue's limit) whatever its history and the organisme's other requests and rights:
N rows, then 3N. The lists' own tests are in test_views."""

import pytest
from django.urls import reverse

from core.history import record_event
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

from .factories import AccessRequestFactory, RightFactory, correspondent, organisme_user

pytestmark = pytest.mark.django_db
LIMIT = 12  # queries a page (issue 15)
N = 2


def test_an_access_request_page_is_constant_in_queries(client):
    validator = correspondent()
    requester = organisme_user(validator.organisation)
    access_request = AccessRequestFactory(user=requester.user, organisme=validator.organisation)
    sign_in(client, validator.user)

    def make(n):
        for index in range(n):
            record_event(access_request, actor=requester.user, action="edit", reason=f"précision {index}")
            AccessRequestFactory(user=requester.user, organisme=validator.organisation)
            RightFactory(user=requester.user, organisme=validator.organisation)

    url = reverse("habilitations:access_request_detail", args=[access_request.pk])
    assert_constant_queries(client, url, make, few=N, more=2 * N, at_most=LIMIT)
