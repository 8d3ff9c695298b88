"""Dashboard panels of the Espace Organismes: a few counts, constant queries."""

from . import selectors


def validator_summary(request):
    membership = request.membership
    return {
        "access_requests": selectors.queue_for(membership).count(),
        "account_requests": selectors.pending_account_requests_for(membership).count(),
    }


def user_summary(request):
    user = request.user
    return {
        "rights": selectors.own_rights(user).count(),
        "pending": selectors.own_access_requests(user).filter(state="pending").count(),
    }
