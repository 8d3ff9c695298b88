"""Profile: contact details, language, notification preferences of the signed-in user."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..enums import SecurityEventKind
from .security_log import log_event


def email_taken(email, *, exclude_user=None):
    """Another account already signs in with this address (as identifier or e-mail)."""
    if not email:
        return False
    User = get_user_model()
    others = User.objects.filter(Q(identifier__iexact=email) | Q(email__iexact=email))
    if exclude_user is not None and exclude_user.pk:
        others = others.exclude(pk=exclude_user.pk)
    return others.exists()


@transaction.atomic
def profile_update(*, user, first_name, last_name, language, request=None):
    """Names and language (no re-authentication needed)."""
    changed = [
        field
        for field, value in (("first_name", first_name), ("last_name", last_name), ("language", language))
        if getattr(user, field) != value
    ]
    user.first_name, user.last_name, user.language = first_name, last_name, language
    if changed:
        user.save(update_fields=changed)
        log_event(SecurityEventKind.CONTACT_CHANGED, user=user, request=request, fields=changed)
    return changed


@transaction.atomic
def profile_language_save(*, user, language):
    """The interface language, saved to the profile (switch in the header, or chosen before signing in)."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def contact_update(*, user, email, phone, request=None):
    """E-mail and phone (behind re-authentication). A new e-mail is verified by a link sent to it before
    it is used (security_mail.email_change_confirm; where the e-mail is the login, the login follows
    it then); the current address is told. Returns the fields changed now, and "email" when a
    verification was sent."""
    from .security_mail import email_change_request, security_notice

    changed = []
    if phone != user.phone:
        user.phone = phone
        changed.append("phone")
        user.save(update_fields=changed)
        log_event(SecurityEventKind.CONTACT_CHANGED, user=user, request=request, fields=changed)
        security_notice(user=user, kind="contact_changed", request=request, fields=_("téléphone"))
    if email.lower() != (user.email or "").lower():
        email_change_request(user=user, new_email=email, request=request)
        changed.append("email")
    return changed
