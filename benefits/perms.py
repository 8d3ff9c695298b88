"""Permission rules of the Prestations space, answered by accounts' MembershipPermissionBackend.

A rule receives the user and an object: a Cooperative, a Cooperator (a family), a BenefitRequest,
a Dependant, a FamilyDocument, InOrganisation(organisation_id) (acting in the current organisation:
not a model, so that django-guardian's backend leaves it to us), or None (any of the user's
memberships: used by the menu).

- union_officer: everything of the cooperatives of their union, processing and publishing;
- coop_manager: their cooperative, its cooperators and requests; never the dependants;
- cooperator: their own family and requests.
"""

from dataclasses import dataclass

from accounts.enums import Role
from accounts.perms import active_memberships, rule

from .enums import EDITABLE_STATES, SCOP_SCIC, RequestState
from .models import BenefitRequest, Cooperative, Cooperator, Dependant, FamilyDocument, RequestDocument

OFFICER, MANAGER, COOPERATOR = Role.UNION_OFFICER, Role.COOP_MANAGER, Role.COOPERATOR
BENEFITS_ROLES = frozenset({OFFICER, MANAGER, COOPERATOR})


@dataclass(frozen=True)
class InOrganisation:
    """The object of a role-level check: "acting in this organisation" (the current membership's)."""

    organisation_id: int


def acting(request):
    organisation = getattr(request, "organisation", None)
    return InOrganisation(organisation.pk) if organisation is not None else None


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
        if isinstance(obj, InOrganisation):
            roles = _roles(user, obj.organisation_id)
            self.officer, self.manager, self.family = OFFICER in roles, MANAGER in roles, COOPERATOR in roles
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


@rule("benefits.use_space")
def can_use_space(user, obj=None):
    w = _Who(user, obj)
    return w.officer or w.manager or w.family


@rule("benefits.view_catalogue")
def can_view_catalogue(user, obj=None):
    return can_use_space(user, obj)


@rule("benefits.edit_cooperative_info")
def can_edit_cooperative_info(user, obj=None):
    """Identity and address: the HR manager of the cooperative (and the Union's officers)."""
    w = _Who(user, obj)
    return w.manager or w.officer


@rule("benefits.manage_cooperatives")
def can_manage_cooperatives(user, obj=None):
    """Legal form, package, contributions, tariffs, family documents: the Union's officers."""
    return _Who(user, obj).officer


@rule("benefits.manage_cooperators")
def can_manage_cooperators(user, obj=None):
    """List, create and edit cooperators, create their logins: HR manager and officers."""
    w = _Who(user, obj)
    return w.manager or w.officer


@rule("benefits.view_family")
def can_view_family(user, obj=None):
    w = _Who(user, obj)
    return w.manager or w.officer or w.family


@rule("benefits.manage_dependants")
def can_manage_dependants(user, obj=None):
    """Dependants are created by the cooperator or an officer, never by the cooperative (000)."""
    w = _Who(user, obj)
    return w.family or w.officer


@rule("benefits.add_family_document")
def can_add_family_document(user, obj=None):
    w = _Who(user, obj)
    return w.family or w.manager or w.officer


@rule("benefits.review_family_document")
def can_review_family_document(user, obj=None):
    return _Who(user, obj).officer


@rule("benefits.view_requests")
def can_view_requests(user, obj=None):
    w = _Who(user, obj)
    return w.manager or w.family


@rule("benefits.create_request")
def can_create_request(user, obj=None):
    """HR managers for any cooperator of their cooperative; a cooperator for their own family."""
    w = _Who(user, obj)
    return w.manager or w.family


@rule("benefits.view_request")
def can_view_request(user, obj=None):
    w = _Who(user, obj)
    return w.manager or w.family or w.officer


@rule("benefits.change_request")
def can_change_request(user, obj=None):
    """Grey and yellow requests can be edited, completed or withdrawn by their cooperative or family."""
    if isinstance(obj, BenefitRequest) and obj.state not in EDITABLE_STATES:
        return False
    w = _Who(user, obj)
    return w.manager or w.family


@rule("benefits.approve_request")
def can_approve_request(user, obj=None):
    if isinstance(obj, BenefitRequest) and not (obj.awaiting_approval and obj.state == RequestState.ENTERED):
        return False
    return _Who(user, obj).manager


@rule("benefits.process_requests")
def can_process_requests(user, obj=None):
    return _Who(user, obj).officer


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
    if isinstance(obj, InOrganisation):
        return Cooperative.objects.filter(organisation_id=obj.organisation_id, legal_form__in=SCOP_SCIC).exists()
    managed = [m.organisation_id for m in active_memberships(user) if m.role == MANAGER]
    return Cooperative.objects.filter(organisation_id__in=managed, legal_form__in=SCOP_SCIC).exists()


@rule("benefits.view_statistics")
def can_view_statistics(user, obj=None):
    w = _Who(user, obj)
    return w.manager or w.officer


@rule("benefits.export_cooperators")
def can_export_cooperators(user, obj=None):
    w = _Who(user, obj)
    return w.manager or w.officer
