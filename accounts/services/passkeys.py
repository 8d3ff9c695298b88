"""Passkeys (WebAuthn, django-otp-webauthn): a second factor, and a way to sign in without a password.

The ceremonies are the library's JSON views (accounts.views.passkeys subclasses them); this module
holds what the portal adds around them:

    relying_party_id(request), PasskeyHelper  relying party (settings, else the request's host), names
    passkeys_for(user)                      the user's confirmed passkeys, newest first
    passkey_registered(*, user, device, request)  -> [recovery codes] when the account had none, else None
    passkey_remove(*, user, pk, request)    deletes one of the user's passkeys (404-like DoesNotExist if not theirs)

Both changes are written to the security log and told to the user by e-mail (security notices).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from ..enums import SecurityEventKind
from .security_log import log_event
from .security_mail import security_notice


def relying_party_id(request) -> str:
    """OTP_WEBAUTHN_RP_ID, else the host the request came to (Django checked it against ALLOWED_HOSTS)."""
    return settings.OTP_WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0].strip("[]")


class PasskeyHelper(WebAuthnHelper):
    """The relying party is the portal's domain: OTP_WEBAUTHN_RP_ID and OTP_WEBAUTHN_ALLOWED_ORIGINS in
    production; without them (development, tests), the host and origin the request came to."""

    def get_allowed_origins(self) -> list[str]:
        origins = list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
        return origins or [f"{self.request.scheme}://{self.request.get_host()}"]

    def get_credential_name(self, user) -> str:
        return user.identifier

    def get_credential_display_name(self, user) -> str:
        full_name = user.get_full_name()
        return f"{full_name} ({user.identifier})" if full_name else user.identifier

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = _("Clé d’accès ajoutée le %(date)s") % {
            "date": date_format(timezone.localtime(), "SHORT_DATE_FORMAT")
        }
        return device


def passkeys_for(user):
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("-created_at", "-pk"))


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def passkey_registered(*, user, device, request=None):
    """After the library saved `device`: the log, the e-mail, and recovery codes if the account had none
    (a passkey may be the first second factor; the codes are the way in when it is lost)."""
    from .otp import recovery_codes_left, recovery_codes_regenerate

    log_event(SecurityEventKind.OTP_ENROLLED, user=user, request=request, action="passkey_added", device=device.pk)
    security_notice(user=user, kind="passkey_added", request=request)
    if recovery_codes_left(user) == 0:
        return recovery_codes_regenerate(user=user, request=request, log=False)
    return None


@transaction.atomic
def passkey_remove(*, user, pk, request=None):
    device = WebAuthnCredential.objects.select_for_update().get(user=user, pk=pk)
    device.delete()
    if not has_passkey(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        StaticDevice.objects.filter(user=user).delete()  # no second factor left: the codes would open nothing
    log_event(SecurityEventKind.OTP_ENROLLED, user=user, request=request, action="passkey_removed", device=pk)
    security_notice(user=user, kind="passkey_removed", request=request)
