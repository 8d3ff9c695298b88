"""Factories of the exchanges (evaluations, fees, slips), with traits."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.enums import Role
from partners.enums import ConventionState
from partners.evaluations.aggir import DISCRIMINANT_KEYS
from partners.evaluations.enums import Aid, EvaluationState, EvaluationType
from partners.evaluations.models import Evaluation, EvaluationFee
from partners.models import ConventionType
from tests.accounts.factories import MembershipFactory, UserFactory

from .factories import ConventionFactory, FundFactory, PartnerFactory, fund_admin

GIR_4_GRID = dict(zip(DISCRIMINANT_KEYS, ("A", "A", "B", "B", "A", "A", "B", "B", "B", "A"), strict=True))


def evaluation_convention_type():
    return ConventionType.objects.get_or_create(code="evaluation", defaults={"label": "Structure d'évaluation"})[0]


def evaluation_convention(*, fund=None, partner=None, **fields):
    """A validated evaluation convention (what opens the exchanges)."""
    return ConventionFactory(
        fund=fund or FundFactory(),
        partner=partner or PartnerFactory(),
        convention_type=evaluation_convention_type(),
        state=ConventionState.VALIDATED,
        **fields,
    )


class EvaluationFactory(DjangoModelFactory):
    class Meta:
        model = Evaluation

    convention = factory.LazyFunction(evaluation_convention)
    fund = factory.LazyAttribute(lambda o: o.convention.fund)
    partner = factory.LazyAttribute(lambda o: o.convention.partner)
    file_number = factory.Sequence(lambda n: f"EV2026-{n:06d}")
    evaluation_type = EvaluationType.INITIAL
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    first_name = "Marie"
    birth_date = datetime.date(1940, 3, 14)
    address = "3 rue des Lilas"
    postcode = "62000"
    town = "Arras"
    phone = "03 21 00 00 01"
    reason = "Retour à domicile après une chute."
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=15))
    ordered_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    state = EvaluationState.ORDERED

    class Params:
        filled = factory.Trait(
            visit_date=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1)),
            living_conditions="Maison de plain-pied, salle de bain à l'étage.",
            help_in_place="Aucune.",
            family_support="Une fille à 20 km.",
            aggir=GIR_4_GRID,
            gir=4,
            needs="Aide au ménage et à la toilette.",
            plan=[{"aid": Aid.HOME_HELP, "hours": "12"}],
            ready=True,
        )


def fee(fund, evaluation_type=EvaluationType.INITIAL, amount="180.00"):
    return EvaluationFee.objects.create(fund=fund, evaluation_type=evaluation_type, amount=Decimal(amount))


def structure_member(partner, *, is_admin=False, **user_fields):
    return MembershipFactory(
        role=Role.PARTNER_USER, organisation=partner.organisation, is_admin=is_admin, user=UserFactory(**user_fields)
    )


def exchange_pair():
    """(fund admin membership, structure member membership, convention) joined by a validated convention."""
    admin = fund_admin()
    convention = evaluation_convention(fund=admin.organisation)
    member = structure_member(convention.partner)
    return admin, member, convention
