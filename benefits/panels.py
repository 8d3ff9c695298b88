"""Dashboard panels of the Prestations space: one query each, whatever the rows."""

from accounts.enums import Role

from . import selectors
from .enums import RequestState
from .workflows import REQUEST


def requests_summary(request):
    """Requests by state (with their colours), and those waiting for the cooperative's approval."""
    membership = request.membership
    counts = selectors.request_counts(membership)  # kept by the database: no scan of the requests
    states = [
        {"label": REQUEST.label(state), "colour": REQUEST.colour(state), "count": counts[state.value]}
        for state in RequestState
        if state not in (RequestState.WITHDRAWN, RequestState.AWAITING)
    ]
    return {
        "states": states,
        "awaiting": counts[RequestState.AWAITING.value],
        "is_officer": membership.role == Role.UNION_OFFICER,
        "is_manager": membership.role == Role.COOP_MANAGER,
    }
