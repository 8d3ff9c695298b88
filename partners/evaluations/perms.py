"""Permission rules of the exchanges (accounts' MembershipPermissionBackend answers them).

- "partners.decide_evaluation": fund administrators order evaluations, cancel them, accept or send
  back what is transmitted and issue payment slips (`obj`: an Evaluation or a PaymentSlip of their fund).
- "partners.handle_evaluation": users of an evaluation structure, while it holds a validated
  convention of an evaluation type (the "Evaluations" and "Historique des échanges" menus open only
  then); `obj`: an Evaluation or a PaymentSlip of their structure.
"""

from accounts.enums import Role
from accounts.perms import Acting, active_memberships, has_role, members_of, memo, remembered, rule

# Convention types whose validated conventions open the evaluation exchanges.
EVALUATION_CONVENTION_TYPES = ("evaluation",)


# Kept in the identity snapshot across requests (accounts/identity.py) until a convention, its type or
# a partner changes (everybody's snapshot), or a convention is created (its partner's users').
EXCHANGES = remembered(
    "partners.evaluation_structures",
    watch=["partners.Convention", "partners.ConventionType", "partners.Partner"],
    fields=("state", "partner", "convention_type", "code", "organisation"),
    # A new convention concerns its partner's users; a new partner or type has no convention yet.
    created_users=lambda row: members_of(row.partner.organisation_id) if row._meta.model_name == "convention" else (),
)


def structures_with_exchanges(user):
    """Ids of the partner organisations of `user` that hold a validated evaluation convention (one query,
    remembered with the memberships: perms.memo)."""
    organisations = tuple(sorted(m.organisation_id for m in active_memberships(user) if m.role == Role.PARTNER_USER))
    if not organisations:
        return frozenset()

    def compute():
        from ..enums import ConventionState
        from ..models import Convention

        return frozenset(
            Convention.objects.filter(
                partner__organisation_id__in=organisations,
                state=ConventionState.VALIDATED,
                convention_type__code__in=EVALUATION_CONVENTION_TYPES,
            ).values_list("partner__organisation_id", flat=True)
        )

    return memo(user, (EXCHANGES, organisations), compute)


@rule("partners.decide_evaluation")
def can_decide_evaluation(user, obj=None):
    if obj is None:
        return has_role(user, Role.FUND_ADMIN)
    if isinstance(obj, Acting):
        return obj.role == Role.FUND_ADMIN
    return has_role(user, Role.FUND_ADMIN, organisation=obj.fund_id)


@rule("partners.handle_evaluation")
def can_handle_evaluation(user, obj=None):
    if obj is None:
        return bool(structures_with_exchanges(user))
    if isinstance(obj, Acting):
        return obj.role == Role.PARTNER_USER and obj.organisation_id in structures_with_exchanges(user)
    organisation_id = obj.partner.organisation_id
    return has_role(user, Role.PARTNER_USER, organisation=organisation_id) and (
        organisation_id in structures_with_exchanges(user)
    )
