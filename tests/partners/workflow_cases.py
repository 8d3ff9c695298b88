"""The partners space's cases for the workflow contract test (see tests/utils/workflows.py)."""

from accounts.enums import Role
from partners import selectors
from partners.models import ContactMessage, Convention, PreRegistration
from tests.accounts.factories import MembershipFactory
from tests.utils.workflows import Case

from .factories import ContactMessageFactory, ConventionFactory, PreRegistrationFactory, fund_admin


def contact_message(state):
    admin = fund_admin()
    other = fund_admin()
    message = ContactMessageFactory(state=state, fund=admin.organisation)
    return Case(
        obj=message,
        actor=admin.user,
        scope=selectors.contact_messages_for(admin),
        foreign_scope=selectors.contact_messages_for(other),
    )


def preregistration(state):
    admin = fund_admin()
    other = fund_admin()
    obj = PreRegistrationFactory(state=state, fund=admin.organisation)
    return Case(
        obj=obj,
        actor=admin.user,
        scope=selectors.preregistrations_for(admin),
        foreign_scope=selectors.preregistrations_for(other),
    )


def convention(state):
    """The actor administers both the fund (validate, invalidate) and the partner (withdraw)."""
    admin = fund_admin()
    other = fund_admin()
    obj = ConventionFactory(state=state, fund=admin.organisation)
    MembershipFactory(user=admin.user, organisation=obj.partner.organisation, role=Role.PARTNER_USER, is_admin=True)
    return Case(
        obj=obj,
        actor=admin.user,
        scope=selectors.fund_conventions_for(admin),
        foreign_scope=selectors.fund_conventions_for(other),
    )


CASES = {ContactMessage: contact_message, PreRegistration: preregistration, Convention: convention}


def evaluation(state):
    """The actor is the fund's administrator and a user of the structure (every step of both sides)."""
    from partners.evaluations import selectors as evaluation_selectors
    from partners.evaluations.models import Evaluation

    from .evaluation_factories import EvaluationFactory, exchange_pair

    admin, member, convention = exchange_pair()
    other_admin = fund_admin()
    MembershipFactory(user=admin.user, organisation=convention.partner.organisation, role=Role.PARTNER_USER)
    obj = EvaluationFactory(convention=convention, state=state, filled=True, evaluator=member.user)
    return Case(
        obj=obj,
        actor=admin.user,
        scope=Evaluation.objects.filter(fund=admin.organisation),
        foreign_scope=evaluation_selectors.fund_evaluations_for(other_admin),
    )


def _evaluation_model():
    from partners.evaluations.models import Evaluation

    return Evaluation


CASES[_evaluation_model()] = evaluation
