"""Permission rules of the Prestations space, answered by accounts' MembershipPermissionBackend.

A rule receives the user and an object: a Cooperative, a Cooperator (a family), a BenefitRequest,
a Dependant, a FamilyDocument, accounts.perms.Acting (acting for the current organisation in the
current role: what `core.access.require(request, perm)` passes), or None (any of the user's
memberships: used by the menu). States are the workflow's business (benefits.workflows): a rule
says who may, the workflow says when.

- union_officer: everything of the cooperatives of their union, processing and publishing;
- coop_manager: their cooperative, its cooperators and requests; never the dependants;
- cooperator: their own family and requests.
"""

from accounts.enums import Role
from accounts.perms import Acting, active_memberships, members_of, memo, remembered, rule

from .enums import EDITABLE_STATES, SCOP_SCIC
from .models import BenefitRequest, Cooperative, Cooperator, Dependant, FamilyDocument, RequestDocument

OFFICER, MANAGER, COOPERATOR = Role.UNION_OFFICER, Role.COOP_MANAGER, Role.COOPERATOR
BENEFITS_ROLES = frozenset({OFFICER, MANAGER, COOPERATOR})


def _roles(user, organisation_id):
    return {m.role for m in active_memberships(user) if m.organisation_id == organisation_id}


def _any_role(user, *roles):
    return any(m.role in roles for m in active_memberships(user))


def _cooperator_of(obj):
    if isinstance(obj, Cooperator):
        return obj
    if isinstance(obj, BenefitRequest | Dependant | FamilyDocument):
        return obj.cooperator
    if isinstance(obj, RequestDocument):
        return obj.request.cooperator
    return None


def _cooperative_of(obj):
    if isinstance(obj, Cooperative):
        return obj
    if isinstance(obj, BenefitRequest):
        return obj.cooperative
    cooperator = _cooperator_of(obj)
    return cooperator.cooperative if cooperator is not None else None


class _Who:
    """What the user is with respect to an object: officer of its union, its HR manager, its family."""

    def __init__(self, user, obj):
        self.officer = self.manager = self.family = False
        if obj is None:
            self.officer = _any_role(user, OFFICER)
            self.manager = _any_role(user, MANAGER)
            self.family = _any_role(user, COOPERATOR)
            return
        if isinstance(obj, Acting):  # in the role the user acts in, if they do hold it there
            held = _roles(user, obj.organisation_id)
            self.officer, self.manager, self.family = (
                obj.role == role and role in held for role in (OFFICER, MANAGER, COOPERATOR)
            )
            return
        cooperative = _cooperative_of(obj)
        if cooperative is None:
            return
        self.officer = OFFICER in _roles(user, cooperative.union_id)
        coop_roles = _roles(user, cooperative.organisation_id)
        self.manager = MANAGER in coop_roles
        cooperator = _cooperator_of(obj)
        self.family = (
            COOPERATOR in coop_roles and cooperator is not None and cooperator.user_id is not None
        ) and cooperator.user_id == user.pk


def _is_any(user, obj, *who):
    """Whether the user is any of `who` ("officer", "manager", "family") with respect to the object."""
    w = _Who(user, obj)
    return any(getattr(w, name) for name in who)


def _granted_to(perm, *who):
    """Register the rule `perm`: granted to the user who is any of `who` for the object."""

    def check(user, obj=None):
        return _is_any(user, obj, *who)

    check.__name__ = check.__qualname__ = "can_" + perm.split(".", 1)[1]
    return rule(perm)(check)


can_use_space = _granted_to("benefits.use_space", "officer", "manager", "family")
can_view_catalogue = _granted_to("benefits.view_catalogue", "officer", "manager", "family")
# Identity and address: the HR manager of the cooperative (and the Union's officers).
can_edit_cooperative_info = _granted_to("benefits.edit_cooperative_info", "manager", "officer")
# Legal form, package, contributions, tariffs, family documents: the Union's officers.
can_manage_cooperatives = _granted_to("benefits.manage_cooperatives", "officer")
# List, create and edit cooperators, create their logins: HR manager and officers.
can_manage_cooperators = _granted_to("benefits.manage_cooperators", "manager", "officer")
can_view_family = _granted_to("benefits.view_family", "manager", "officer", "family")
# "Ma famille": a cooperator acting for their cooperative.
can_view_own_family = _granted_to("benefits.view_own_family", "family")
# Dependants are created by the cooperator or an officer, never by the cooperative (000).
can_manage_dependants = _granted_to("benefits.manage_dependants", "family", "officer")
can_add_family_document = _granted_to("benefits.add_family_document", "family", "manager", "officer")
can_review_family_document = _granted_to("benefits.review_family_document", "officer")
can_view_requests = _granted_to("benefits.view_requests", "manager", "family")
# HR managers for any cooperator of their cooperative; a cooperator for their own family.
can_create_request = _granted_to("benefits.create_request", "manager", "family")
can_view_request = _granted_to("benefits.view_request", "manager", "family", "officer")


@rule("benefits.change_request")
def can_change_request(user, obj=None):
    """Grey and yellow requests can be edited, completed or withdrawn by their cooperative or family."""
    if isinstance(obj, BenefitRequest) and obj.state not in EDITABLE_STATES:
        return False
    return _is_any(user, obj, "manager", "family")


# Withdrawing is a step of the workflow (which says from which states): the cooperative or the family.
can_withdraw_request = _granted_to("benefits.withdraw_request", "manager", "family")
# The cooperative approves (or rejects) what its cooperators entered.
can_approve_request = _granted_to("benefits.approve_request", "manager")
can_process_requests = _granted_to("benefits.process_requests", "officer")


@rule("benefits.view_contributions")
def can_view_contributions(user, obj=None):
    """Contributions: Scop and Scic HR managers (their own), officers (every cooperative of their union)."""
    w = _Who(user, obj)
    if w.officer:
        return True
    if not w.manager:
        return False
    if isinstance(obj, Cooperative):
        return obj.legal_form in SCOP_SCIC
    return _is_scop_or_scic(user, obj)


# Kept in the identity snapshot across requests until a cooperative's legal form (or organisation) changes
# (everybody's), or a cooperative is created (its organisation's members').
SCOP_OR_SCIC = remembered(
    "benefits.scop_or_scic",
    watch=[Cooperative],
    fields=("legal_form", "organisation"),
    created_users=lambda cooperative: members_of(cooperative.organisation_id),
)


def _is_scop_or_scic(user, obj):
    """The cooperative of `obj` (or the one the user acts for, or any they manage) is a Scop or a Scic."""
    if isinstance(obj, Cooperative):
        return obj.legal_form in SCOP_SCIC
    if isinstance(obj, Acting):
        ids = (obj.organisation_id,)
    else:
        ids = tuple(sorted(m.organisation_id for m in active_memberships(user) if m.role == MANAGER))
    return memo(
        user,
        (SCOP_OR_SCIC, ids),
        lambda: Cooperative.objects.filter(organisation_id__in=ids, legal_form__in=SCOP_SCIC).exists(),
    )


can_view_statistics = _granted_to("benefits.view_statistics", "manager", "officer")


@rule("benefits.export_cooperators")
def can_export_cooperators(user, obj=None):
    """The Excel extraction: officers, and the HR managers of a Scop or a Scic (manual 000)."""
    w = _Who(user, obj)
    return w.officer or (w.manager and _is_scop_or_scic(user, obj))
