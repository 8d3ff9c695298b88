"""Services of the partners space: validation, transitions with history, partner user rules."""

import pytest
from django.core.exceptions import ValidationError

from accounts.enums import OrganisationKind, Role
from accounts.models import Membership, Organisation, TemporaryPassword, User
from accounts.services.credentials import EVENT_TEMPORARY_PASSWORD
from core.history import TransitionNotAllowed, timeline_for
from core.models import OutboundMessage
from partners import selectors, services
from partners.enums import ContactState, ConventionState, PreRegistrationState
from partners.models import ContactMessage, Convention, ConventionType, Partner, PartnerType, PreRegistration

from .factories import (
    ContactMessageFactory,
    ConventionFactory,
    ConventionTypeFactory,
    FundFactory,
    PartnerFactory,
    PartnerTypeFactory,
    PreRegistrationFactory,
    fund_admin,
    partner_member,
)

pytestmark = pytest.mark.django_db


def _prereg_data(fund, **overrides):
    data = {
        "regime": fund.parent,
        "fund": fund,
        "convention_code": "757300",
        "partner_type": PartnerTypeFactory(),
        "partner_name": "Association Ciel",
        "siret": "73282932000074",
        "phone": "03 02 01 05 09",
        "postcode": "62000",
        "town": "Arras",
        "admin_last_name": "Durand",
        "admin_first_name": "Alix",
        "admin_login": "Alix7",
        "admin_email": "alix@example.test",
        "admin_phone": "06 12 34 56 78",
    }
    data.update(overrides)
    return data


def test_reference_data_is_loaded_by_the_migration():
    regimes = set(Organisation.objects.filter(kind=OrganisationKind.REGIME).values_list("code", flat=True))
    assert {"CNAV", "MSA", "SSI", "CNRACL", "DGAFP", "CAVIMAC"} <= regimes
    cnav_funds = Organisation.objects.filter(kind=OrganisationKind.FUND, parent__code="CNAV")
    names = set(cnav_funds.values_list("name", flat=True))
    assert "CNAV Île-de-France" in names
    assert sum("CARSAT" in n for n in names) >= 14
    assert sum("CGSS" in n for n in names) == 4
    assert Organisation.objects.filter(kind=OrganisationKind.FUND, parent__code="MSA").count() == 35
    assert Organisation.objects.get(kind=OrganisationKind.FUND, code="FPE").parent.code == "DGAFP"
    assert PartnerType.objects.count() >= 3 and ConventionType.objects.count() >= 3


def test_reference_data_load_is_idempotent():
    from partners.reference import load_reference_data

    assert load_reference_data() == 0


def test_submit_records_history_and_mails_fund_admins():
    fund = FundFactory()
    admin = fund_admin(fund)
    other_fund_admin = fund_admin()
    prereg = services.preregistration_submit(data=_prereg_data(fund))
    assert prereg.state == PreRegistrationState.PENDING
    assert [t.to_state for t in timeline_for(prereg)] == ["pending"]
    recipients = set(OutboundMessage.objects.values_list("recipient", flat=True))
    assert admin.user.email in recipients
    assert other_fund_admin.user.email not in recipients


def test_submit_refuses_a_fund_of_another_regime():
    fund, other = FundFactory(), FundFactory()
    with pytest.raises(ValidationError) as error:
        services.preregistration_submit(data=_prereg_data(fund, regime=other.parent))
    assert "fund" in error.value.message_dict


def test_submit_refuses_taken_login_and_code():
    fund = FundFactory()
    User.objects.create_user("alix7", "x")
    ConventionFactory(fund=fund, code="757300", validated=True)
    with pytest.raises(ValidationError) as error:
        services.preregistration_submit(data=_prereg_data(fund))
    assert set(error.value.message_dict) == {"admin_login", "convention_code"}


def test_pending_login_is_reserved():
    fund = FundFactory()
    services.preregistration_submit(data=_prereg_data(fund))
    with pytest.raises(ValidationError) as error:
        services.preregistration_submit(data=_prereg_data(fund, convention_code="other", admin_login="ALIX7"))
    assert "admin_login" in error.value.message_dict


def test_validate_creates_partner_convention_and_admin_with_temporary_password():
    prereg = PreRegistrationFactory()
    admin = fund_admin(prereg.fund)
    scope = selectors.preregistrations_for(admin)
    services.preregistration_validate(preregistration_id=prereg.pk, actor=admin.user, scope=scope)
    prereg.refresh_from_db()
    assert prereg.state == PreRegistrationState.VALIDATED and prereg.decided_by == admin.user
    partner = Partner.objects.get(organisation__name=prereg.partner_name)
    assert partner.organisation.kind == OrganisationKind.PARTNER and partner.organisation.is_active
    convention = partner.conventions.get()
    assert convention.state == ConventionState.VALIDATED and convention.code == prereg.convention_code
    user = User.objects.get(identifier=prereg.admin_login)
    membership = Membership.objects.get(user=user)
    assert membership.is_admin and membership.role == Role.PARTNER_USER and user.is_active
    assert TemporaryPassword.objects.filter(user=user).exists()
    mail = OutboundMessage.objects.get(recipient=prereg.admin_email, event=EVENT_TEMPORARY_PASSWORD)
    assert prereg.admin_login in mail.body
    assert [t.to_state for t in timeline_for(prereg)] == ["validated"]


def test_validate_twice_one_wins():
    prereg = PreRegistrationFactory()
    first, second = fund_admin(prereg.fund), fund_admin(prereg.fund)
    services.preregistration_validate(
        preregistration_id=prereg.pk, actor=first.user, scope=selectors.preregistrations_for(first)
    )
    with pytest.raises(TransitionNotAllowed):
        services.preregistration_validate(
            preregistration_id=prereg.pk, actor=second.user, scope=selectors.preregistrations_for(second)
        )
    assert Partner.objects.count() == 1


def test_other_fund_cannot_validate():
    prereg = PreRegistrationFactory()
    intruder = fund_admin()
    with pytest.raises(PreRegistration.DoesNotExist):
        services.preregistration_validate(
            preregistration_id=prereg.pk, actor=intruder.user, scope=selectors.preregistrations_for(intruder)
        )


def test_invalidate_requires_reason_and_mails_the_partner():
    prereg = PreRegistrationFactory()
    admin = fund_admin(prereg.fund)
    scope = selectors.preregistrations_for(admin)
    with pytest.raises(ValidationError):
        services.preregistration_invalidate(preregistration_id=prereg.pk, actor=admin.user, scope=scope, reason=" ")
    services.preregistration_invalidate(
        preregistration_id=prereg.pk, actor=admin.user, scope=scope, reason="SIRET erroné"
    )
    prereg.refresh_from_db()
    assert prereg.state == PreRegistrationState.INVALIDATED
    mail = OutboundMessage.objects.get(recipient=prereg.admin_email)
    assert "SIRET erroné" in mail.body
    # The login is free again: a new pre-registration may use it.
    services.preregistration_submit(data=_prereg_data(prereg.fund, admin_login=prereg.admin_login))


def test_convention_add_validate_invalidate():
    partner = PartnerFactory()
    admin_membership = partner_member(partner, is_admin=True)
    fund = FundFactory()
    fadmin = fund_admin(fund)
    convention = services.convention_add(
        partner=partner,
        regime=fund.parent,
        fund=fund,
        convention_type=ConventionTypeFactory(),
        code="CL1972",
        actor=admin_membership.user,
    )
    assert convention.state == ConventionState.AWAITING
    assert OutboundMessage.objects.filter(recipient=fadmin.user.email).exists()
    with pytest.raises(ValidationError) as error:
        services.convention_add(
            partner=partner,
            regime=fund.parent,
            fund=fund,
            convention_type=ConventionTypeFactory(),
            code="cl1972",
            actor=admin_membership.user,
        )
    assert "code" in error.value.message_dict
    services.convention_invalidate(
        convention_id=convention.pk, actor=fadmin.user, scope=selectors.fund_conventions_for(fadmin), reason="Erreur"
    )
    mail = OutboundMessage.objects.get(recipient=admin_membership.user.email)
    assert mail.subject == "Mail de confirmation : invalidation de convention"
    assert "CL1972" in mail.body and fund.name in mail.body
    with pytest.raises(TransitionNotAllowed):
        services.convention_validate(
            convention_id=convention.pk, actor=fadmin.user, scope=selectors.fund_conventions_for(fadmin)
        )
    # Once invalidated, the code may be entered again.
    again = services.convention_add(
        partner=partner,
        regime=fund.parent,
        fund=fund,
        convention_type=ConventionTypeFactory(),
        code="CL1972",
        actor=admin_membership.user,
    )
    services.convention_validate(
        convention_id=again.pk, actor=fadmin.user, scope=selectors.fund_conventions_for(fadmin)
    )
    assert Convention.objects.get(pk=again.pk).state == ConventionState.VALIDATED


def test_partner_user_create_sends_temporary_password():
    partner = PartnerFactory()
    admin = partner_member(partner, is_admin=True)
    new = services.partner_user_create(
        partner=partner,
        actor=admin.user,
        last_name="Martin",
        first_name="Mika",
        login="Martin37",
        phone="03 02 04 05 06",
        email="martin@example.test",
        is_admin=False,
    )
    assert new.user.memberships.get().organisation == partner.organisation
    assert OutboundMessage.objects.filter(recipient="martin@example.test").exists()
    with pytest.raises(ValidationError):
        services.partner_user_create(
            partner=partner,
            actor=admin.user,
            last_name="X",
            first_name="Y",
            login="martin37",
            phone="",
            email="y@example.test",
            is_admin=False,
        )


def _update(membership, actor, is_admin):
    user = membership.user
    return services.partner_user_update(
        membership=membership,
        actor=actor,
        last_name=user.last_name,
        first_name=user.first_name,
        phone=user.phone,
        email=user.email,
        is_admin=is_admin,
    )


def test_admin_rules_enforced_in_services():
    partner = PartnerFactory()
    me = partner_member(partner, is_admin=True)
    other = partner_member(partner)
    # Never one's own box.
    with pytest.raises(ValidationError) as error:
        _update(me, me.user, False)
    assert "is_admin" in error.value.message_dict
    # Grant, then the other admin cannot be deleted before losing the right.
    _update(other, me.user, True)
    with pytest.raises(ValidationError):
        services.partner_user_delete(membership=other, actor=me.user)
    _update(other, me.user, False)
    services.partner_user_delete(membership=other, actor=me.user)
    other.refresh_from_db()
    other.user.refresh_from_db()
    assert not other.is_active and not other.user.is_active
    # Never oneself.
    with pytest.raises(ValidationError):
        services.partner_user_delete(membership=me, actor=me.user)


def test_last_admin_can_be_neither_demoted_nor_deleted():
    partner = PartnerFactory()
    last = partner_member(partner, is_admin=True)
    other_admin = partner_member(partner, is_admin=True)
    # other_admin demotes `last`: allowed while two admins exist.
    _update(last, other_admin.user, False)
    # Now other_admin is the last admin: `last` (no longer admin) cannot demote them... and nobody can.
    colleague = partner_member(partner, is_admin=True)
    _update(colleague, other_admin.user, True)
    Membership.objects.filter(pk=colleague.pk).update(is_active=False)
    with pytest.raises(ValidationError) as error:
        _update(other_admin, colleague.user, False)
    assert "au moins un administrateur" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.partner_user_delete(membership=other_admin, actor=last.user)
    assert "dernier administrateur" in str(error.value)


def test_partner_update_and_address():
    partner = PartnerFactory()
    admin = partner_member(partner, is_admin=True)
    services.partner_update(
        partner=partner,
        actor=admin.user,
        name="Nouveau nom",
        siret="35600000000048",
        email="n@example.test",
        phone="01 23 45 67 89",
    )
    partner.refresh_from_db()
    assert partner.organisation.name == "Nouveau nom" and partner.siret == "35600000000048"
    services.partner_address_update(
        partner=partner, actor=admin.user, locality="BP 1972", postcode="62000", town="Arras"
    )
    partner.refresh_from_db()
    assert partner.locality == "BP 1972"
    with pytest.raises(ValueError):
        services.partner_address_update(partner=partner, actor=admin.user, siret="1")


def test_contact_message_routed_to_the_fund_of_the_convention():
    convention = ConventionFactory(validated=True, code="9059003C")
    fadmin = fund_admin(convention.fund)
    national = Membership.objects.create(
        user=fund_admin().user,
        organisation=Organisation.objects.create(kind="national_admin", name="N"),
        role="national_admin",
    )
    data = {
        "convention_number": "9059003C",
        "last_name": "Martin",
        "email": "m@example.test",
        "phone": "03 02 01 05 09",
        "reason": "other",
        "text": "Bonjour",
    }
    message = services.contact_message_submit(data=data)
    assert message.fund == convention.fund
    assert OutboundMessage.objects.filter(recipient=fadmin.user.email).count() == 1
    unknown = services.contact_message_submit(data={**data, "convention_number": "inconnu"})
    assert unknown.fund is None
    assert OutboundMessage.objects.filter(recipient=national.user.email).count() == 1
    services.contact_message_close(
        message_id=message.pk, actor=fadmin.user, scope=selectors.contact_messages_for(fadmin)
    )
    assert ContactMessage.objects.get(pk=message.pk).state == ContactState.CLOSED
    other = ContactMessageFactory(fund=FundFactory())
    with pytest.raises(ContactMessage.DoesNotExist):
        services.contact_message_close(
            message_id=other.pk, actor=fadmin.user, scope=selectors.contact_messages_for(fadmin)
        )
