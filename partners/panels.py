"""Dashboard panels of the Partenaires Action Sociale space: a few counts, constant queries."""

from django.db.models import Count, Q

from . import selectors
from .enums import ConventionState


def fund_summary(request):
    """What waits for the fund's administrators."""
    membership = request.membership
    return {
        "preregistrations": selectors.pending_preregistrations_for(membership).count(),
        "conventions": selectors.awaiting_conventions_for(membership).count(),
        "messages": selectors.open_contact_messages_for(membership).count(),
    }


def national_summary(request):
    """Open messages, and what waits at funds without an administrator (theirs to decide)."""
    membership = request.membership
    return {
        "messages": selectors.open_contact_messages_for(membership).count(),
        "orphans": selectors.pending_preregistrations_for(membership).count()
        + selectors.awaiting_conventions_for(membership).count(),
    }


def partner_summary(request):
    """The partner's conventions by state (administrators), and the way to the administration pages."""
    membership = request.membership
    counts = selectors.partner_conventions_for(membership).aggregate(
        validated=Count("pk", filter=Q(state=ConventionState.VALIDATED)),
        awaiting=Count("pk", filter=Q(state=ConventionState.AWAITING)),
    )
    return {"is_admin": membership.is_admin, **counts}
