"""Second factor (django-otp): TOTP enrolment and verification, recovery codes, the SMS device.

    otp_required_for(user, memberships)          mandatory for PRIVILEGED_ROLES and staff
    totp_enrolment_confirm(*, user, key, token)  -> (TOTPDevice, [10 recovery codes])
    otp_verify(*, user, token)                   -> the device that accepted the code (TOTP or recovery)
    recovery_codes_regenerate(*, user)           -> [10 new codes], the old ones stop working
    otp_devices_remove(*, user)                  TOTP and recovery codes removed
    sms_challenge_send(*, user, phone)           -> SmsDevice (code valid 5 minutes, 60 s between sends; the SMS
                                                    leaves on commit through core.notifications)
    sms_challenge_verify(*, device, code)        -> True, or OtpError with a French message

Failures raise OtpError (a ValidationError: forms add it to the field); throttled attempts raise
OtpThrottled. Every failure is written to the security log (OTP_FAILED).
"""

import math
import re
from base64 import b32encode
from binascii import unhexlify

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from ..enums import PRIVILEGED_ROLES, SecurityEventKind
from ..models import SmsDevice
from .security_log import log_event
from .security_mail import security_notice

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Application d'authentification"
STATIC_DEVICE_NAME = "Codes de secours"
SMS_DEVICE_NAME = "SMS"


class OtpError(ValidationError):
    """A code was refused: the message says why, in French."""


class OtpThrottled(OtpError):
    """Too many wrong codes in a row: the next attempt must wait."""


def otp_required_for(user, memberships=None):
    """A second factor is mandatory for the privileged roles of the spec and for staff (Django admin)."""
    if user.is_staff or user.is_superuser:
        return True
    if memberships is None:
        from ..perms import active_memberships

        memberships = active_memberships(user)
    return any(m.role in PRIVILEGED_ROLES for m in memberships)


def totp_device_for(user):
    """The user's confirmed TOTP device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user):
    """An authenticator app or a passkey (accounts.services.passkeys)."""
    from .passkeys import has_passkey

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists() or has_passkey(user)


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Enrolment -------------------------------------------------------------------------------


def new_totp_key():
    """A fresh random TOTP secret (hex, as TOTPDevice stores it)."""
    return default_key()


def secret_for_display(key):
    """The secret in base32, by groups of four, for manual entry in an authenticator app."""
    secret = b32encode(unhexlify(key)).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_config_url(user, key):
    """The otpauth:// URL that authenticator apps read from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


def qr_code_svg(data, *, title):
    """The QR code of `data` as inline SVG markup (no script, no style attribute: CSP-safe)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    root = image.get_image()
    root.set("width", "220")
    root.set("height", "220")
    root.set("role", "img")
    root.set("aria-labelledby", "qr-code-title")
    # qrcode builds its tree with lxml when lxml is installed, else with xml.etree: make the title and
    # serialise with the root's own library, so that the page works whichever is present.
    title_element = root.makeelement("title", {"id": "qr-code-title"})
    title_element.text = title
    root.insert(0, title_element)
    return image.to_string(encoding="unicode")


def _clean_token(token):
    return re.sub(r"[\s-]", "", token or "")


def _totp_matches(key, token, *, tolerance=1):
    """The TOTP time step at which `token` is valid for `key` (within the tolerance), or None."""
    try:
        value = int(token)
    except ValueError:
        return None
    totp = TOTP(unhexlify(key))
    if totp.verify(value, tolerance):
        return totp.t()
    return None


def totp_enrolment_confirm(*, user, key, token, request=None):
    """Confirms the enrolment of `key` with a code from the app: the device and 10 recovery codes."""
    token = _clean_token(token)
    last_t = _totp_matches(key, token) if token.isdigit() and len(token) == 6 else None
    if last_t is None:
        log_event(SecurityEventKind.OTP_FAILED, user=user, request=request, step="enrolment")
        raise OtpError(_("Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code affiché."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True, last_t=last_t)
        codes = recovery_codes_regenerate(user=user, request=request, log=False)
        log_event(SecurityEventKind.OTP_ENROLLED, user=user, request=request, action="enrolled")
        security_notice(user=user, kind="otp_enrolled", request=request)
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, user, request=None, log=True):
    """Replaces the user's recovery codes with 10 new ones, returned in clear once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=STATIC_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if log:
        log_event(SecurityEventKind.OTP_ENROLLED, user=user, request=request, action="recovery_codes_regenerated")
    return codes


@transaction.atomic
def otp_devices_remove(*, user, request=None):
    """Removes the TOTP device and the recovery codes (the user enrols again if the factor is mandatory)."""
    from .passkeys import has_passkey

    TOTPDevice.objects.filter(user=user).delete()
    if not has_passkey(user):  # the codes stay while a passkey is a second factor
        StaticDevice.objects.filter(user=user).delete()
    log_event(SecurityEventKind.OTP_ENROLLED, user=user, request=request, action="removed")
    security_notice(user=user, kind="otp_removed", request=request)


# Verification ------------------------------------------------------------------------------


def _wait_seconds(info):
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def _throttled(info):
    seconds = _wait_seconds(info)
    return OtpThrottled(
        ngettext(
            "Trop de codes erronés. Réessayez dans %(seconds)s seconde.",
            "Trop de codes erronés. Réessayez dans %(seconds)s secondes.",
            seconds,
        )
        % {"seconds": seconds},
        code="throttled",
    )


def otp_verify(*, user, token, request=None):
    """The confirmed device (TOTP, or recovery codes) that accepts `token`; OtpError otherwise.

    Throttled by django-otp (exponential delay after each failure); each failure is logged.
    A recovery code is used once.
    """
    token = _clean_token(token)
    if token.isdigit():
        model, token_kind = TOTPDevice, "totp"
    else:
        model, token_kind = StaticDevice, "recovery"
        token = token.lower()
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is not None:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                error = _throttled(info)
            elif device.verify_token(token):
                return device
            else:
                error = OtpError(_("Code incorrect."), code="invalid")
        else:
            error = OtpError(_("Code incorrect."), code="invalid")
        log_event(SecurityEventKind.OTP_FAILED, user=user, request=request, step="verify", token_kind=token_kind)
    raise error


# SMS ------------------------------------------------------------------------------------------


def normalise_phone(phone, region="FR"):
    """The phone number in E.164 (+33612345678), or ValidationError in French."""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone or "", region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@transaction.atomic
def sms_challenge_send(*, user, phone):
    """Sends a 6-digit code by SMS to `phone` (valid 5 minutes); at most one send per 60 seconds."""
    phone = normalise_phone(phone)
    device = SmsDevice.objects.select_for_update().filter(user=user, phone=phone).order_by("pk").first()
    if device is None:
        device = SmsDevice.objects.create(user=user, phone=phone, name=SMS_DEVICE_NAME, confirmed=True)
    allowed, info = device.generate_is_allowed()
    if not allowed:
        wait = max(1, math.ceil((info["next_generation_at"] - timezone.now()).total_seconds()))
        raise OtpError(
            ngettext(
                "Un code vient d'être envoyé. Vous pourrez en demander un autre dans %(seconds)s seconde.",
                "Un code vient d'être envoyé. Vous pourrez en demander un autre dans %(seconds)s secondes.",
                wait,
            )
            % {"seconds": wait},
            code="cooldown",
        )
    device.generate_challenge()
    return device


def sms_challenge_verify(*, device, code):
    """True when `code` is the SMS code of `device`, still valid; OtpError (expired, wrong, throttled) otherwise."""
    code = _clean_token(code)
    with transaction.atomic():
        device = SmsDevice.objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            error = _throttled(info)
        elif not device.token or device.valid_until <= timezone.now():
            error = OtpError(_("Ce code a expiré. Demandez un nouveau code."), code="expired")
        elif device.verify_token(code):
            return True
        else:
            error = OtpError(_("Code incorrect."), code="invalid")
        log_event(SecurityEventKind.OTP_FAILED, user=device.user, step="sms", reason=error.code)
    raise error
