"""Scoped reads of accounts data: what a user or a membership may see, nothing more."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .enums import SecurityEventKind
from .models import ErasureRequest, Membership, SecurityEvent


def security_events_for_user(user):
    """The user's own security log, newest first."""
    return SecurityEvent.objects.filter(user=user).order_by("-created_at", "-pk")


def security_events_for_organisation(membership):
    """The security events of the membership's organisation, for its admins only (else nothing).

    Events recorded in the organisation, and events recorded outside any organisation (logins,
    failures) of the organisation's active members.
    """
    if membership is None or not membership.is_admin or not membership.is_active:
        return SecurityEvent.objects.none()
    organisation_id = membership.organisation_id
    members = Membership.objects.filter(organisation_id=organisation_id, is_active=True).values("user_id")
    return (
        SecurityEvent.objects.filter(
            Q(organisation_id=organisation_id) | Q(organisation__isnull=True, user_id__in=members)
        )
        .select_related("user", "actor")
        .order_by("-created_at", "-pk")
    )


def erasure_requests_for(user, *, status=ErasureRequest.Status.PENDING):
    """Erasure requests addressed to an organisation the user administers."""
    from .perms import admin_organisation_ids

    addressed = ErasureRequest.organisations.through.objects.filter(
        erasurerequest_id=OuterRef("pk"), organisation_id__in=admin_organisation_ids(user)
    )
    queryset = ErasureRequest.objects.filter(Exists(addressed)).select_related("user", "decided_by")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("requested_at", "pk")


_ACTION_LABELS = {
    "removed": _("Double authentification désactivée"),
    "recovery_codes_regenerated": _("Codes de secours régénérés"),
}
_ERASURE_LABELS = {
    ErasureRequest.Status.PENDING: _("Effacement demandé"),
    ErasureRequest.Status.DONE: _("Effacement effectué"),
    ErasureRequest.Status.REFUSED: _("Effacement refusé"),
}


def describe_event(event):
    """A short French label for a security event, more precise than its kind where the detail says more."""
    detail = event.detail or {}
    if event.kind == SecurityEventKind.OTP_ENROLLED and detail.get("action") in _ACTION_LABELS:
        return _ACTION_LABELS[detail["action"]]
    if event.kind == SecurityEventKind.ERASURE_REQUESTED and detail.get("status") in _ERASURE_LABELS:
        return _ERASURE_LABELS[detail["status"]]
    return event.get_kind_display()


def members_with_role(organisation, *roles, admins_only=False):
    """The active users of `organisation` (an Organisation or its id; None: of any organisation, e.g.
    the national admins) with one of `roles`, once each; with `admins_only`, those with the admin right.

    The one way to name "the HR managers of this cooperative", "the admins of this fund"... as the
    recipients of a notification.
    """
    from .models import User

    members = Membership.objects.active().filter(role__in=roles)
    if organisation is not None:
        members = members.filter(organisation_id=getattr(organisation, "pk", organisation))
    if admins_only:
        members = members.filter(is_admin=True)
    return list(User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by("pk"))


def members_with_role_by_organisation(organisations, *roles, admins_only=False):
    """members_with_role() for several organisations at once (a timed job's batch), in one query:
    {organisation id: [users, once each, by id]}; an organisation without such members is absent."""
    ids = {getattr(organisation, "pk", organisation) for organisation in organisations}
    if not ids:
        return {}
    members = Membership.objects.active().filter(role__in=roles, organisation_id__in=ids)
    if admins_only:
        members = members.filter(is_admin=True)
    found: dict[int, dict[int, object]] = {}
    for membership in members.select_related("user").order_by("organisation_id", "user_id"):
        found.setdefault(membership.organisation_id, {}).setdefault(membership.user_id, membership.user)
    return {organisation_id: list(users.values()) for organisation_id, users in found.items()}
