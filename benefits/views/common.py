"""What the Prestations views share beyond core.access (require, run_action, form_errors)."""

from accounts.enums import Role

from .. import selectors


def role_of(request):
    membership = getattr(request, "membership", None)
    return membership.role if membership is not None else None


def is_officer(request):
    return role_of(request) == Role.UNION_OFFICER


def is_manager(request):
    return role_of(request) == Role.COOP_MANAGER


def is_cooperator(request):
    return role_of(request) == Role.COOPERATOR


def current_cooperative(request):
    if not hasattr(request, "_benefits_cooperative"):
        request._benefits_cooperative = selectors.current_cooperative(request.membership)
    return request._benefits_cooperative
