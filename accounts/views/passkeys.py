"""Passkeys: the WebAuthn ceremonies (django-otp-webauthn's JSON views, extended) and their removal.

Registration (signed in; verified first if the account already has a second factor, the library's
rule): the passkey is saved, logged, told by e-mail; if the account had no recovery codes they are
made and shown next (the answer's `redirect_url`).

Authentication, one view for three uses:
- signed out, from the login page: a sign-in without password (the passkey verifies the person:
  user verification is required), then the same bookkeeping as a password sign-in;
- signed in, at the second-factor step: the session becomes verified;
- signed in and verified: a re-authentication for the sensitive pages (accounts.views.security).
User verification (PIN, biometrics) is always required, so a passkey is both factors at once.

The pages use static/accounts/js/passkeys.js (no inline script: CSP); without JavaScript or WebAuthn
the passkey buttons stay hidden and the password and code forms work as before.
"""

import json
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.models import WebAuthnCredential

from core.confirm import confirmation

from ..middleware import SESSION_NEW_CODES
from ..services import otp as otp_service
from ..services import passkeys as passkey_service
from .auth import after_login
from .security import REAUTH_SESSION_KEY, reauth_required, safe_next


class RegisterBegin(webauthn_views.BeginCredentialRegistrationView):
    pass


class RegisterComplete(webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code != 200:
            return response
        device = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"], user=self.request.user)
        codes = passkey_service.passkey_registered(user=self.request.user, device=device, request=self.request)
        if codes:
            self.request.session[SESSION_NEW_CODES] = codes
            target = reverse("accounts:otp_recovery_codes")
        else:
            target = reverse("accounts:otp_manage")
        messages.success(self.request, _("Votre clé d’accès est enregistrée."))
        return _json(response, {"id": device.pk, "redirect_url": target})


def _json(response, data):
    response.content = json.dumps(data).encode()
    return response


class AuthenticationBegin(webauthn_views.BeginCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        helper = self.get_helper()
        user = self.get_user()
        data, state = helper.authenticate_begin(user=user, require_user_verification=True)
        self.request.session["otp_webauthn_authentication_state"] = state
        return webauthn_views.JsonResponse(data)


class AuthenticationComplete(webauthn_views.CompleteCredentialAuthenticationView):
    """The library checks the passkey (and that it is the signed-in user's own, if any)."""

    def complete_auth(self, device):
        request = self.request
        self.signed_out = not request.user.is_authenticated
        was_verified = request.user.is_authenticated and request.user.is_verified()
        super().complete_auth(device)
        if was_verified:
            request.session[REAUTH_SESSION_KEY] = time.time()  # re-authentication for a sensitive page

    def get_success_url(self):
        return self.get_redirect_url() or reverse("portal:dashboard")

    def post(self, *args, **kwargs):
        self.signed_out = False
        response = super().post(*args, **kwargs)
        if response.status_code == 200 and self.signed_out:
            after_login(self.request, response, self.request.user)
        return response


ceremony_open = method_decorator(login_not_required, name="dispatch")


@require_http_methods(["GET", "HEAD", "POST"])
def passkey_remove(request, pk):
    """Removes one of the user's passkeys (a foreign id is a 404, before anything else), after a
    re-authentication and a confirmation page."""
    devices = {device.pk: device for device in passkey_service.passkeys_for(request.user)}
    if pk not in devices:
        raise Http404
    return _passkey_remove(request, devices[pk], devices)


@reauth_required
def _passkey_remove(request, device, devices):
    pk = device.pk
    last_factor = len(devices) == 1 and otp_service.totp_device_for(request.user) is None
    required = otp_service.otp_required_for(request.user, request.memberships)
    if last_factor and required:
        message = _(
            "Votre rôle impose la double authentification : après cette suppression, vous devrez en "
            "activer une autre (application ou clé d’accès) pour continuer."
        )
    elif last_factor:
        message = _("C’est votre dernier second facteur : la double authentification sera désactivée.")
    else:
        message = _("Cette clé d’accès ne permettra plus de vous connecter.")
    page = confirmation(
        request,
        title=_("Supprimer la clé d’accès « %(name)s » ?") % {"name": device.name},
        message=message,
        confirm_label=_("Supprimer la clé d’accès"),
        cancel_url=reverse("accounts:otp_manage"),
        danger=True,
    )
    if page:
        return page
    passkey_service.passkey_remove(user=request.user, pk=pk, request=request)
    messages.success(request, _("La clé d’accès est supprimée."))
    if last_factor and required:
        return redirect("accounts:otp_enrol")
    return redirect(safe_next(request, reverse("accounts:otp_manage")))


urlpatterns = [
    path("cles-d-acces/enregistrement/debut/", RegisterBegin.as_view(), name="passkey_register_begin"),
    path("cles-d-acces/enregistrement/fin/", RegisterComplete.as_view(), name="passkey_register_complete"),
    path(
        "cles-d-acces/authentification/debut/",
        ceremony_open(AuthenticationBegin).as_view(),
        name="passkey_authentication_begin",
    ),
    path(
        "cles-d-acces/authentification/fin/",
        ceremony_open(AuthenticationComplete).as_view(),
        name="passkey_authentication_complete",
    ),
    path("cles-d-acces/<int:pk>/supprimer/", passkey_remove, name="passkey_remove"),
]
