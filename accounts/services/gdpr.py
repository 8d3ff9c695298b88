"""Mes données: the user's own data as a ZIP, erasure requests and their processing by a space admin.

user_data_zip(user)                                    -> a file object (ZIP with data.json), at position 0
data_export_record(*, user, request)                   security log DATA_EXPORTED
erasure_request_create(*, user, space, request)        -> ErasureRequest (one pending per user and space)
erasure_request_process(*, erasure, actor, accept, reason, request)
user_anonymise(*, user)                                identifier "supprime-<id>", contact cleared, inactive
"""

import io
import json
import zipfile
from tempfile import SpooledTemporaryFile

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import SecurityEventKind, Space
from ..models import ConsentAcceptance, ErasureRequest, Membership, SecurityEvent
from .security_log import log_event

SPOOL_MAX_BYTES = 5 * 1024 * 1024


def _dumps(value):
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _profile(user):
    return {
        "identifier": user.identifier,
        "email": user.email,
        "civility": user.civility,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "birth_name": user.birth_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "password_changed_at": user.password_changed_at,
    }


def _memberships(user):
    return [
        {
            "organisation": m.organisation.name,
            "organisation_kind": m.organisation.kind,
            "space": m.space,
            "role": m.role,
            "role_label": str(m.get_role_display()),
            "is_admin": m.is_admin,
            "is_active": m.is_active,
            "joined_at": m.joined_at,
        }
        for m in Membership.objects.filter(user=user).select_related("organisation").order_by("joined_at", "pk")
    ]


def _consents(user):
    return [
        {
            "space": a.text.space,
            "version": a.text.version,
            "title": a.text.title,
            "accepted_at": a.accepted_at,
            "ip_address": a.ip_address,
            "health_data": a.health_data,
        }
        for a in ConsentAcceptance.objects.filter(user=user).select_related("text").order_by("accepted_at", "pk")
    ]


def _notification_preferences(user):
    from core.models import NotificationPreference
    from core.notifications import preferences_for

    from ..perms import active_memberships

    spaces = {m.space for m in active_memberships(user)}
    shown = {event.key: enabled for event, enabled in preferences_for(user, spaces)}
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("event", "enabled"))
    return [{"event": key, "enabled": enabled} for key, enabled in sorted({**shown, **stored}.items())]


def _erasure_requests(user):
    return list(
        ErasureRequest.objects.filter(user=user)
        .order_by("requested_at")
        .values("space", "status", "requested_at", "processed_at", "reason")
    )


def _security_event(event):
    return {
        "date": event.created_at,
        "event": event.kind,
        "label": str(event.get_kind_display()),
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "detail": event.detail,
    }


def write_user_data(user, out):
    """Writes the user's data as JSON to the text stream `out`, the security log row by row."""
    sections = {
        "exported_at": timezone.now(),
        "profile": _profile(user),
        "memberships": _memberships(user),
        "consents": _consents(user),
        "notification_preferences": _notification_preferences(user),
        "erasure_requests": _erasure_requests(user),
    }
    out.write("{\n")
    for key, value in sections.items():
        out.write(f"{json.dumps(key)}: {_dumps(value)},\n")
    out.write('"security_events": [')
    events = SecurityEvent.objects.filter(user=user).order_by("created_at", "pk")
    for index, event in enumerate(events.iterator(chunk_size=500)):
        out.write(("," if index else "") + "\n" + _dumps(_security_event(event)))
    out.write("\n]\n}\n")


README = """Vos données personnelles sur Guichet

data.json contient : votre profil, vos appartenances aux organisations, vos consentements,
vos préférences de notification, vos demandes d'effacement et votre journal de sécurité.
Les dates sont en temps universel (UTC), au format ISO 8601.
"""


def user_data_zip(user):
    """A ZIP (data.json + LISEZMOI.txt) in a spooled temporary file, rewound: ready for FileResponse."""
    spool = SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115 - FileResponse closes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LISEZMOI.txt", README)
        with archive.open("data.json", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
            write_user_data(user, out)
    spool.seek(0)
    return spool


@transaction.atomic
def data_export_record(*, user, request=None):
    return log_event(SecurityEventKind.DATA_EXPORTED, user=user, request=request)


# Erasure -------------------------------------------------------------------------------------


@transaction.atomic
def erasure_request_create(*, user, space, request=None):
    """Asks the admins of `space` to erase the account; one pending request per user and space."""
    space = Space(space)
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # serialise concurrent requests
    if ErasureRequest.objects.filter(user=user, space=space, status=ErasureRequest.Status.PENDING).exists():
        raise ValidationError(_("Une demande d'effacement est déjà en attente pour cet espace."), code="pending_exists")
    erasure = ErasureRequest.objects.create(
        user=user, space=space, user_label=f"{user.get_full_name()} ({user.identifier})".strip()
    )
    log_event(SecurityEventKind.ERASURE_REQUESTED, user=user, request=request, space=space, status="pending")
    return erasure


def _record_transition(erasure, *, actor, from_state, to_state, reason):
    try:
        from core.history import record_transition
    except ImportError:  # pragma: no cover - core.history not there yet: the security log holds it
        return False
    record_transition(erasure, actor=actor, from_state=from_state, to_state=to_state, reason=reason)
    return True


def user_anonymise(*, user):
    """Erases what identifies the user; keeps the rows others need (history, consents) under a neutral name."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.models import NotificationPreference

    from ..models import SmsDevice, TemporaryPassword

    user.identifier = f"supprime-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.birth_name = ""
    user.civility = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()  # also invalidates every open session (session auth hash)
    user.save()
    Membership.objects.filter(user=user, is_active=True).update(is_active=False, updated_at=timezone.now())
    for model in (TOTPDevice, StaticDevice, SmsDevice, TemporaryPassword, NotificationPreference):
        model.objects.filter(user=user).delete()
    SecurityEvent.objects.filter(user=user).update(identifier="", ip_address=None, user_agent="")
    _end_sessions(user)


def _end_sessions(user):
    """Ends the user's open sessions now (the changed auth hash and is_active=False end them anyway)."""
    try:
        from .credentials import sessions_end
    except ImportError:  # pragma: no cover - the session registry is not there
        return
    sessions_end(user=user)


@transaction.atomic
def erasure_request_process(*, erasure, actor, accept, reason="", request=None):
    """Done (the account is anonymised) or refused with a reason; concurrent processing cannot both win."""
    erasure = ErasureRequest.objects.select_for_update(of=("self",)).get(pk=erasure.pk)
    if erasure.status != ErasureRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="already_processed")
    if not accept and not reason.strip():
        raise ValidationError(_("Indiquez le motif du refus."), code="reason_required")
    user = erasure.user
    to_state = ErasureRequest.Status.DONE if accept else ErasureRequest.Status.REFUSED
    recorded = _record_transition(
        erasure, actor=actor, from_state=erasure.status, to_state=to_state, reason=reason.strip()
    )
    log_event(
        SecurityEventKind.ERASURE_REQUESTED,
        user=user,
        request=request,
        actor=actor,
        organisation=getattr(request, "organisation", None),
        space=erasure.space,
        status=to_state,
        erasure=erasure.pk,
        history="core.history" if recorded else "security_log",
    )
    if accept and user is not None:
        user_anonymise(user=user)
        erasure.user_label = user.identifier
    erasure.status = to_state
    erasure.processed_at = timezone.now()
    erasure.processed_by = actor
    erasure.reason = reason.strip()
    erasure.save(update_fields=["status", "processed_at", "processed_by", "reason", "user_label"])
    return erasure
