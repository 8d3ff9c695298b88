"""What a signed-in user must do before using the portal, in order: each gate is a URL or None."""

from django.urls import reverse

_GATES = []


def gate(func):
    _GATES.append(func)
    return func


def pending(request):
    for func in _GATES:
        target = func(request)
        if target:
            return target
    return None


@gate
def forced_password_change(request):
    if request.user.must_change_password:
        return reverse("accounts:password_change")
    return None


@gate
def second_factor(request):
    """A user with a second factor proves it once per session; privileged roles and staff must enrol one."""
    user = request.user
    if user.is_verified():
        return None
    from .services import otp

    if otp.has_second_factor(user):
        return reverse("accounts:otp_verify")
    if otp.otp_required_for(user, request.memberships):
        return reverse("accounts:otp_enrol")
    return None


@gate
def consent(request):
    """The current consent text of each of the user's spaces, accepted before using them."""
    from .services.consent import consent_pending

    if consent_pending(request.user, request.memberships):
        return reverse("accounts:consent")
    return None
