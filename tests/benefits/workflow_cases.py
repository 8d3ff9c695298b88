"""The Prestations space's cases for the workflow contract test (see tests/utils/workflows.py)."""

from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from benefits import selectors
from benefits.enums import FamilyDocumentKind, RequestState
from benefits.models import BenefitRequest, FamilyDocument
from tests.accounts.factories import MembershipFactory, member
from tests.utils.workflows import Case

from .factories import BenefitRequestFactory, CooperativeFactory, catalogue, cooperator_with_account


def _officer_and_manager(cooperative):
    """One user who runs every step: an officer of the union (take, pay, refuse) who is also the
    cooperative's HR manager (approve, reject, withdraw)."""
    user = member(Role.UNION_OFFICER, organisation=cooperative.union)
    MembershipFactory(user=user, organisation=cooperative.organisation, role=Role.COOP_MANAGER)
    return user


def benefit_request(state):
    catalogue()
    cooperative = CooperativeFactory()
    family = cooperator_with_account(cooperative)
    member(Role.COOP_MANAGER, organisation=cooperative.organisation)  # told of approvals and purges
    request = BenefitRequestFactory(
        cooperator=family,
        state=state,
        created_by=family.user,
        amount="60.00",
        payment_date=timezone.localdate() if state == RequestState.PAID else None,
    )
    actor = _officer_and_manager(cooperative)
    officer = Membership.objects.get(user=actor, role=Role.UNION_OFFICER)
    manager = Membership.objects.get(user=actor, role=Role.COOP_MANAGER)
    foreign = member(Role.UNION_OFFICER)
    # The union's scope (officers) and the cooperative's (managers) both hold the request.
    scope = selectors.requests_for(officer) | selectors.requests_for(manager)
    return Case(
        obj=request,
        actor=actor,
        scope=scope,
        foreign_scope=selectors.requests_for(Membership.objects.get(user=foreign)),
        updates={"payment_date": request.created_at.date()},
    )


def family_document(state):
    cooperative = CooperativeFactory()
    family = cooperator_with_account(cooperative)
    officer = member(Role.UNION_OFFICER, organisation=cooperative.union)
    foreign = member(Role.UNION_OFFICER)
    document = FamilyDocument.objects.create(
        cooperator=family, kind=FamilyDocumentKind.BANK_DETAILS, status=state, iban="FR7630006000011234567890189"
    )
    return Case(
        obj=document,
        actor=officer,
        scope=selectors.family_documents_for(Membership.objects.get(user=officer)),
        foreign_scope=selectors.family_documents_for(Membership.objects.get(user=foreign)),
    )


CASES = {BenefitRequest: benefit_request, FamilyDocument: family_document}
