"""Factories of the partners space, with traits."""

import factory
from factory.django import DjangoModelFactory

from accounts.enums import OrganisationKind, Role
from accounts.models import Organisation
from partners.enums import ContactReason, ConventionState, PreRegistrationState
from partners.models import (
    ContactMessage,
    Convention,
    ConventionType,
    NewsArticle,
    Partner,
    PartnerType,
    PreRegistration,
)
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory

# Valid SIRETs (Luhn key right).
SIRETS = ["73282932000074", "35600000000048", "44306184100047", "55208131766522"]


class RegimeFactory(OrganisationFactory):
    kind = OrganisationKind.REGIME
    name = factory.Sequence(lambda n: f"Régime {n}")
    code = factory.Sequence(lambda n: f"REG{n}")


class FundFactory(OrganisationFactory):
    kind = OrganisationKind.FUND
    name = factory.Sequence(lambda n: f"Caisse {n}")
    code = factory.Sequence(lambda n: f"FUND{n}")
    parent = factory.SubFactory(RegimeFactory)


class PartnerTypeFactory(DjangoModelFactory):
    class Meta:
        model = PartnerType
        django_get_or_create = ("code",)

    code = "evaluation"
    label = "Structure d'évaluation"


class ConventionTypeFactory(DjangoModelFactory):
    class Meta:
        model = ConventionType
        django_get_or_create = ("code",)

    code = "evaluation"
    label = "Structure d'évaluation"


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PARTNER)
    partner_type = factory.SubFactory(PartnerTypeFactory)
    siret = "73282932000074"
    email = factory.Sequence(lambda n: f"partenaire{n}@example.test")
    phone = "03 02 01 05 09"
    postcode = "62000"
    town = "Arras"


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention

    partner = factory.SubFactory(PartnerFactory)
    fund = factory.SubFactory(FundFactory)
    convention_type = factory.SubFactory(ConventionTypeFactory)
    code = factory.Sequence(lambda n: f"CV{n:06d}")
    state = ConventionState.AWAITING

    class Params:
        validated = factory.Trait(state=ConventionState.VALIDATED)
        invalidated = factory.Trait(state=ConventionState.INVALIDATED)


class PreRegistrationFactory(DjangoModelFactory):
    class Meta:
        model = PreRegistration

    fund = factory.SubFactory(FundFactory)
    regime = factory.LazyAttribute(lambda o: o.fund.parent)
    convention_code = factory.Sequence(lambda n: f"PR{n:06d}")
    partner_type = factory.SubFactory(PartnerTypeFactory)
    partner_name = factory.Sequence(lambda n: f"Association {n}")
    siret = "73282932000074"
    phone = "03 02 01 05 09"
    postcode = "62000"
    town = "Arras"
    admin_last_name = "Durand"
    admin_first_name = "Alix"
    admin_login = factory.Sequence(lambda n: f"login{n}")
    admin_email = factory.Sequence(lambda n: f"admin{n}@example.test")
    admin_phone = "06 12 34 56 78"
    state = PreRegistrationState.PENDING

    class Params:
        validated = factory.Trait(state=PreRegistrationState.VALIDATED)
        invalidated = factory.Trait(state=PreRegistrationState.INVALIDATED)


class ContactMessageFactory(DjangoModelFactory):
    class Meta:
        model = ContactMessage

    convention_number = factory.Sequence(lambda n: f"X{n}")
    last_name = "Martin"
    email = "contact@example.test"
    phone = "03 02 01 05 09"
    reason = ContactReason.OTHER
    text = "Bonjour"


class NewsArticleFactory(DjangoModelFactory):
    class Meta:
        model = NewsArticle

    title = factory.Sequence(lambda n: f"Actualité {n}")
    slug = factory.Sequence(lambda n: f"actualite-{n}")
    summary = "Résumé"
    body = "Texte de l'actualité."


def fund_admin(fund=None, **user_fields):
    fund = fund or FundFactory()
    return MembershipFactory(role=Role.FUND_ADMIN, organisation=fund, is_admin=True, user=UserFactory(**user_fields))


def partner_member(partner=None, *, is_admin=False, **user_fields):
    partner = partner or PartnerFactory()
    return MembershipFactory(
        role=Role.PARTNER_USER, organisation=partner.organisation, is_admin=is_admin, user=UserFactory(**user_fields)
    )


def partner_of(organisation: Organisation):
    """The Partner of a partner organisation (created when the organisation came from a plain factory)."""
    existing = Partner.objects.filter(organisation=organisation).first()
    return existing or PartnerFactory(organisation=organisation)
