"""Dashboard panels of the Prestations space: one aggregate query each, whatever the rows."""

from django.db.models import Count, Q

from accounts.enums import Role

from . import selectors
from .enums import RequestState
from .workflows import REQUEST


def requests_summary(request):
    """Requests by state (with their colours), and those waiting for the cooperative's approval."""
    membership = request.membership
    counts = selectors.requests_for(membership).aggregate(
        **{state.value: Count("pk", filter=Q(state=state)) for state in RequestState},
    )
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
