"""The credential lifecycle: temporary passwords, account creation by someone else, password changes
and resets, forgotten passwords per space, ending sessions, disabling an account.

Entry points for the spaces (keyword-only):

    account_create_with_temporary_password(identifier=, email=, first_name=, last_name=, phone="",
        organisation=, role=, is_admin=False, created_by=, request=None) -> NewAccount(user, password)
        `password` is None when it was e-mailed, else the temporary password to show once to the creator.
    temporary_password_issue(user=, created_by=None, request=None) -> str
    temporary_password_deliver(user=, password=, created_by=None, request=None) -> str | None
    account_disable(user=, actor=, request=None)
    password_set(user=, password=, request=None, via="change")
"""

import logging
import secrets
import string
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import spaces as space_registry
from core.notifications import send_email
from core.spaces import ForgotBy, ForgotPassword

from ..enums import KIND_SPACE, SecurityEventKind
from ..models import Membership, TemporaryPassword, UserSession
from .security_log import log_event
from .security_mail import security_notice

logger = logging.getLogger(__name__)

# Letters and digits without the look-alikes (0/O/o, 1/l/I) so that a password read aloud or copied
# from a screen is typed right. 12 characters from 56 symbols: about 70 bits.
TEMPORARY_PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0Oo1lI")
TEMPORARY_PASSWORD_LENGTH = 12

EVENT_TEMPORARY_PASSWORD = "accounts.temporary_password"  # noqa: S105 - an event key, not a secret
EVENT_RESET_LINK = "accounts.password_reset_link"
# Messages that carry a secret: their body is wiped once sent (see messages_with_secrets_redact).
SECRET_EVENTS = (EVENT_TEMPORARY_PASSWORD, EVENT_RESET_LINK)
REDACTED_BODY = "[Contenu effacé après l'envoi : il contenait un secret de connexion.]"


class NewAccount(NamedTuple):
    user: object
    password: str | None  # to show once to the creator when it could not be e-mailed


def generate_temporary_password(length=TEMPORARY_PASSWORD_LENGTH):
    """Random letters and digits (secrets), with at least one letter and one digit (partners' policy)."""
    while True:
        password = "".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


# --- Temporary passwords --------------------------------------------------------------------------


@transaction.atomic
def temporary_password_issue(*, user, created_by=None, request=None) -> str:
    """A new single-use temporary password for `user` (only its hash is kept); earlier unused ones stop working."""
    now = timezone.now()
    TemporaryPassword.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    password = generate_temporary_password()
    temporary = TemporaryPassword.objects.create(
        user=user,
        password=make_password(password),
        created_at=now,
        expires_at=now + settings.TEMPORARY_PASSWORD_LIFETIME,
        created_by=created_by,
    )
    log_event(
        SecurityEventKind.TEMPORARY_PASSWORD_ISSUED,
        user=user,
        request=request,
        actor=created_by,
        expires_at=temporary.expires_at.isoformat(),
    )
    return password


def temporary_password_deliver(*, user, password, created_by=None, request=None) -> str | None:
    """E-mails the temporary password when the account has an address (returns None); else returns it,
    for the creator's page to show once."""
    if not user.email:
        return password
    send_email(
        to=user.email,
        template="accounts/emails/temporary_password",
        context={
            "password": password,
            "identifier": user.identifier,
            "created_by": created_by,
            "lifetime_days": settings.TEMPORARY_PASSWORD_LIFETIME.days,
            "login_url": _absolute(request, reverse("accounts:login")),
        },
        user=user,
        event=EVENT_TEMPORARY_PASSWORD,
    )
    return None


@transaction.atomic
def account_create_with_temporary_password(
    *,
    identifier,
    email,
    first_name,
    last_name,
    phone="",
    organisation,
    role,
    is_admin=False,
    created_by,
    request=None,
) -> NewAccount:
    """Creates an account for someone else (HR manager, partner admin, fund admin...): the user, their
    membership, and a temporary password e-mailed to them or returned to show once to the creator.

    Raises ValidationError (identifier taken, role not valid for the organisation's kind...).
    """
    from ..models import EMAIL_UNAVAILABLE
    from .profile import email_taken

    User = get_user_model()
    if email_taken(email) or (identifier and "@" in identifier and email_taken(identifier)):
        raise ValidationError({"email": EMAIL_UNAVAILABLE}, code="email_unavailable")
    user = User(
        identifier=(identifier or "").strip(),
        email=email or "",
        first_name=first_name or "",
        last_name=last_name or "",
        phone=phone or "",
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    membership = Membership(user=user, organisation=organisation, role=role, is_admin=is_admin, updated_by=created_by)
    membership.full_clean()
    membership.save()
    password = temporary_password_issue(user=user, created_by=created_by, request=request)
    shown = temporary_password_deliver(user=user, password=password, created_by=created_by, request=request)
    return NewAccount(user=user, password=shown)


@transaction.atomic
def temporary_passwords_expire(*, now=None) -> int:
    """Revokes every unused temporary password past its expiry. Idempotent: returns how many it revoked."""
    now = now or timezone.now()
    return TemporaryPassword.objects.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now).update(
        revoked_at=now
    )


@transaction.atomic
def messages_with_secrets_redact() -> int:
    """Wipes the body of sent e-mails that carried a temporary password or a reset link: the outbox keeps
    who, when and what kind, never a usable secret once delivered."""
    from core.models import OutboundMessage

    return (
        OutboundMessage.objects.filter(event__in=SECRET_EVENTS, status=OutboundMessage.Status.SENT)
        .exclude(body=REDACTED_BODY)
        .update(body=REDACTED_BODY, html_body="")
    )


# --- Sessions -------------------------------------------------------------------------------------


def session_record(*, user, session_key, request=None):
    """Remembers that `session_key` belongs to `user` (called at login and when the key is cycled), with
    the address and browser shown on the user's list of sessions."""
    if session_key:
        from .security_log import client_ip

        defaults = {"user": user}
        if request is not None:
            defaults.update(ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:255])
        UserSession.objects.update_or_create(session_key=session_key, defaults=defaults)


def sessions_open(user):
    """The user's sessions still open (not expired), newest first."""
    from django.contrib.sessions.models import Session

    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=alive).order_by("-created_at", "-pk")


def session_forget(*, session_key):
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_end(*, user, keep_session_key=None) -> int:
    """Ends every session of `user` (except `keep_session_key`), whatever the session engine."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = UserSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def account_disable(*, user, actor, request=None):
    """Disables an account: it can no longer sign in and every open session ends now."""
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = sessions_end(user=user)
    log_event(SecurityEventKind.ACCOUNT_DISABLED, user=user, request=request, actor=actor, sessions_ended=ended)
    return user


# --- Password changes -----------------------------------------------------------------------------


@transaction.atomic
def password_set(*, user, password, request=None, via="change"):
    """Sets a new (already validated) password: the forced change is done, leftover temporary passwords
    stop working, and every other session of the user ends. The caller keeps its own session with
    `update_session_auth_hash` (the password change view does)."""
    now = timezone.now()
    user.set_password(password)
    user.must_change_password = False
    user.password_changed_at = now
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    TemporaryPassword.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    keep = request.session.session_key if request is not None and via == "change" else None
    ended = sessions_end(user=user, keep_session_key=keep)
    log_event(SecurityEventKind.PASSWORD_CHANGED, user=user, request=request, via=via, sessions_ended=ended)
    security_notice(user=user, kind="password_changed", request=request)
    if via == "reset_link":
        lockout_lift(user=user)
    return user


def lockout_lift(*, user):
    """Ends the lockouts of the account (every address) and its cross-address ceiling: a password chosen
    through the e-mailed link proves the person owns the account."""
    from axes.models import AccessAttempt

    from .. import ratelimit

    AccessAttempt.objects.filter(username=user.identifier.lower()).delete()
    ratelimit.account_failures_reset(user)


# --- Forgotten passwords --------------------------------------------------------------------------


def _kinds_of(space):
    return [kind for kind, kind_space in KIND_SPACE.items() if kind_space == space]


def accounts_of_space(space):
    """Active users with an active membership in `space` (the spaces of an account are its memberships')."""
    User = get_user_model()
    members = Membership.objects.active().filter(organisation__kind__in=_kinds_of(space)).values("user_id")
    return User.objects.filter(is_active=True, pk__in=members)


def forgot_password_find(*, space, login="", email=""):
    """The accounts of `space` a forgotten-password request designates (maybe none), by what the space
    declares it asks (core.spaces ForgotBy): identifier or e-mail; identifier and registered e-mail
    together; or e-mail."""
    by = space_registry.get(space).forgot_by
    login, email = (login or "").strip(), (email or "").strip()
    accounts = accounts_of_space(space)
    if by == ForgotBy.LOGIN_AND_EMAIL:
        if not (login and email):
            return []
        return list(accounts.filter(identifier__iexact=login, email__iexact=email))
    if by == ForgotBy.LOGIN:
        if not login:
            return []
        by_identifier = list(accounts.filter(identifier__iexact=login))
        if by_identifier or "@" not in login:
            return by_identifier
        return list(accounts.filter(email__iexact=login).exclude(email=""))
    if not email:
        return []
    return list(accounts.filter(email__iexact=email).exclude(email=""))


@transaction.atomic
def forgot_password_send_temporary(*, user, space, request=None):
    """Benefits and partners: a new temporary password, e-mailed to the account's registered address."""
    if not user.email:
        log_event(SecurityEventKind.PASSWORD_RESET_REQUESTED, user=user, request=request, space=space, sent=False)
        return False
    password = temporary_password_issue(user=user, request=request)
    temporary_password_deliver(user=user, password=password, request=request)
    log_event(SecurityEventKind.PASSWORD_RESET_REQUESTED, user=user, request=request, space=space, method="temporary")
    return True


def password_reset_url(user, request=None):
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _absolute(request, reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}))


@transaction.atomic
def forgot_password_send_link(*, user, space, request=None):
    """Interim and habilitations: a one-time link, valid settings.PASSWORD_RESET_TIMEOUT (24 h at most)."""
    send_email(
        to=user.email,
        template="accounts/emails/password_reset_link",
        context={
            "reset_url": password_reset_url(user, request),
            "identifier": user.identifier,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
        user=user,
        event=EVENT_RESET_LINK,
    )
    log_event(SecurityEventKind.PASSWORD_RESET_REQUESTED, user=user, request=request, space=space, method="link")
    return True


class RequestOrigin:
    """What a background task needs of the web request that asked for it: the client's address and
    browser (security log) and the site's address (links in e-mails). Serialisable as a dict."""

    def __init__(self, *, ip_address="", user_agent="", base_url=""):
        self.META = {"REMOTE_ADDR": ip_address or "", "HTTP_USER_AGENT": user_agent or ""}
        self.base_url = base_url
        self.POST = {}

    @classmethod
    def of(cls, request):
        from .security_log import client_ip

        return {
            "ip_address": client_ip(request) or "",
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
            "base_url": request.build_absolute_uri("/"),
        }

    @classmethod
    def rebuild(cls, origin):
        return cls(**origin) if origin else None

    def build_absolute_uri(self, location):
        from urllib.parse import urljoin

        return urljoin(self.base_url, location) if self.base_url else location


def forgot_password_request_later(*, space, request, login="", email=""):
    """Enqueues the request (accounts.tasks.serve_forgotten_password) once the web request commits: the
    page does the same little work whether or not an account matches."""
    from ..tasks import serve_forgotten_password

    origin = RequestOrigin.of(request)
    transaction.on_commit(
        lambda: serve_forgotten_password.delay(space=str(space), login=login, email=email, origin=origin),
        robust=True,
    )


def forgot_password_request(*, space, request=None, login="", email=""):
    """Serves one forgotten-password request for `space`; says nothing about whether an account matched."""
    users = forgot_password_find(space=space, login=login, email=email)
    if not users:
        log_event(
            SecurityEventKind.PASSWORD_RESET_REQUESTED,
            request=request,
            identifier=login or email,
            space=space,
            matched=False,
        )
    for user in users:
        if space_registry.get(space).forgot_password == ForgotPassword.TEMPORARY:
            forgot_password_send_temporary(user=user, space=space, request=request)
        else:
            forgot_password_send_link(user=user, space=space, request=request)
