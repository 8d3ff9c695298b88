"""Dashboard panels: the worker's bureau virtuel (from the agency's data), the agency's counts and the
client company's week of hours."""

from . import selectors
from .enums import AdvanceState, ContractState, DiplomaState, DocumentRequestState


def bureau(request):
    membership = request.membership
    worker = selectors.worker_for(membership)
    contracts = selectors.contracts_for(membership)
    return {
        # The worker file comes with its agency (selectors.worker_for): no second query for it.
        "agency": worker.agency if worker is not None else selectors.agency_for(membership),
        "worker": worker,
        "news": list(selectors.news_for(membership)[:5]),
        "sectors": list(selectors.sectors_for(membership)),
        "to_sign": contracts.filter(state=ContractState.TO_SIGN).count(),
    }


def agency_summary(request):
    membership = request.membership
    return {
        "changes": selectors.pending_changes_for(membership).count(),
        "diplomas": selectors.diplomas_for(membership).filter(state=DiplomaState.PENDING).count(),
        "requests": selectors.document_requests_for(membership).filter(state=DocumentRequestState.PENDING).count(),
        "advances": selectors.advances_for(membership).filter(state=AdvanceState.PENDING).count(),
    }


def client_summary(request):
    """A client company's week: workers placed with it, its timesheets to finish or waiting for the agency."""
    from django.utils import timezone

    from . import timesheets
    from .enums import TimesheetState

    membership = request.membership
    monday = timesheets.monday_of(timezone.localdate())
    sheets = selectors.timesheets_for(membership)
    return {
        "running": timesheets.week_contracts(membership, monday).values("worker_id").distinct().count(),
        "drafts": sheets.filter(state__in=[TimesheetState.DRAFT, TimesheetState.RETURNED]).count(),
        "submitted": sheets.filter(state=TimesheetState.SUBMITTED).count(),
    }
