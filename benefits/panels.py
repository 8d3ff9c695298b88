"""Dashboard panels of the Prestations space: one aggregate query each, whatever the rows."""

from django.db.models import Count, Q

from accounts.enums import Role

from . import selectors
from .enums import STATE_COLOURS, RequestState


def requests_summary(request):
    """Requests by state (with their colours), and those waiting for the cooperative's approval."""
    membership = request.membership
    counts = selectors.requests_for(membership).aggregate(
        awaiting=Count("pk", filter=Q(awaiting_approval=True, state=RequestState.ENTERED)),
        **{state.value: Count("pk", filter=Q(state=state)) for state in RequestState},
    )
    states = [
        {"label": state.label, "colour": STATE_COLOURS[state], "count": counts[state.value]}
        for state in RequestState
        if state != RequestState.WITHDRAWN
    ]
    return {
        "states": states,
        "awaiting": counts["awaiting"],
        "is_officer": membership.role == Role.UNION_OFFICER,
        "is_manager": membership.role == Role.COOP_MANAGER,
    }
