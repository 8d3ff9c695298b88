"""Session lifetime, current organisation, and the gates a user passes before using a space."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.functional import LazyObject, SimpleLazyObject, empty
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware

from . import generations, identity, perms, reversing

SESSION_AUTH_STARTED = "guichet_auth_started"
SESSION_MEMBERSHIP = "guichet_membership_id"
SESSION_EXPIRED = "guichet_session_expired"
SESSION_TOUCHED = "guichet_touched"
# What the gates found, with the generations (accounts/generations.py) it was found under.
SESSION_OTP_CHECKED = "guichet_otp_checked"
SESSION_CONSENT_CHECKED = "guichet_consent_checked"
SESSION_NO_SECOND_FACTOR = "guichet_no_second_factor"


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's, without its query per request: the device that verified the session is re-read
    only when one of the user's devices changed since (a removed or unconfirmed device: generations).

    `user.otp_device` is then loaded on first use only (`is_verified()` does not use it).
    """

    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if not persistent_id:
            return super()._verify_user_sync(request, user)
        stamp = [user.pk, persistent_id, *generations.current(request, user.pk, user)]
        if request.session.get(SESSION_OTP_CHECKED) == stamp:
            self._init_user_fields(user)
            user.otp_device = SimpleLazyObject(lambda: self._device_from_persistent_id(persistent_id))
            return user
        user = super()._verify_user_sync(request, user)
        if user.otp_device is not None:
            request.session[SESSION_OTP_CHECKED] = stamp
        else:
            request.session.pop(SESSION_OTP_CHECKED, None)
        return user


class SessionLifetimeMiddleware:
    """Ends a session 12 hours (setting) after login, whatever the activity.

    The idle timeout is the session's age (SESSION_COOKIE_AGE), renewed by activity: the session is
    marked modified, hence saved with a new expiry, when it was last renewed SESSION_REFRESH_SECONDS
    ago or more, so that a busy user does not cost a database write per page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_AUTH_STARTED)
            if started is None:
                request.session[SESSION_AUTH_STARTED] = time.time()
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                # The message middleware runs after this one: the login page says it (see LoginView).
                request.session[SESSION_EXPIRED] = True
                return redirect(settings.LOGIN_URL)
            now = time.time()
            if now - request.session.get(SESSION_TOUCHED, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[SESSION_TOUCHED] = now
        return self.get_response(request)


def unwrapped(user):
    """The user behind the lazy objects that AuthenticationMiddleware and OTPMiddleware put on the
    request (one inside the other): each attribute read through them costs two proxy calls."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class CurrentOrganisationMiddleware:
    """Sets request.membership and request.organisation from the session, re-checked on every request.

    request.user becomes the user itself (read here anyway), no longer the lazy objects around it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.organisation = None
        request.acting = None
        request.memberships = []
        request.user = unwrapped(request.user)
        if request.user.is_authenticated:
            memberships = perms.active_memberships(request.user)
            request.memberships = memberships
            wanted = request.session.get(SESSION_MEMBERSHIP)
            current = next((m for m in memberships if m.pk == wanted), None)
            if current is None and memberships:
                current = memberships[0]
                request.session[SESSION_MEMBERSHIP] = current.pk
            request.membership = current
            request.organisation = current.organisation if current else None
            request.acting = perms.Acting.of(current)
        response = self.get_response(request)
        identity.remember(request)  # the identity snapshot, if this request read what it lacked
        return response


# Paths any signed-in user may reach whatever gate is pending.
# The new recovery codes' pages (accounts.views.otp), open while the session holds codes to show.
SESSION_NEW_CODES = "guichet_otp_new_codes"
RECOVERY_CODE_NAMES = (
    "accounts:otp_recovery_codes",
    "accounts:otp_recovery_codes_download",
    "accounts:otp_recovery_codes_done",
)
ALWAYS_OPEN_NAMES = ("accounts:logout", "portal:set_language", "portal:healthz", "portal:readyz")
# The passkey ceremonies (accounts.views.passkeys), open while the second factor is the pending gate:
# they are how a passkey is used (verification) or enrolled (mandatory enrolment).
PASSKEY_NAMES = (
    "accounts:passkey_register_begin",
    "accounts:passkey_register_complete",
    "accounts:passkey_authentication_begin",
    "accounts:passkey_authentication_complete",
)
SECOND_FACTOR_GATES = ("accounts:otp_verify", "accounts:otp_enrol")


def _urls(names):
    return {reversing.url(name) for name in names}


class AccountGateMiddleware:
    """Forced password change, then mandatory second factor, then consent: nothing else until done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            target = self.pending_gate(request)
            if target and not self.is_open(request, target):
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def is_open(request, target):
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path == target:
            return True
        if request.session.get(SESSION_NEW_CODES) and path in _urls(RECOVERY_CODE_NAMES):
            # Just enrolled (maybe as the mandatory first step): the recovery codes are shown before
            # any later gate (consent), else the user would never see them.
            return True
        if target in _urls(SECOND_FACTOR_GATES) and path in _urls(PASSKEY_NAMES):
            return True
        return path in _urls(ALWAYS_OPEN_NAMES)

    @staticmethod
    def pending_gate(request):
        from . import gates

        return gates.pending(request)
