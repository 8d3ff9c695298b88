"""Permission rules of the Espace Organismes (answered by accounts' MembershipPermissionBackend), and
its two per-object grants held in django-guardian: using an application, managing one.

Who decides an access request (or revokes the right it gave): for an application managed locally, the
correspondents of the organisme it was made for (or the member a correspondent away left as delegate);
for a central application, its managers (app_manager with the grant `manage_application` on it);
central admins for every application. Nobody decides on their own request or revokes their own right.
"""

from django.utils import timezone

from accounts.enums import Role
from accounts.perms import Acting, acting_as, active_memberships, grant, has_role, memo, remembered, rule

USE_APPLICATION = grant("habilitations.use_application")
MANAGE_APPLICATION = grant("habilitations.manage_application")

ORGANISME_ROLES = (Role.CORRESPONDENT, Role.ORGANISME_USER)
SPACE_ROLES = (Role.UCANSS_ADMIN, Role.APP_MANAGER, Role.CORRESPONDENT, Role.ORGANISME_USER)


# The user's delegations not yet over, with their dates, kept in the identity snapshot across requests
# (accounts/identity.py) until a delegation changes or goes (everybody's: its delegate may have
# changed) or one is created (its delegate's); today's are picked at each request.
DELEGATIONS = remembered(
    "habilitations.delegations",
    watch=["habilitations.Delegation"],
    created_users=lambda delegation: {delegation.delegate_id},
)


def delegated_organisations(user):
    """Organisations for which `user` is today the delegate of an absent correspondent (cached per request)."""
    cached = getattr(user, "_habilitations_delegated", None)
    if cached is None:
        today = timezone.localdate()
        member_of = tuple(sorted(m.organisation_id for m in active_memberships(user) if m.role in ORGANISME_ROLES))
        cached = set()
        if member_of:

            def compute():
                from .models import Delegation

                return tuple(
                    Delegation.objects.filter(delegate=user, organisme_id__in=member_of, ends_on__gte=today)
                    .order_by()
                    .values_list("organisme_id", "starts_on", "ends_on")
                )

            spans = memo(user, (DELEGATIONS, member_of), compute)
            cached = {organisme for organisme, starts_on, ends_on in spans if starts_on <= today <= ends_on}
        user._habilitations_delegated = cached
    return cached


def validates_for(user, organisation_id):
    """The user validates for this organisme: its correspondent, or today's delegate of one."""
    return has_role(
        user, Role.CORRESPONDENT, organisation=organisation_id
    ) or organisation_id in delegated_organisations(user)


def manages(user, application):
    if not has_role(user, Role.APP_MANAGER):
        return False
    cached = getattr(user, "_habilitations_managed", None)
    if cached is None:
        from .selectors import managed_application_ids

        cached = user._habilitations_managed = set(managed_application_ids(user))
    return application.pk in cached


def _decides_on(user, application, organisation_id):
    if has_role(user, Role.UCANSS_ADMIN):
        return True
    if application.is_central:
        return manages(user, application)
    return validates_for(user, organisation_id)


def _any_validator(user):
    """Without an object (the space's menu): the user validates somewhere."""
    return has_role(user, Role.UCANSS_ADMIN, Role.APP_MANAGER, Role.CORRESPONDENT) or bool(
        delegated_organisations(user)
    )


def _acting_validator(user, obj):
    if acting_as(obj, Role.UCANSS_ADMIN, Role.APP_MANAGER, Role.CORRESPONDENT):
        return True
    return acting_as(obj, Role.ORGANISME_USER) and obj.organisation_id in delegated_organisations(user)


@rule("habilitations.use_catalogue")
def can_use_catalogue(user, obj=None):
    """Staff of an organisme: the applications catalogue and their requests."""
    if isinstance(obj, Acting):
        return acting_as(obj, *ORGANISME_ROLES)
    return has_role(user, *ORGANISME_ROLES)


@rule("habilitations.view_own")
def can_view_own(user, obj=None):
    """Every member of the space: their details, rights, newsletters, contacts."""
    if isinstance(obj, Acting):
        return acting_as(obj, *SPACE_ROLES)
    return has_role(user, *SPACE_ROLES)


@rule("habilitations.request_access")
def can_request_access(user, application=None):
    return application is not None and application.is_active and has_role(user, *ORGANISME_ROLES)


@rule("habilitations.cancel_access_request")
def can_cancel_access_request(user, access_request=None):
    return access_request is not None and not isinstance(access_request, Acting) and access_request.user_id == user.pk


@rule("habilitations.decide_access_request")
def can_decide_access_request(user, obj=None):
    if obj is None:
        return _any_validator(user)
    if isinstance(obj, Acting):
        return _acting_validator(user, obj)
    if obj.user_id == user.pk:
        return False
    return _decides_on(user, obj.application, obj.organisme_id)


@rule("habilitations.revoke_right")
def can_revoke_right(user, obj=None):
    if obj is None:
        return _any_validator(user)
    if isinstance(obj, Acting):
        return _acting_validator(user, obj)
    if obj.user_id == user.pk:
        return False
    return _decides_on(user, obj.application, obj.organisme_id)


@rule("habilitations.decide_account_request")
def can_decide_account_request(user, obj=None):
    """Correspondents (or their delegate) for their organisme (the first one named); central admins for
    the organismes without a correspondent."""
    if obj is None:
        return has_role(user, Role.UCANSS_ADMIN, Role.CORRESPONDENT) or bool(delegated_organisations(user))
    if isinstance(obj, Acting):
        return acting_as(obj, Role.UCANSS_ADMIN, Role.CORRESPONDENT) or (
            acting_as(obj, Role.ORGANISME_USER) and obj.organisation_id in delegated_organisations(user)
        )
    if validates_for(user, obj.organisme_id):
        return True
    if has_role(user, Role.UCANSS_ADMIN):
        from .selectors import has_correspondent

        return not has_correspondent(obj.organisme_id)
    return False


@rule("habilitations.view_collaborators")
def can_view_collaborators(user, obj=None):
    """Correspondents: their organisme's users and rights, the Aide aux aidants code."""
    if isinstance(obj, Acting):
        return acting_as(obj, Role.CORRESPONDENT)
    return has_role(user, Role.CORRESPONDENT, organisation=getattr(obj, "pk", obj) if obj is not None else None)


@rule("habilitations.manage_delegation")
def can_manage_delegation(user, obj=None):
    if isinstance(obj, Acting):
        return acting_as(obj, Role.CORRESPONDENT)
    if obj is None:
        return has_role(user, Role.CORRESPONDENT)
    return (
        obj is not None
        and obj.absent_id == user.pk
        and has_role(user, Role.CORRESPONDENT, organisation=obj.organisme_id)
    )


@rule("habilitations.manage_catalogue")
def can_manage_catalogue(user, obj=None):
    """Central admins: organismes, applications and their managers, single sign-on clients."""
    if isinstance(obj, Acting):
        return acting_as(obj, Role.UCANSS_ADMIN)
    return has_role(user, Role.UCANSS_ADMIN)
