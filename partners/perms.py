"""Permission rules of the partners space (answered by accounts' MembershipPermissionBackend)."""

from accounts.enums import Role
from accounts.perms import active_memberships, has_role, rule


@rule("partners.process_registrations")
def can_process_registrations(user, obj=None):
    """Fund administrators decide on their fund's pre-registrations and new conventions (`obj`: one of them)."""
    if obj is None:
        return has_role(user, Role.FUND_ADMIN)
    return has_role(user, Role.FUND_ADMIN, organisation=obj.fund_id)


@rule("partners.view_partners")
def can_view_partners(user, obj=None):
    return has_role(user, Role.FUND_ADMIN, Role.NATIONAL_ADMIN)


@rule("partners.view_contact_messages")
def can_view_contact_messages(user, obj=None):
    return has_role(user, Role.FUND_ADMIN, Role.NATIONAL_ADMIN)


@rule("partners.manage_partner")
def can_manage_partner(user, partner=None):
    """Partner administrators (is_admin) manage their partner (`partner`: a partners.Partner): details,
    users, conventions, address."""
    return any(
        m.role == Role.PARTNER_USER and m.is_admin and (partner is None or m.organisation_id == partner.organisation_id)
        for m in active_memberships(user)
    )


@rule("partners.manage_portal")
def can_manage_portal(user, obj=None):
    """National admins: reference data, funds and their administrators, news, documentation."""
    return has_role(user, Role.NATIONAL_ADMIN)
