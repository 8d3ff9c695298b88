"""Security e-mails: always sent (not a preference), to the account's address, and to the old one too
when the address changes. Each says what happened, when and from where, and what to do if it was
not the user.

    security_notice(user=, kind=, request=None, to=None, **context)
    email_change_request(user=, new_email=, request=None)   -> sends the verification link
    email_change_confirm(token=)                             -> the user whose new address is now in use
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.notifications import register_event, send_email

from ..enums import SecurityEventKind
from .security_log import client_ip, log_event

EVENT_SECURITY = "accounts.security_notice"
EVENT_EMAIL_VERIFY = "accounts.email_verify"
register_event(
    EVENT_SECURITY, _("Alertes de sécurité de votre compte"), optional=False, template="accounts/emails/security_notice"
)
register_event(
    EVENT_EMAIL_VERIFY,
    _("Vérification d'une nouvelle adresse e-mail"),
    optional=False,
    template="accounts/emails/email_verify",
)

EMAIL_CHANGE_SALT = "accounts.email_change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600

# kind -> (subject, what happened)
NOTICES = {
    "password_changed": (_("Votre mot de passe a été modifié"), _("Le mot de passe de votre compte a été modifié.")),
    "locked_out": (
        _("Votre compte est temporairement verrouillé"),
        _(
            "Plusieurs mots de passe erronés ont été saisis pour votre compte : la connexion est bloquée pendant "
            "%(minutes)s minutes. Un lien « Mot de passe oublié » permet de choisir un nouveau mot de passe et "
            "lève le blocage."
        ),
    ),
    "otp_enrolled": (
        _("Double authentification activée"),
        _("La double authentification a été activée sur votre compte."),
    ),
    "otp_removed": (
        _("Double authentification désactivée"),
        _("La double authentification a été désactivée sur votre compte."),
    ),
    "passkey_added": (
        _("Clé d’accès ajoutée"),
        _("Une clé d’accès a été ajoutée à votre compte : elle permet de se connecter sans mot de passe."),
    ),
    "passkey_removed": (
        _("Clé d’accès supprimée"),
        _("Une clé d’accès a été supprimée de votre compte."),
    ),
    "contact_changed": (
        _("Vos coordonnées ont été modifiées"),
        _("Les coordonnées de votre compte ont été modifiées : %(fields)s."),
    ),
    "email_change_requested": (
        _("Changement de l'adresse e-mail de votre compte"),
        _(
            "Un changement de l'adresse e-mail de votre compte vers %(new_email)s a été demandé. Il prendra effet "
            "quand le lien envoyé à cette nouvelle adresse sera ouvert ; d'ici là, cette adresse-ci reste la vôtre."
        ),
    ),
    "email_changed": (
        _("L'adresse e-mail de votre compte a été modifiée"),
        _("L'adresse e-mail de votre compte est désormais %(new_email)s."),
    ),
    "new_device": (
        _("Nouvelle connexion à votre compte"),
        _("Une connexion à votre compte a eu lieu depuis un appareil ou un navigateur que nous ne connaissions pas."),
    ),
    "account_ceiling": (
        _("Tentatives de connexion répétées sur votre compte"),
        _(
            "De nombreux mots de passe erronés ont été saisis pour votre compte, depuis plusieurs adresses : la "
            "connexion est bloquée pendant %(minutes)s minutes. Choisissez un nouveau mot de passe par le lien "
            "« Mot de passe oublié » : cela lève le blocage."
        ),
    ),
}


def security_notice(*, user, kind, request=None, to=None, **context):
    """E-mails the security notice `kind` to `to` (default: the account's address)."""
    to = to if to is not None else user.email
    if not to:
        return None
    subject, message = NOTICES[kind]
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""
    return send_email(
        to=to,
        template="accounts/emails/security_notice",
        context={
            "subject": subject,
            "message": message % context if "%(" in str(message) else message,
            "when": timezone.now(),
            "ip_address": client_ip(request) or "",
            "user_agent": user_agent,
            "identifier": user.identifier,
            "forgot_url": _absolute(request, reverse("accounts:password_forgot")),
        },
        user=user,
        event=EVENT_SECURITY,
    )


def _absolute(request, url):
    if request is None or not (request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME")):
        return url  # a request built by hand (force_login): no host to name
    return request.build_absolute_uri(url)


# --- Changing the e-mail address: verified by a link before it signs in ----------------------------


def email_change_token(user, new_email):
    return signing.dumps({"u": user.pk, "e": new_email, "o": user.email or ""}, salt=EMAIL_CHANGE_SALT)


@transaction.atomic
def email_change_request(*, user, new_email, request=None):
    """Sends a verification link to `new_email` and a notice to the current address; the address
    changes only when the link is opened (email_change_confirm)."""
    url = reverse("accounts:email_confirm", kwargs={"token": email_change_token(user, new_email)})
    send_email(
        to=new_email,
        template="accounts/emails/email_verify",
        context={
            "verify_url": _absolute(request, url),
            "identifier": user.identifier,
            "valid_hours": EMAIL_CHANGE_MAX_AGE // 3600,
        },
        user=user,
        event=EVENT_EMAIL_VERIFY,
    )
    security_notice(user=user, kind="email_change_requested", request=request, new_email=new_email)
    log_event(SecurityEventKind.CONTACT_CHANGED, user=user, request=request, fields=["email"], status="pending")


@transaction.atomic
def email_change_confirm(*, token, request=None):
    """Applies a verified change of address (the link stops working once used or after 24 hours).
    Raises ValidationError when the link is invalid, expired, already used, or the address was taken since."""
    from django.contrib.auth import get_user_model

    from ..models import EMAIL_UNAVAILABLE
    from .profile import email_taken

    invalid = ValidationError(_("Ce lien n'est pas valable ou a expiré."), code="invalid_link")
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise invalid from None
    user = get_user_model().objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
    if user is None or (user.email or "") != data.get("o"):
        raise invalid  # used already, or the address changed meanwhile
    new_email, old_email = data["e"], user.email
    if email_taken(new_email, exclude_user=user):
        raise ValidationError(EMAIL_UNAVAILABLE, code="email_unavailable")
    fields = ["email"]
    if old_email and "@" in user.identifier and user.identifier.lower() == old_email.lower():
        user.identifier = new_email
        fields.append("identifier")
    user.email = new_email
    user.save(update_fields=fields)
    log_event(SecurityEventKind.CONTACT_CHANGED, user=user, request=request, fields=fields, status="verified")
    for address in {old_email, new_email} - {""}:
        security_notice(user=user, kind="email_changed", request=request, to=address, new_email=new_email)
    return user


def lockout_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
