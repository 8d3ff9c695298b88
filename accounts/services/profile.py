"""Profile: contact details, language, notification preferences of the signed-in user."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from ..enums import SecurityEventKind
from .security_log import log_event


def email_taken(email, *, exclude_user):
    """Another account already signs in with this address (as identifier or e-mail)."""
    User = get_user_model()
    return (
        User.objects.filter(Q(identifier__iexact=email) | Q(email__iexact=email)).exclude(pk=exclude_user.pk).exists()
    )


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
def contact_update(*, user, email, phone, request=None):
    """E-mail and phone (behind re-authentication). Where the e-mail is the login, the login follows it."""
    changed = []
    if email.lower() != (user.email or "").lower():
        if user.email and "@" in user.identifier and user.identifier.lower() == user.email.lower():
            user.identifier = email
            changed.append("identifier")
        user.email = email
        changed.append("email")
    if phone != user.phone:
        user.phone = phone
        changed.append("phone")
    if changed:
        user.save(update_fields=changed)
        log_event(SecurityEventKind.CONTACT_CHANGED, user=user, request=request, fields=changed)
    return changed
