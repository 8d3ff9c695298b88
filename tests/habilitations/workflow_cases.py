"""The Espace Organismes' cases for the workflow contract test (see tests/utils/workflows.py)."""

from habilitations import selectors
from habilitations.models import AccessRequest, AccountRequest, Right
from tests.accounts.factories import UserFactory
from tests.utils.workflows import Case

from .factories import AccessRequestFactory, AccountRequestFactory, RightFactory, correspondent


def access_request(state):
    validator = correspondent()
    other = correspondent()
    obj = AccessRequestFactory(state=state, organisme=validator.organisation)
    return Case(
        obj=obj,
        actor=validator.user,
        scope=selectors.access_requests_for(validator),
        foreign_scope=selectors.access_requests_for(other),
    )


def account_request(state):
    validator = correspondent()
    other = correspondent()
    obj = AccountRequestFactory(state=state, organisme=validator.organisation)
    return Case(
        obj=obj,
        actor=validator.user,
        scope=selectors.account_requests_for(validator),
        foreign_scope=selectors.account_requests_for(other),
        updates={"user": UserFactory(identifier=obj.email)},
    )


def right(state):
    validator = correspondent()
    other = correspondent()
    obj = RightFactory(state=state, organisme=validator.organisation)
    return Case(
        obj=obj,
        actor=validator.user,
        scope=selectors.rights_for(validator),
        foreign_scope=selectors.rights_for(other),
    )


CASES = {AccessRequest: access_request, AccountRequest: account_request, Right: right}
