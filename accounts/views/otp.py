"""Two-factor pages: enrolment (QR code), verification at sign-in, recovery codes, removal."""

import django_otp
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from ..forms.otp import OtpVerifyForm, TotpConfirmForm
from ..middleware import SESSION_NEW_CODES
from ..services import otp as otp_service
from ..services import passkeys as passkey_service
from .security import reauth_required, safe_next

SESSION_ENROL_KEY = "guichet_otp_enrol_key"
SESSION_ENROL_FAILURES = "guichet_otp_enrol_failures"
ENROL_MAX_FAILURES = 5


def otp_manage(request):
    user = request.user
    device = otp_service.totp_device_for(user)
    passkeys = passkey_service.passkeys_for(user)
    context = {
        "device": device,
        "passkeys": passkeys,
        "required": otp_service.otp_required_for(user, request.memberships),
        "codes_left": otp_service.recovery_codes_left(user) if device or passkeys else 0,
    }
    return render(request, "accounts/otp_manage.html", context)


@never_cache
def otp_enrol(request):
    """Scan the QR code (or type the secret), then confirm with a code: the device is created only then."""
    user = request.user
    if otp_service.totp_device_for(user) is not None:
        messages.info(request, _("La double authentification est déjà activée sur votre compte."))
        return redirect("accounts:otp_manage")
    key = request.session.get(SESSION_ENROL_KEY)
    if not key:
        key = request.session[SESSION_ENROL_KEY] = otp_service.new_totp_key()
        request.session[SESSION_ENROL_FAILURES] = 0
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = otp_service.totp_enrolment_confirm(
                user=user, key=key, token=form.cleaned_data["token"], request=request
            )
        except otp_service.OtpError as error:
            failures = request.session.get(SESSION_ENROL_FAILURES, 0) + 1
            request.session[SESSION_ENROL_FAILURES] = failures
            if failures >= ENROL_MAX_FAILURES:
                request.session.pop(SESSION_ENROL_KEY, None)
                messages.error(
                    request, _("Trop de codes erronés : un nouveau QR code a été créé. Ajoutez-le à votre application.")
                )
                return redirect("accounts:otp_enrol")
            form.add_error("token", error)
        else:
            request.session.pop(SESSION_ENROL_KEY, None)
            request.session.pop(SESSION_ENROL_FAILURES, None)
            django_otp.login(request, device)
            request.session[SESSION_NEW_CODES] = codes
            messages.success(request, _("La double authentification est activée."))
            return redirect("accounts:otp_recovery_codes")
    config_url = otp_service.totp_config_url(user, key)
    context = {
        "form": form,
        "qr_svg": otp_service.qr_code_svg(config_url, title=_("QR code à scanner avec votre application")),
        "secret": otp_service.secret_for_display(key),
        "required": otp_service.otp_required_for(user, request.memberships),
    }
    return render(request, "accounts/otp_enrol.html", context)


@never_cache
def otp_verify(request):
    """Second step of the sign-in: a code from the app, or a recovery code."""
    user = request.user
    next_url = safe_next(request, reverse("portal:dashboard"))
    if user.is_verified():
        return redirect(next_url)
    if not otp_service.has_second_factor(user):
        return redirect("accounts:otp_enrol" if otp_service.otp_required_for(user, request.memberships) else next_url)
    form = OtpVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp_service.otp_verify(user=user, token=form.cleaned_data["token"], request=request)
        except otp_service.OtpError as error:
            form.add_error("token", error)
        else:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = otp_service.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("Vous avez utilisé un code de secours. Il vous en reste %(count)s.") % {"count": left},
                )
            return redirect(next_url)
    context = {"form": form, "next": next_url, "passkeys": passkey_service.has_passkey(user)}
    return render(request, "accounts/otp_verify.html", context)


@never_cache
def otp_recovery_codes(request):
    """The new recovery codes, shown once (until the user says they kept them)."""
    codes = request.session.get(SESSION_NEW_CODES) or []
    return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})


@never_cache
def otp_recovery_codes_download(request):
    codes = request.session.get(SESSION_NEW_CODES)
    if not codes:
        raise Http404
    lines = [
        _("Codes de secours Guichet pour %(identifier)s") % {"identifier": request.user.identifier},
        _("Chaque code ne sert qu'une fois. Gardez-les en lieu sûr."),
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="codes-de-secours-guichet.txt"'
    return response


@require_POST
def otp_recovery_codes_done(request):
    request.session.pop(SESSION_NEW_CODES, None)
    return redirect("accounts:otp_manage")


@reauth_required
def otp_recovery_codes_regenerate(request):
    if not otp_service.has_second_factor(request.user):
        return redirect("accounts:otp_manage")
    if request.method == "POST":
        request.session[SESSION_NEW_CODES] = otp_service.recovery_codes_regenerate(user=request.user, request=request)
        messages.success(request, _("De nouveaux codes de secours ont été créés ; les anciens ne fonctionnent plus."))
        return redirect("accounts:otp_recovery_codes")
    return render(request, "accounts/otp_regenerate.html")


@reauth_required
def otp_remove(request):
    user = request.user
    if otp_service.totp_device_for(user) is None:
        return redirect("accounts:otp_manage")
    # Mandatory, and the app is the only second factor: another one is enrolled at once.
    required = otp_service.otp_required_for(user, request.memberships) and not passkey_service.has_passkey(user)
    if request.method == "POST":
        otp_service.otp_devices_remove(user=user, request=request)
        request.session.pop(SESSION_NEW_CODES, None)
        if required:
            messages.info(
                request, _("Ajoutez maintenant votre nouvel appareil : la double authentification est obligatoire.")
            )
            return redirect("accounts:otp_enrol")
        messages.success(request, _("La double authentification est désactivée."))
        return redirect("accounts:otp_manage")
    context = {"required": required, "passkeys": passkey_service.has_passkey(user)}
    return render(request, "accounts/otp_remove.html", context)


urlpatterns = [
    path("double-authentification/", otp_manage, name="otp_manage"),
    path("double-authentification/activer/", otp_enrol, name="otp_enrol"),
    path("double-authentification/verification/", otp_verify, name="otp_verify"),
    path("double-authentification/codes-de-secours/", otp_recovery_codes, name="otp_recovery_codes"),
    path(
        "double-authentification/codes-de-secours/telecharger/",
        otp_recovery_codes_download,
        name="otp_recovery_codes_download",
    ),
    path(
        "double-authentification/codes-de-secours/conserves/", otp_recovery_codes_done, name="otp_recovery_codes_done"
    ),
    path(
        "double-authentification/codes-de-secours/regenerer/",
        otp_recovery_codes_regenerate,
        name="otp_recovery_codes_regenerate",
    ),
    path("double-authentification/desactiver/", otp_remove, name="otp_remove"),
]
