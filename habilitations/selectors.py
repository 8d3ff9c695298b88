"""Scoped reads of the Espace Organismes: every list a view shows comes from here."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.enums import OrganisationKind, Role
from accounts.models import Membership, Organisation

from .enums import TACIT_ACCEPTANCE_DAYS, AccessRequestState, AccountRequestState, Management, RightState
from .models import AccessRequest, AccountRequest, Application, ApplicationUserPermission, Delegation, Right
from .perms import delegated_organisations

User = get_user_model()


def _role(membership, *roles):
    return membership is not None and membership.is_active and membership.role in roles


# --- organismes, people ----------------------------------------------------------------------------


def organismes():
    return Organisation.objects.active().of_kind(OrganisationKind.ORGANISME).order_by("name")


def ucanss_admins():
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.UCANSS_ADMIN,
        memberships__is_active=True,
        memberships__organisation__is_active=True,
    ).distinct()


def correspondents(organisation):
    """Active correspondents of an organisme (users)."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__role=Role.CORRESPONDENT,
        memberships__is_active=True,
    ).order_by("last_name", "first_name")


def current_delegations(organisation, today=None):
    today = today or timezone.localdate()
    return Delegation.objects.filter(organisme=organisation, starts_on__lte=today, ends_on__gte=today)


def organisme_validators(organisation):
    """Who validates for an organisme today: its correspondents, each absent one replaced by their delegate."""
    pk = getattr(organisation, "pk", organisation)
    return organisme_validators_by_id([pk])[pk]


def organisme_validators_by_id(organisation_ids, today=None):
    """organisme_validators() of several organismes (a timed job's batch), in two queries:
    {organisation id: [users]}, every id given present."""
    ids = set(organisation_ids)
    found: dict = {pk: [] for pk in ids}
    if not ids:
        return found
    today = today or timezone.localdate()
    delegations: dict = {}
    for delegation in Delegation.objects.filter(
        organisme_id__in=ids, starts_on__lte=today, ends_on__gte=today
    ).select_related("delegate"):
        delegations.setdefault(delegation.organisme_id, []).append(delegation)
    correspondent_rows = (
        Membership.objects.filter(
            organisation_id__in=ids, role=Role.CORRESPONDENT, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("organisation_id", "user__last_name", "user__first_name", "user_id")
    )
    for membership in correspondent_rows:
        found[membership.organisation_id].append(membership.user)
    for pk, validators in found.items():
        absent = {d.absent_id for d in delegations.get(pk, ())}
        validators[:] = [user for user in validators if user.pk not in absent]
        for delegation in delegations.get(pk, ()):
            if delegation.delegate.is_active and all(u.pk != delegation.delegate_id for u in validators):
                validators.append(delegation.delegate)
    return found


def account_request_validators(organisation):
    """Correspondents of the organisme, or the central admins when it has none (003)."""
    return organisme_validators(organisation) or list(ucanss_admins())


def account_request_informed(account_request):
    """The second organisme's validators, told of a request naming it (they see it, the first decides)."""
    if (
        account_request.second_organisme_id is None
        or account_request.second_organisme_id == account_request.organisme_id
    ):
        return []
    decide = {u.pk for u in account_request_validators(account_request.organisme)}
    return [u for u in organisme_validators(account_request.second_organisme) if u.pk not in decide]


def application_managers(application):
    return User.objects.filter(
        is_active=True,
        pk__in=ApplicationUserPermission.objects.filter(
            content_object=application, permission__codename="manage_application"
        ).values("user_id"),
    ).order_by("last_name", "first_name")


def application_managers_by_id(application_ids):
    """application_managers() of several applications, in one query: {application id: [users]}."""
    ids = set(application_ids)
    found: dict = {pk: [] for pk in ids}
    if not ids:
        return found
    grants = (
        ApplicationUserPermission.objects.filter(
            content_object_id__in=ids, permission__codename="manage_application", user__is_active=True
        )
        .select_related("user")
        .order_by("content_object_id", "user__last_name", "user__first_name", "user_id")
    )
    for grant in grants:
        if all(user.pk != grant.user_id for user in found[grant.content_object_id]):
            found[grant.content_object_id].append(grant.user)
    return found


def managed_application_ids(user):
    return ApplicationUserPermission.objects.filter(user=user, permission__codename="manage_application").values_list(
        "content_object_id", flat=True
    )


def held_application_ids(user):
    """Applications the user may use (their guardian grants)."""
    return set(
        ApplicationUserPermission.objects.filter(user=user, permission__codename="use_application").values_list(
            "content_object_id", flat=True
        )
    )


def access_request_validators(access_request):
    """Local application: the organisme's validators; central one: its managers; else the central admins."""
    return access_request_validators_many([access_request])[0]


def access_request_validators_many(access_requests):
    """access_request_validators() of each of a batch's requests (read with their application), found with
    at most four queries for the whole batch: the managers of its central applications, the
    correspondents and today's delegations of its organismes, and the central admins if one needs them."""
    central = {r.application_id for r in access_requests if r.application.management == Management.CENTRAL}
    local = {r.organisme_id for r in access_requests if r.application_id not in central}
    managers = application_managers_by_id(central)
    validators = organisme_validators_by_id(local)
    admins = None
    found = []
    for access_request in access_requests:
        if access_request.application_id in central:
            candidates = managers[access_request.application_id]
        else:
            candidates = validators[access_request.organisme_id]
        others = [user for user in candidates if user.pk != access_request.user_id]
        if not others:
            if admins is None:
                admins = list(ucanss_admins())
            others = admins
        found.append(others)
    return found


# --- account requests ------------------------------------------------------------------------------


def with_correspondent():
    """An Exists on an organisation (OuterRef "pk") having an active correspondent today."""
    return Exists(
        Membership.objects.active().filter(
            organisation_id=OuterRef("pk"), role=Role.CORRESPONDENT, user__is_active=True
        )
    )


def has_correspondent(organisation_id):
    return Membership.objects.active().filter(organisation_id=organisation_id, role=Role.CORRESPONDENT).exists()


def account_requests_for(membership):
    """Who sees account requests (003): central admins those of the organismes without a correspondent
    (whose requests they decide), and those they decided; correspondents (or today's delegate) those of
    their organisme, and, for information, those naming it as the second organisme (decided by the first
    organisme's validators)."""
    queryset = AccountRequest.objects.select_related("organisme", "second_organisme", "decided_by")
    if _role(membership, Role.UCANSS_ADMIN):
        without = Organisation.objects.filter(pk=OuterRef("organisme_id")).filter(~with_correspondent())
        return queryset.filter(Q(Exists(without)) | Q(decided_by_id=membership.user_id))
    if _role(membership, Role.CORRESPONDENT) or (
        _role(membership, Role.ORGANISME_USER)
        and membership.organisation_id in delegated_organisations(membership.user)
    ):
        return queryset.filter(
            Q(organisme_id=membership.organisation_id) | Q(second_organisme_id=membership.organisation_id)
        )
    return AccountRequest.objects.none()


def pending_account_requests_for(membership):
    return account_requests_for(membership).filter(state=AccountRequestState.PENDING)


# --- access requests and rights --------------------------------------------------------------------


def _validator_filter(membership):
    """A Q on (application, organisme) of what the membership decides on, or None (nothing)."""
    if _role(membership, Role.UCANSS_ADMIN):
        return Q()
    if _role(membership, Role.APP_MANAGER):
        return Q(application__management=Management.CENTRAL, application__in=managed_application_ids(membership.user))
    if _role(membership, Role.CORRESPONDENT) or (
        _role(membership, Role.ORGANISME_USER)
        and membership.organisation_id in delegated_organisations(membership.user)
    ):
        return Q(application__management=Management.LOCAL, organisme_id=membership.organisation_id)
    return None


def access_requests_for(membership):
    """Access requests the membership decides on (every state), never the user's own."""
    condition = _validator_filter(membership)
    if condition is None:
        return AccessRequest.objects.none()
    return (
        AccessRequest.objects.filter(condition)
        .exclude(user_id=membership.user_id)
        .select_related("user", "application", "organisme", "decided_by")
    )


def queue_for(membership):
    return access_requests_for(membership).filter(state=AccessRequestState.PENDING)


def rights_for(membership):
    """Rights the membership may revoke (and sees in its lists and exports), never the user's own."""
    condition = _validator_filter(membership)
    if condition is None:
        return Right.objects.none()
    return (
        Right.objects.filter(condition)
        .exclude(user_id=membership.user_id)
        .select_related("user", "application", "organisme", "granted_by", "decided_by")
    )


def own_access_requests(user):
    return AccessRequest.objects.filter(user=user).select_related("application", "organisme", "decided_by")


def own_rights(user):
    return Right.objects.filter(user=user, state=RightState.ACTIVE).select_related(
        "application", "organisme", "granted_by"
    )


def catalogue_for(user):
    """Every application of the offer, each with `held` (the user may use it) and `pending` (a request of
    the user waits), in one query."""
    pending = AccessRequest.objects.filter(user=user, application=OuterRef("pk"), state=AccessRequestState.PENDING)
    held = ApplicationUserPermission.objects.filter(
        user=user, content_object=OuterRef("pk"), permission__codename="use_application"
    )
    return Application.objects.active().annotate(held=Exists(held), pending=Exists(pending))


def holders_of(membership, application):
    """Active rights on one application that the membership sees (the export "who holds application X")."""
    return (
        rights_for(membership)
        .filter(application=application, state=RightState.ACTIVE)
        .order_by("organisme__name", "user__last_name", "user__first_name", "pk")
    )


def collaborators_for(membership):
    """Members of the correspondent's organisme."""
    if not _role(membership, Role.CORRESPONDENT):
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def due_for_tacit_acceptance(now=None):
    now = now or timezone.now()
    return AccessRequest.objects.filter(
        state=AccessRequestState.PENDING, created_at__lte=now - timedelta(days=TACIT_ACCEPTANCE_DAYS)
    )


def delegations_for(membership):
    if not _role(membership, Role.CORRESPONDENT):
        return Delegation.objects.none()
    return Delegation.objects.filter(
        organisme_id=membership.organisation_id, absent_id=membership.user_id
    ).select_related("delegate")


def contacts_for(user):
    """The correspondents of each of the user's organismes: [(organisation, [users])], two queries."""
    from accounts.perms import active_memberships

    organisations = [
        m.organisation for m in active_memberships(user) if m.organisation.kind == OrganisationKind.ORGANISME
    ]
    if not organisations:
        return []
    rows = (
        Membership.objects.active()
        .filter(organisation__in=organisations, role=Role.CORRESPONDENT)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    by_org = {}
    for row in rows:
        by_org.setdefault(row.organisation_id, []).append(row.user)
    return [(org, by_org.get(org.pk, [])) for org in organisations]
