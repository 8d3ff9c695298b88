"""The accounts' cases for the workflow contract test (see tests/utils/workflows.py): erasure requests."""

from accounts import selectors
from accounts.enums import Role, Space
from accounts.models import ErasureRequest
from tests.utils.workflows import Case

from .factories import MembershipFactory, UserFactory


def erasure_request(state):
    admin = MembershipFactory(role=Role.AGENCY_STAFF, is_admin=True)
    other = MembershipFactory(role=Role.AGENCY_STAFF, is_admin=True)
    erasure = ErasureRequest.objects.create(
        user=UserFactory(), space=Space.INTERIM, user_label="Jeanne Martin", status=state
    )
    erasure.organisations.set([admin.organisation])
    return Case(
        obj=erasure,
        actor=admin.user,
        scope=selectors.erasure_requests_for(admin.user, status=None),
        foreign_scope=selectors.erasure_requests_for(other.user, status=None),
    )


CASES = {ErasureRequest: erasure_request}
