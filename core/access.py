"""Access and actions, one way for every space.

    require(request, "partners.process_registrations")        # in the organisation I act for
    require(request, "benefits.pay_request", obj)              # on this object

    @require_POST
    def pay(request, pk):
        obj = get_object_or_404(selectors.requests_for(request.membership), pk=pk)   # foreign id: 404
        return run_action(
            request,
            lambda: REQUEST.run("pay", obj, actor=request.user, scope=selectors.requests_for(request.membership)),
            success=_("Demande %(ref)s payée.") % {"ref": obj.reference},
            redirect_to=obj.get_absolute_url(),
        )

An irreversible step (declared `confirm=True`) passes `confirm={"step": ..., "obj": obj, "message": ...,
"cancel_url": ...}`: the action runs only once confirmed (core/confirm.py).

`require` raises PermissionDenied (403) unless `request.user.has_perm(perm, target)`, where the
target is the object, or else `request.acting` (set by accounts' CurrentOrganisationMiddleware:
the membership the user is acting for). `run_action` calls a service; a refusal (ValidationError,
e.g. a wrong state, a lost race, a vanished object) becomes error messages on the next page, a
success its message; it redirects either way (POST/redirect/GET).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect


def acting(request):
    """The role-level target of a permission: the membership the user is acting for (or None)."""
    return getattr(request, "acting", None)


def require(request, perm, obj=None):
    target = obj if obj is not None else acting(request)
    if target is None or not request.user.has_perm(perm, target):
        raise PermissionDenied


def error_messages(request, error):
    """A service's refusal as error messages of the next page."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


def form_errors(form, error):
    """A service's ValidationError on the form's fields (or on the form as a whole)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


def run_action(request, call, *, success, redirect_to, refusal=ValidationError, confirm=None):
    """Runs `call()`; its refusal becomes messages, its success the message `success`; redirects.

    `confirm`: the keyword arguments of core.confirm.confirmation (the step, the object, the message,
    the cancel URL...) for an irreversible action: until the POST is confirmed, the confirmation page
    is the answer and nothing runs (without JavaScript as with it)."""
    if confirm is not None:
        from .confirm import confirmation

        page = confirmation(request, **confirm)
        if page is not None:
            return page
    try:
        result = call()
    except refusal as error:
        error_messages(request, error)
    else:
        if success:
            messages.success(request, success)
        if callable(redirect_to):
            return redirect(redirect_to(result))
    return redirect(redirect_to(None) if callable(redirect_to) else redirect_to)
