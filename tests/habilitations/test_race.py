"""Decisions racing on PostgreSQL (row locks): two validators, a validator and the tacit acceptance job,
two workers of the job. Each request is decided once, with one right and one history row per step."""

import pytest
from django.db import connection

from core.history import TransitionNotAllowed
from habilitations import selectors, services
from habilitations.enums import AccessRequestState
from habilitations.models import AccessRequest, Right
from tests.utils.race import race

from .factories import AccessRequestFactory, correspondent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Row locks and SKIP LOCKED exist on PostgreSQL only."),
]


def test_two_validators_grant_at_once_one_wins():
    first = correspondent()
    second = correspondent(first.organisation)
    access_request = AccessRequestFactory(organisme=first.organisation)

    def grant(membership):
        return lambda: services.access_request_grant(
            access_request_id=access_request.pk, actor=membership.user, scope=selectors.access_requests_for(membership)
        )

    results = race(grant(first), grant(second))
    assert results["first"] == "won"
    assert isinstance(results["second"], TransitionNotAllowed)
    assert Right.objects.filter(request=access_request).count() == 1


def test_the_job_skips_a_request_a_validator_is_deciding():
    validator = correspondent()
    access_request = AccessRequestFactory(organisme=validator.organisation, days_ago=11)
    results = race(
        lambda: services.access_request_refuse(
            access_request_id=access_request.pk,
            actor=validator.user,
            scope=selectors.access_requests_for(validator),
            reason="Non",
        ),
        lambda: services.tacit_acceptance_run(),
    )
    assert results == {"first": "won", "second": "won"}
    access_request.refresh_from_db()
    assert access_request.state == AccessRequestState.REFUSED
    assert not Right.objects.exists()


def test_two_workers_of_the_job_accept_each_request_once():
    requests = [AccessRequestFactory(days_ago=11) for _index in range(6)]
    results = race(
        lambda: services.tacit_acceptance_run(batch_size=3, limit=3),
        lambda: services.tacit_acceptance_run(batch_size=3),
    )
    assert results == {"first": "won", "second": "won"}
    assert AccessRequest.objects.filter(state=AccessRequestState.TACIT).count() == len(requests)
    assert Right.objects.count() == len(requests)
