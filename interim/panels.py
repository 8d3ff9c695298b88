"""Dashboard panels: the worker's bureau virtuel (from the agency's data) and the agency's counts."""

from . import selectors
from .enums import AdvanceState, ContractState, DiplomaState, DocumentRequestState


def bureau(request):
    membership = request.membership
    worker = selectors.worker_for(membership)
    contracts = selectors.contracts_for(membership)
    return {
        "agency": selectors.agency_for(membership),
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
