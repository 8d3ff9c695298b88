"""Helpers shared by the Prestations views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed

from accounts.enums import Role

from .. import selectors
from ..perms import acting


def require(request, perm, obj=None):
    """403 unless the user has `perm` on `obj` (default: acting in the current organisation)."""
    target = obj if obj is not None else acting(request)
    if target is None or not request.user.has_perm(perm, target):
        raise PermissionDenied


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


def method_not_allowed():
    return HttpResponseNotAllowed(["POST"])


def error_messages(request, error):
    """Adds a ValidationError's messages to the page's messages (for actions that redirect)."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


def add_errors(form, error):
    """Puts a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)
