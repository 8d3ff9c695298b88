"""The interim space's cases for the workflow contract test (see tests/utils/workflows.py)."""

from decimal import Decimal

from interim import selectors
from interim.models import (
    Advance,
    Contract,
    Diploma,
    DocumentBatch,
    DocumentBatchItem,
    DocumentRequest,
    PlanningSlot,
    ProfileChange,
    Targeting,
    TargetingOffer,
    Timesheet,
)
from tests.utils.workflows import Case

from .factories import (
    AdvanceFactory,
    AgencyFactory,
    ChangeFactory,
    ClientFactory,
    ContractFactory,
    DiplomaFactory,
    DocumentRequestFactory,
    SlotFactory,
    WorkerFactory,
    placed_contract,
    staff_of,
    timesheet_with_hours,
)


def _case(obj):
    """The object's worker, who also holds the rights of their agency's staff for the test.

    Some steps are the worker's (cancel a change or an advance, sign a contract), others the agency's;
    a case has one actor, so the worker's user answers has_perm as either of them. The scope is the
    worker's file with this agency; the foreign scope another worker's with another agency.
    """
    worker = obj.worker
    user = worker.user
    staff = staff_of(worker.agency)
    own_has_perm = user.has_perm
    user.has_perm = lambda perm, target=None: own_has_perm(perm, target) or staff.has_perm(perm, target)
    other = WorkerFactory()
    return Case(
        obj=obj,
        actor=user,
        scope=_scope(obj, worker.membership),
        foreign_scope=_scope(obj, other.membership),
    )


def _scope(obj, membership):
    return {
        ProfileChange: selectors.changes_for,
        Diploma: selectors.diplomas_for,
        Contract: selectors.contracts_for,
        Advance: selectors.advances_for,
        PlanningSlot: selectors.slots_for,
        DocumentRequest: selectors.document_requests_for,
        TargetingOffer: selectors.offers_for,
    }[type(obj)](membership)


def change(state):
    return _case(ChangeFactory(state=state))


def diploma(state):
    return _case(DiplomaFactory(state=state))


def contract(state):
    return _case(ContractFactory(state=state))


def advance(state):
    return _case(AdvanceFactory(state=state, amount=Decimal("50")))


def slot(state):
    return _case(SlotFactory(state=state))


def document_request(state):
    return _case(DocumentRequestFactory(state=state))


# --- The agency's back office (tests/interim/mission_factories.py) ---------------------------------


def _staff_case(obj, agency, selector):
    from . import mission_factories as mf

    own = mf.staff_membership(agency)
    foreign = mf.staff_membership(AgencyFactory())
    return Case(obj=obj, actor=own.user, scope=selector(own), foreign_scope=selector(foreign))


def _targeting_case(state):
    from . import mission_factories as mf

    found = mf.targeting(state=state)
    return _staff_case(found, found.agency, selectors.targetings_for)


def _offer_case(state):
    from . import mission_factories as mf

    return _case(mf.offer(state=state))


def _batch_case(state):
    from . import mission_factories as mf

    found = mf.batch(state=state)
    return _staff_case(found, found.agency, selectors.document_batches_for)


def _batch_item_case(state):
    from . import mission_factories as mf

    item = mf.batch_item(state=state)
    return _staff_case(item, item.batch.agency, selectors.batch_items_for)


def timesheet(state):
    """The client's user enters and submits; the agency validates or returns: one actor holding both."""
    from accounts.enums import Role
    from tests.accounts.factories import member

    client = ClientFactory()
    sheet = timesheet_with_hours(placed_contract(client), state=state)
    contract = sheet.contract
    user = member(Role.CLIENT_USER, organisation=client.organisation)
    staff = staff_of(contract.agency)
    own_has_perm = user.has_perm
    user.has_perm = lambda perm, target=None: own_has_perm(perm, target) or staff.has_perm(perm, target)
    membership = user.memberships.get(organisation=client.organisation)
    other = member(Role.CLIENT_USER, organisation=ClientFactory().organisation)
    return Case(
        obj=sheet,
        actor=user,
        scope=selectors.timesheets_for(membership),
        foreign_scope=selectors.timesheets_for(other.memberships.get()),
    )


CASES = {
    ProfileChange: change,
    Diploma: diploma,
    Contract: contract,
    Advance: advance,
    PlanningSlot: slot,
    DocumentRequest: document_request,
    Targeting: _targeting_case,
    TargetingOffer: _offer_case,
    DocumentBatch: _batch_case,
    DocumentBatchItem: _batch_item_case,
    Timesheet: timesheet,
}
