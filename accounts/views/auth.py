"""Login, logout, lockout message, organisation switcher."""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import spaces as space_registry

from .. import perms
from ..forms.auth import LoginForm
from ..middleware import SESSION_EXPIRED, SESSION_MEMBERSHIP
from ..services.profile import profile_language_save
from ..services.tenancy import membership_select
from ..signals import DEVICE_COOKIE


def set_language_cookie(response, language):
    """The language cookie, with every LANGUAGE_COOKIE_* setting (as Django's set_language view sets it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def after_login(request, response, user):
    """What every sign-in does to its answer (password or passkey): the language, the device cookie."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in dict(settings.LANGUAGES) and chosen != user.language:
        # A language chosen before signing in is kept, and becomes the profile's.
        profile_language_save(user=user, language=chosen)
    elif user.language:
        # Otherwise the interface follows the language of the profile.
        set_language_cookie(response, user.language)
    device = getattr(request, "guichet_device", None)
    if device:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            device,
            salt=DEVICE_COOKIE,
            max_age=400 * 24 * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return after_login(self.request, response, form.get_user())

    def get_context_data(self, **kwargs):
        # Which identifier each space signs in with (declared by the spaces, core.spaces).
        identifiers = [declaration.identifier_label for declaration in space_registry.all_spaces()]
        return super().get_context_data(identifiers=identifiers, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.session.pop(SESSION_EXPIRED, False):
            messages.info(request, _("Votre session a expiré. Veuillez vous reconnecter."))
        return super().get(request, *args, **kwargs)


def lockout_minutes_left(request, credentials=None):
    """Whole minutes (rounded up, at least 1) until the lock of this identifier and address ends."""
    from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request)
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    remaining = cool_off if last is None else last + cool_off - timezone.now()
    return max(1, math.ceil(remaining.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when an identifier and address are locked: say when to retry (HTTP 429)."""
    minutes = lockout_minutes_left(request, credentials)
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@require_POST
def switch_organisation(request):
    """Makes another of the user's active memberships the current one (re-checked, never trusted)."""
    try:
        wanted = int(request.POST.get("membership", ""))
    except ValueError:
        raise Http404 from None
    membership = next((m for m in perms.active_memberships(request.user) if m.pk == wanted), None)
    if membership is None:
        raise Http404
    request.session[SESSION_MEMBERSHIP] = membership.pk
    membership_select(membership=membership)
    messages.success(request, _("Vous travaillez maintenant pour %(org)s.") % {"org": membership.organisation})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "portal:dashboard"
    return redirect(target)


urlpatterns = [
    path("connexion/", LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisation/", switch_organisation, name="switch_organisation"),
]
