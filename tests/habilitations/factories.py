"""Factories of the Espace Organismes, with traits."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.enums import OrganisationKind, Role
from habilitations import services
from habilitations.enums import AccessRequestState, AccountRequestState, Management, RightState
from habilitations.models import AccessRequest, AccountRequest, Application, Delegation, Organisme, Right
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory


class OrganismeOrgFactory(OrganisationFactory):
    kind = OrganisationKind.ORGANISME
    name = factory.Sequence(lambda n: f"CPAM {n}")
    code = factory.Sequence(lambda n: f"{100000 + n:06d}")


class OrganismeFactory(DjangoModelFactory):
    class Meta:
        model = Organisme

    organisation = factory.SubFactory(OrganismeOrgFactory)
    town = "Paris"


class UcanssFactory(OrganisationFactory):
    kind = OrganisationKind.UCANSS
    name = factory.Sequence(lambda n: f"Ucanss {n}")


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    slug = factory.Sequence(lambda n: f"appli-{n}")
    name = factory.Sequence(lambda n: f"Application {n}")
    description = "Une application métier."
    url = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.test/")
    management = Management.LOCAL

    class Params:
        central = factory.Trait(management=Management.CENTRAL)


def member(role, organisation=None, **user_fields):
    kwargs = {"role": role, "user": UserFactory(**user_fields)}
    if organisation is not None:
        kwargs["organisation"] = organisation
    elif role in (Role.CORRESPONDENT, Role.ORGANISME_USER):
        kwargs["organisation"] = OrganismeOrgFactory()
    return MembershipFactory(**kwargs)


def correspondent(organisation=None, **user_fields):
    return member(Role.CORRESPONDENT, organisation, **user_fields)


def organisme_user(organisation=None, **user_fields):
    return member(Role.ORGANISME_USER, organisation, **user_fields)


def ucanss_admin():
    return member(Role.UCANSS_ADMIN)


def app_manager(*applications):
    membership = member(Role.APP_MANAGER)
    for application in applications:
        services._grant(membership.user, application, "manage_application")
    return membership


class AccessRequestFactory(DjangoModelFactory):
    class Meta:
        model = AccessRequest

    user = factory.LazyAttribute(lambda o: organisme_user(o.organisme).user)
    application = factory.SubFactory(ApplicationFactory)
    organisme = factory.SubFactory(OrganismeOrgFactory)
    state = AccessRequestState.PENDING
    justification = "Pour mon travail."

    class Params:
        days_ago = None

    @factory.lazy_attribute
    def created_at(self):
        return timezone.now() - timedelta(days=self.days_ago or 0)


class RightFactory(DjangoModelFactory):
    class Meta:
        model = Right
        skip_postgeneration_save = True

    user = factory.LazyAttribute(lambda o: organisme_user(o.organisme).user)
    application = factory.SubFactory(ApplicationFactory)
    organisme = factory.SubFactory(OrganismeOrgFactory)
    state = RightState.ACTIVE

    @factory.post_generation
    def grant(obj, create, extracted, **kwargs):
        if create and obj.state == RightState.ACTIVE:
            services._grant(obj.user, obj.application, "use_application")


class AccountRequestFactory(DjangoModelFactory):
    class Meta:
        model = AccountRequest

    email = factory.Sequence(lambda n: f"nouveau{n}@organisme.test")
    civility = "mme"
    first_name = "Nina"
    last_name = "Ouvelle"
    organisme = factory.SubFactory(OrganismeOrgFactory)
    phone = "01 23 45 67 89"
    state = AccountRequestState.PENDING


class DelegationFactory(DjangoModelFactory):
    class Meta:
        model = Delegation

    organisme = factory.SubFactory(OrganismeOrgFactory)
    absent = factory.LazyAttribute(lambda o: correspondent(o.organisme).user)
    delegate = factory.LazyAttribute(lambda o: organisme_user(o.organisme).user)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
