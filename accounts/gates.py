"""What a signed-in user must do before using the portal, in order: each gate is a URL or None."""

from .reversing import url

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
        return url("accounts:password_change")
    return None


@gate
def second_factor(request):
    """A user with a second factor proves it once per session; privileged roles and staff must enrol one."""
    user = request.user
    if user.is_verified():
        return None
    from . import generations
    from .middleware import SESSION_NO_SECOND_FACTOR
    from .services import otp

    required = otp.otp_required_for(user, request.memberships)  # the memberships: in memory
    # "No device" is remembered in the session until one of the user's devices changes (generations).
    stamp = [user.pk, *generations.current(request, user.pk, user)]
    if request.session.get(SESSION_NO_SECOND_FACTOR) != stamp:
        if otp.has_second_factor(user):
            request.session.pop(SESSION_NO_SECOND_FACTOR, None)
            return url("accounts:otp_verify")
        request.session[SESSION_NO_SECOND_FACTOR] = stamp
    if required:
        return url("accounts:otp_enrol")
    return None


@gate
def consent(request):
    """The current consent text of each of the user's spaces, accepted before using them.

    Once found accepted, the session remembers it for these spaces, until a text is published or an
    acceptance of the user's withdrawn (accounts/generations.py): then it is checked again.
    """
    from . import generations
    from .middleware import SESSION_CONSENT_CHECKED
    from .services.consent import consent_pending, user_spaces

    user = request.user
    stamp = [user.pk, user_spaces(request.memberships), *generations.current(request, user.pk, user)]
    if request.session.get(SESSION_CONSENT_CHECKED) == stamp:
        return None
    if consent_pending(user, request.memberships):
        return url("accounts:consent")
    request.session[SESSION_CONSENT_CHECKED] = stamp
    return None
