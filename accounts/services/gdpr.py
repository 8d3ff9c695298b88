"""Mes données: the user's own data as a ZIP, erasure requests and their processing by a space admin.

user_data_zip(user)                                    -> a file object (ZIP with data.json), at position 0
                                                          (every declared space's export, core.spaces)
data_export_record(*, user, request)                   security log DATA_EXPORTED
erasure_effect(user, space)                            -> True when erasing for `space` erases the whole account
erasure_request_create(*, user, space, request)        -> ErasureRequest (one pending per user and space),
                                                          for the admins of the person's organisations
erasure_request_process(*, erasure, actor, accept, reason, request)
                                                          runs the spaces' anonymise hooks; e-mails the decision
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

from core import spaces as space_registry
from core.notifications import send_email
from core.spaces import ErasureScope

from ..enums import KIND_SPACE, SecurityEventKind, Space
from ..models import ConsentAcceptance, ErasureRequest, Membership, SecurityEvent
from .security_log import log_event

EVENT_ERASURE_DECISION = "accounts.erasure_decision"

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
        .values("space", "status", "requested_at", "decided_at", "decision_reason")
    )


def _spaces(user):
    """What each space holds about the user (its declared export), keyed by space; empty ones left out."""
    exported = {}
    for declaration in space_registry.all_spaces():
        data = declaration.export(user)
        if data:
            exported[declaration.key] = data
    return exported


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
        "spaces": _spaces(user),
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
vos préférences de notification, vos demandes d'effacement, votre journal de sécurité, et
dans "spaces" ce que chaque espace conserve sur vous (Prestations : votre dossier de
coopérateur, votre famille, vos ayants droit, vos demandes, les documents de famille, votre
IBAN et votre adresse ; Partenaires : vos partenaires, conventions, préinscriptions et messages).
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


def _kinds_of(space):
    return [kind for kind, kind_space in KIND_SPACE.items() if kind_space == space]


def _other_spaces(user, space):
    """The spaces, other than `space`, where the user has an active membership."""
    from ..perms import active_memberships

    return sorted({m.space for m in active_memberships(user)} - {str(space)})


def erasure_effect(user, space):
    """True when an erasure for `space` anonymises the whole account: the space declares so, or the
    account is used in no other space."""
    if space_registry.get(space).erasure_scope == ErasureScope.ACCOUNT:
        return True
    return not _other_spaces(user, space)


@transaction.atomic
def erasure_request_create(*, user, space, request=None):
    """Asks the admins of the person's organisations in `space` (and of those the space declares) to
    erase the person's data; one pending request per user and space."""
    space = Space(space)
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # serialise concurrent requests
    if ErasureRequest.objects.filter(user=user, space=space, status=ErasureRequest.Status.PENDING).exists():
        raise ValidationError(_("Une demande d'effacement est déjà en attente pour cet espace."), code="pending_exists")
    erasure = ErasureRequest.objects.create(
        user=user,
        space=space,
        user_label=f"{user.get_full_name()} ({user.identifier})".strip(),
        whole_account=erasure_effect(user, space),
    )
    own = Membership.objects.filter(user=user, organisation__kind__in=_kinds_of(space)).values_list(
        "organisation_id", flat=True
    )
    declared = [pk for pk in space_registry.get(space).erasure_organisations(user) if pk]
    erasure.organisations.set({*own, *declared})
    log_event(
        SecurityEventKind.ERASURE_REQUESTED,
        user=user,
        request=request,
        space=space,
        status="pending",
        whole_account=erasure.whole_account,
    )
    return erasure


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


def _erase(user, space):
    """Runs the anonymisation of `space` (or of every space and the account itself when the erasure
    covers the whole account); returns (whole_account, the sentences of what was kept)."""
    whole = erasure_effect(user, space)
    declarations = space_registry.all_spaces() if whole else [space_registry.get(space)]
    kept = []
    for declaration in declarations:
        for sentence in declaration.anonymise(user) or []:
            if str(sentence) not in kept:
                kept.append(str(sentence))
    if whole:
        user_anonymise(user=user)
    else:
        Membership.objects.filter(user=user, organisation__kind__in=_kinds_of(space), is_active=True).update(
            is_active=False, updated_at=timezone.now()
        )
    return whole, kept


def _email_decision(erasure, *, email, accept, whole, kept, language):
    if not email:
        return
    send_email(
        to=email,
        template="accounts/emails/erasure_decision",
        context={
            "accept": accept,
            "space_label": str(erasure.get_space_display()),
            "whole_account": whole,
            "kept": kept,
            "reason": erasure.decision_reason,
        },
        event=EVENT_ERASURE_DECISION,
        language=language,
    )


@transaction.atomic
def erasure_request_process(*, erasure, actor, accept, reason="", request=None):
    """Done (the space's data, or the whole account, anonymised) or refused with a reason: a step of
    the declared workflow (accounts.workflows), so concurrent processing cannot both win. The person
    is told by e-mail, at the address they had."""
    from ..workflows import ERASURE_REQUEST

    erasure = ERASURE_REQUEST.run("accept" if accept else "refuse", erasure.pk, actor=actor, reason=reason)
    user = erasure.user
    email, language = (user.email, user.language) if user is not None else ("", None)
    whole, kept = erasure.whole_account, []
    if accept and user is not None:
        whole, kept = _erase(user, erasure.space)
        if whole:
            erasure.user_label = user.identifier
    log_event(
        SecurityEventKind.ERASURE_REQUESTED,
        user=user,
        request=request,
        actor=actor,
        organisation=getattr(request, "organisation", None),
        space=erasure.space,
        status=erasure.status,
        erasure=erasure.pk,
        whole_account=whole,
        history="core.history",
    )
    erasure.whole_account = whole
    erasure.kept = "\n".join(kept)
    erasure.save(update_fields=["user_label", "whole_account", "kept"])
    _email_decision(erasure, email=email, accept=accept, whole=whole, kept=kept, language=language)
    return erasure
