"""Permission rules of the partners space (answered by accounts' MembershipPermissionBackend).

`obj` is a domain object, or an accounts.perms.Acting (a role-level check, "in the organisation I act
for": a user acting for a partner gets no fund page, even if they also administer a fund). `obj` None
(the menus of the current membership's role) means "holds the role somewhere".
"""

from accounts.enums import Role
from accounts.perms import Acting, acting_as, active_memberships, has_role, rule


def _role_level(user, obj, *roles, admin=False):
    if isinstance(obj, Acting):
        return acting_as(obj, *roles) and (obj.is_admin or not admin)
    return any(m.role in roles and (m.is_admin or not admin) for m in active_memberships(user))


@rule("partners.process_registrations")
def can_process_registrations(user, obj=None):
    """Fund administrators decide on their fund's pre-registrations and new conventions (`obj`: one of
    them); national admins on those of a fund without an administrator. The queue page: fund admins."""
    if obj is None or isinstance(obj, Acting):
        return _role_level(user, obj, Role.FUND_ADMIN)
    if has_role(user, Role.FUND_ADMIN, organisation=obj.fund_id):
        return True
    from .selectors import fund_has_admin

    return has_role(user, Role.NATIONAL_ADMIN) and not fund_has_admin(obj.fund_id)


@rule("partners.supervise")
def can_supervise(user, obj=None):
    """National admins: everything pending in every fund, with its age."""
    return _role_level(user, obj, Role.NATIONAL_ADMIN)


@rule("partners.view_partners")
def can_view_partners(user, obj=None):
    return _role_level(user, obj, Role.FUND_ADMIN, Role.NATIONAL_ADMIN)


@rule("partners.view_contact_messages")
def can_view_contact_messages(user, obj=None):
    """Fund admins and national admins (`obj`: a message, answered by whoever its scope gives it to)."""
    if obj is None or isinstance(obj, Acting):
        return _role_level(user, obj, Role.FUND_ADMIN, Role.NATIONAL_ADMIN)
    if obj.fund_id is not None and has_role(user, Role.FUND_ADMIN, organisation=obj.fund_id):
        return True
    from .selectors import fund_has_admin

    return has_role(user, Role.NATIONAL_ADMIN) and (obj.fund_id is None or not fund_has_admin(obj.fund_id))


@rule("partners.manage_partner")
def can_manage_partner(user, obj=None):
    """Partner administrators (is_admin) manage their partner (`obj`: a partners.Partner, or a Convention
    of it): details, users, conventions, address."""
    if obj is None or isinstance(obj, Acting):
        return _role_level(user, obj, Role.PARTNER_USER, admin=True)
    organisation_id = obj.organisation_id if hasattr(obj, "organisation_id") else obj.partner.organisation_id
    return any(
        m.role == Role.PARTNER_USER and m.is_admin and m.organisation_id == organisation_id
        for m in active_memberships(user)
    )


@rule("partners.manage_portal")
def can_manage_portal(user, obj=None):
    """National admins: reference data, funds and their administrators, news, documentation."""
    return _role_level(user, obj, Role.NATIONAL_ADMIN)
