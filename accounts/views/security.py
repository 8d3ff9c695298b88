"""Security pages: re-authentication before a sensitive change, the user's own log, the organisation's log."""

import time
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from ..enums import SecurityEventKind
from ..forms.otp import ReauthForm
from ..selectors import describe_event, security_events_for_organisation, security_events_for_user
from ..services import otp as otp_service
from ..services.passkeys import has_passkey
from ..services.security_log import log_event
from ..services.security_mail import lockout_minutes

REAUTH_SESSION_KEY = "guichet_reauth_at"
REAUTH_SECONDS = 5 * 60
PAGE_SIZE = 20


def recently_reauthenticated(request):
    at = request.session.get(REAUTH_SESSION_KEY)
    return at is not None and 0 <= time.time() - at <= REAUTH_SECONDS


def reauth_required(view):
    """The view needs the password (and the second factor, if any) typed within the last 5 minutes."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not recently_reauthenticated(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:reauth')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def reauth(request):
    user = request.user
    # The code field asks for the app's code (or a recovery code); a passkey confirms on its own (below).
    with_otp = otp_service.totp_device_for(user) is not None
    next_url = safe_next(request, reverse("accounts:profile"))
    form = ReauthForm(request.POST or None, with_otp=with_otp)
    if request.method == "POST" and form.is_valid():
        authenticated = authenticate(request, username=user.identifier, password=form.cleaned_data["password"])
        if authenticated is None or authenticated.pk != user.pk:
            left = tries_left(request, user)
            form.add_error(
                "password",
                ngettext(
                    "Mot de passe incorrect. Il vous reste %(count)s essai avant un verrouillage de %(minutes)s "
                    "minutes.",
                    "Mot de passe incorrect. Il vous reste %(count)s essais avant un verrouillage de %(minutes)s "
                    "minutes.",
                    left,
                )
                % {"count": left, "minutes": lockout_minutes()},
            )
        elif with_otp:
            try:
                otp_service.otp_verify(user=user, token=form.cleaned_data["token"], request=request)
            except otp_service.OtpError as error:
                form.add_error("token", error)
        if not form.errors:
            request.session[REAUTH_SESSION_KEY] = time.time()
            return redirect(next_url)
    context = {
        "form": form,
        "next": next_url,
        "with_otp": with_otp,
        "passkeys": has_passkey(user),
        "tries_left": tries_left(request, user),
        "lockout_minutes": lockout_minutes(),
    }
    return render(request, "accounts/reauth.html", context)


def tries_left(request, user):
    """Wrong passwords this user may still type from this address before django-axes locks it."""
    from axes.helpers import get_client_ip_address
    from axes.models import AccessAttempt
    from django.conf import settings

    failures = (
        AccessAttempt.objects.filter(username=user.identifier.lower(), ip_address=get_client_ip_address(request))
        .values_list("failures_since_start", flat=True)
        .first()
        or 0
    )
    return max(0, settings.AXES_FAILURE_LIMIT - failures)


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, describe_event(event)) for event in page.object_list]
    return page, rows


def security_log(request):
    """The user's own logins, failures and changes."""
    page, rows = _page(request, security_events_for_user(request.user))
    return render(request, "accounts/security_log.html", {"page": page, "rows": rows})


def organisation_security_log(request):
    """The security events of the current organisation, for its admins."""
    organisation = request.organisation
    if organisation is None or not request.user.has_perm("accounts.view_security_events", organisation):
        raise PermissionDenied
    queryset = security_events_for_organisation(request.membership)
    kind = request.GET.get("type", "")
    if kind in SecurityEventKind.values:
        queryset = queryset.filter(kind=kind)
    else:
        kind = ""
    page, rows = _page(request, queryset)
    return render(
        request,
        "accounts/security_organisation.html",
        {"page": page, "rows": rows, "kinds": SecurityEventKind.choices, "kind": kind},
    )


def sessions(request):
    """The user's open sessions (where and since when), and "sign out everywhere else"."""
    from ..services import credentials

    current = request.session.session_key
    if request.method == "POST":
        ended = credentials.sessions_end(user=request.user, keep_session_key=current)
        log_event(SecurityEventKind.LOGOUT, user=request.user, request=request, scope="everywhere", ended=ended)
        messages.success(
            request,
            ngettext("%(count)s autre session a été fermée.", "%(count)s autres sessions ont été fermées.", ended)
            % {"count": ended},
        )
        return redirect("accounts:sessions")
    rows = list(credentials.sessions_open(request.user))
    return render(request, "accounts/sessions.html", {"rows": rows, "current": current})


urlpatterns = [
    path("securite/sessions/", sessions, name="sessions"),
    path("reauthentification/", reauth, name="reauth"),
    path("securite/", security_log, name="security"),
    path("securite/organisation/", organisation_security_log, name="security_organisation"),
]
