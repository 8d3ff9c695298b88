"""Factories for users, organisations and memberships, with a trait per role."""

import factory
from factory.django import DjangoModelFactory

from accounts.enums import KIND_ROLES, OrganisationKind, Role
from accounts.models import Membership, Organisation, User

DEFAULT_PASSWORD = "Motdepasse-de-test-2026"

ROLE_KIND = {role: kind for kind, roles in KIND_ROLES.items() for role in roles}


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    identifier = factory.Sequence(lambda n: f"user{n}@example.test")
    email = factory.LazyAttribute(lambda o: o.identifier if "@" in o.identifier else f"{o.identifier}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.COOPERATIVE
    name = factory.Sequence(lambda n: f"Organisation {n}")
    parent = factory.Maybe(
        factory.LazyAttribute(lambda o: o.kind == OrganisationKind.FUND),
        yes_declaration=factory.SubFactory(
            "tests.accounts.factories.OrganisationFactory", kind=OrganisationKind.REGIME
        ),
        no_declaration=None,
    )


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COOPERATOR
    organisation = factory.LazyAttribute(lambda o: OrganisationFactory(kind=ROLE_KIND[o.role]))


def member(role, organisation=None, **user_fields):
    """A user with one active membership of `role` (in `organisation`, or a new one of the right kind)."""
    kwargs = {"role": role, "user": UserFactory(**user_fields)}
    if organisation is not None:
        kwargs["organisation"] = organisation
    return MembershipFactory(**kwargs).user


def passkey(user, **fields):
    """A confirmed passkey record for `user` (not usable in a ceremony: tests/utils/webauthn.py is)."""
    import os

    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=user, name="Clé de test", confirmed=True, credential_id=os.urandom(32), public_key=b"test", **fields
    )


def totp_device(user, **fields):
    """A confirmed TOTP device for `user` (the code of the moment: `totp_now(device)`)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Test", confirmed=True, **fields)


def totp_now(device, *, offset=0):
    """The device's 6-digit code of the current time step (plus `offset` steps: a code is accepted once)."""
    from django_otp.oath import totp

    t0 = device.t0 - offset * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits, drift=device.drift):06d}"
