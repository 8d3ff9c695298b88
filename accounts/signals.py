"""Security log and session bookkeeping: every login, logout, failure and lockout is recorded.

django-axes connects its own receivers first (its app is listed before ours), so when ours run the
request already carries axes' verdict: `axes_locked_out`, and `axes_failures_since_start` which is
None when the attempt was refused because the client was already locked.
"""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .backends import find_user_for_login
from .enums import SecurityEventKind
from .middleware import SESSION_AUTH_STARTED
from .services.security_log import log_event

# Set in the session when it was opened with a temporary password: the forced change then does not
# ask for the old password (the user does not know any other).
SESSION_TEMPORARY_LOGIN = "guichet_temporary_login"
# A random id per browser (signed cookie): a sign-in from a new one is told to the user.
DEVICE_COOKIE = "guichet_device"


@receiver(user_logged_in, dispatch_uid="accounts.security_log.logged_in")
def on_logged_in(sender, request, user, **kwargs):
    from .services.credentials import session_record

    temporary = getattr(user, "used_temporary_password", None)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_AUTH_STARTED] = time.time()
        if temporary:
            request.session[SESSION_TEMPORARY_LOGIN] = True
        else:
            request.session.pop(SESSION_TEMPORARY_LOGIN, None)
        if request.session.session_key is None:
            request.session.save()
        session_record(user=user, session_key=request.session.session_key, request=request)
    if temporary:
        log_event(SecurityEventKind.TEMPORARY_PASSWORD_USED, user=user, request=request)
    device = _device_of(request, user)
    log_event(SecurityEventKind.LOGIN, user=user, request=request, temporary_password=bool(temporary), device=device)
    from .ratelimit import account_failures_reset

    account_failures_reset(user)


def _device_of(request, user):
    """The browser's device id (a random value in a signed cookie, set by the login view); a sign-in
    from a device this account never used is told to the user by e-mail (not the very first sign-in)."""
    from django.utils.crypto import get_random_string

    from .models import SecurityEvent
    from .services.security_mail import security_notice

    device = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_COOKIE) if request else None
    logins = SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.LOGIN)
    if device is None or not logins.filter(detail__device=device).exists():
        if logins.exists():
            security_notice(user=user, kind="new_device", request=request)
        device = device or get_random_string(32)
    if request is not None:
        request.guichet_device = device
    return device


@receiver(user_logged_out, dispatch_uid="accounts.security_log.logged_out")
def on_logged_out(sender, request, user, **kwargs):
    from .services.credentials import session_forget

    if request is not None and hasattr(request, "session"):
        session_forget(session_key=request.session.session_key)
    if user is not None:
        log_event(SecurityEventKind.LOGOUT, user=user, request=request)


def _log_failure(request, identifier):
    if request is not None:
        if getattr(request, "_guichet_failure_logged", False):
            return
        request._guichet_failure_logged = True
    already_locked = bool(
        getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", 0) is None
    )
    user = find_user_for_login(identifier)
    log_event(
        SecurityEventKind.LOGIN_FAILED,
        user=user,
        request=request,
        identifier=identifier,
        reason="locked_out" if already_locked else "invalid_credentials",
    )
    if user is not None and not already_locked:
        from . import ratelimit

        if ratelimit.account_ceiling_reached(ratelimit.account_failure_record(user)):
            from .services.security_mail import security_notice

            log_event(SecurityEventKind.LOCKED_OUT, user=user, request=request, scope="account")
            security_notice(
                user=user, kind="account_ceiling", request=request, minutes=ratelimit.account_window_minutes()
            )


@receiver(user_login_failed, dispatch_uid="accounts.security_log.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    _log_failure(request, (credentials or {}).get("username") or "")


@receiver(user_locked_out, dispatch_uid="accounts.security_log.locked_out")
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    # axes also signals every attempt refused during a lock: only the lock itself is an event.
    if request is not None and getattr(request, "axes_failures_since_start", None) is None:
        return
    typed = getattr(request, "POST", {}).get("username", "") if request is not None else ""
    # axes signals the lock from inside the failure signal, before our failure receiver: keep the order.
    _log_failure(request, typed)
    user = find_user_for_login(username or typed)
    log_event(
        SecurityEventKind.LOCKED_OUT,
        user=user,
        request=request,
        identifier=typed or username or "",
        failures=getattr(request, "axes_failures_since_start", None),
    )
    if user is not None:
        from .services.security_mail import lockout_minutes, security_notice

        security_notice(user=user, kind="locked_out", request=request, minutes=lockout_minutes())


# --- Generations (accounts/generations.py): what a session remembered of the gates is re-checked -----


def _bump_consent_texts(sender, **kwargs):
    from . import generations

    generations.bump(generations.CONSENT_TEXTS)


def _bump_user_of_acceptance(sender, instance, **kwargs):
    from . import generations

    if kwargs.get("signal") is post_save and instance.withdrawn_at is None:
        return  # an acceptance: what the session found (a pending consent) is re-checked anyway
    generations.bump(generations.user(instance.user_id))


def _bump_user_of_device(sender, instance, **kwargs):
    from . import generations

    generations.bump(generations.user(instance.user_id))


def connect_generations():
    """Called from AccountsConfig.ready(): every second-factor device model (django-otp's registry)."""
    from django.contrib.auth import get_user_model
    from django_otp import device_classes

    from . import identity
    from .models import ConsentAcceptance, ConsentText, Membership, Organisation

    # The identity snapshot (accounts/identity.py): the user, their memberships, the organisations.
    identity.watch(get_user_model(), users=lambda user: [user.pk])
    identity.watch(Membership, users=lambda membership: [membership.user_id])
    identity.watch(Organisation, creations=False)

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_bump_consent_texts, sender=ConsentText, dispatch_uid=f"accounts.generation.texts.{name}")
        signal.connect(
            _bump_user_of_acceptance, sender=ConsentAcceptance, dispatch_uid=f"accounts.generation.consent.{name}"
        )
        for model in device_classes():
            uid = f"accounts.generation.{model._meta.label}.{name}"
            signal.connect(_bump_user_of_device, sender=model, dispatch_uid=uid)
