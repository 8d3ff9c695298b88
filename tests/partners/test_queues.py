"""Every queue item reaches someone; role-level checks follow the organisation acted for; the partner
corrects or withdraws a pending convention; e-mails link to their object and name who they speak of."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.middleware import SESSION_MEMBERSHIP
from core.models import OutboundMessage
from partners import selectors, services
from partners.enums import ConventionState, PreRegistrationState
from partners.models import Convention, PreRegistration
from tests.accounts.factories import MembershipFactory
from tests.utils.clients import sign_in

from .factories import (
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


def _data(fund, **overrides):
    return {
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
        **overrides,
    }


def _national():
    return MembershipFactory(role=Role.NATIONAL_ADMIN)


# --- a fund without an administrator --------------------------------------------------------------


def test_preregistration_to_a_fund_without_admin_reaches_the_national_admins():
    national = _national()
    fund = FundFactory()
    prereg = services.preregistration_submit(data=_data(fund))
    told = OutboundMessage.objects.get(recipient=national.user.email, event="partners.preregistration_received")
    assert "n'a pas d'administrateur" in told.body and prereg.get_absolute_url() in told.body
    # They decide it: it is in their scope, and they may.
    scope = selectors.preregistrations_for(national)
    assert list(scope) == [prereg]
    assert national.user.has_perm("partners.process_registrations", prereg)
    services.preregistration_validate(preregistration_id=prereg.pk, actor=national.user, scope=scope)
    assert PreRegistration.objects.get(pk=prereg.pk).state == PreRegistrationState.VALIDATED


def test_once_the_fund_has_an_admin_its_queue_is_theirs_only():
    national = _national()
    admin = fund_admin()
    prereg = PreRegistrationFactory(fund=admin.organisation)
    assert not selectors.preregistrations_for(national).exists()
    assert not national.user.has_perm("partners.process_registrations", prereg)
    services.preregistration_submit(data=_data(admin.organisation))
    assert not OutboundMessage.objects.filter(recipient=national.user.email).exists()


def test_new_convention_to_a_fund_without_admin_reaches_the_national_admins():
    national = _national()
    partner = PartnerFactory()
    owner = partner_member(partner, is_admin=True)
    fund = FundFactory()
    convention = services.convention_add(
        partner=partner,
        regime=fund.parent,
        fund=fund,
        convention_type=ConventionTypeFactory(),
        code="CL1972",
        actor=owner.user,
    )
    assert OutboundMessage.objects.filter(recipient=national.user.email, event="partners.convention_received").exists()
    scope = selectors.fund_conventions_for(national)
    services.convention_validate(convention_id=convention.pk, actor=national.user, scope=scope)
    assert Convention.objects.get(pk=convention.pk).state == ConventionState.VALIDATED


def test_supervision_lists_everything_pending_with_its_age(client):
    national = _national()
    orphan = PreRegistrationFactory(partner_name="Sans caisse", created_at=timezone.now() - datetime.timedelta(days=9))
    admin = fund_admin()
    PreRegistrationFactory(partner_name="Avec caisse", fund=admin.organisation)
    ConventionFactory(code="ORPH01")
    sign_in(client, national.user)
    response = client.get(reverse("partners:supervision"))
    html = response.text
    assert "Sans caisse" in html and "Avec caisse" in html and "ORPH01" in html
    assert "9\xa0jours" in html or "9 jours" in html
    assert orphan.get_absolute_url() in html  # theirs to decide
    assert f"?caisse={orphan.fund_id}" in html  # or to hand over
    assert client.get(orphan.get_absolute_url()).status_code == 200
    assert client.get(reverse("partners:supervision")).status_code == 200
    sign_in(client, admin.user)
    assert client.get(reverse("partners:supervision")).status_code == 403


def test_national_admin_decides_in_the_page_and_goes_back_to_supervision(client):
    national = _national()
    prereg = PreRegistrationFactory()
    sign_in(client, national.user)
    response = client.post(
        prereg.get_absolute_url(), {"action": "invalidate", "reason": "Caisse inconnue", "confirmed": "1"}
    )
    assert response.url == reverse("partners:supervision")
    prereg.refresh_from_db()
    assert prereg.state == PreRegistrationState.INVALIDATED and prereg.decision_reason == "Caisse inconnue"
    assert prereg.decided_by == national.user


# --- acting for one organisation ------------------------------------------------------------------


def test_a_user_acting_for_a_partner_gets_403_on_the_fund_pages(client):
    admin = fund_admin()
    partner = PartnerFactory()
    partner_membership = MembershipFactory(
        user=admin.user, organisation=partner.organisation, role=Role.PARTNER_USER, is_admin=True
    )
    sign_in(client, admin.user)
    session = client.session
    session[SESSION_MEMBERSHIP] = partner_membership.pk
    session.save()
    for name in ("partners:fund_queue", "partners:partner_list", "partners:contact_list", "partners:fund_conventions"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("partners:admin_partner")).status_code == 200
    session = client.session
    session[SESSION_MEMBERSHIP] = admin.pk
    session.save()
    assert client.get(reverse("partners:fund_queue")).status_code == 200
    assert client.get(reverse("partners:admin_partner")).status_code == 403


# --- receipt, links, names ------------------------------------------------------------------------


def test_the_applicant_gets_a_receipt_at_submission():
    fund = FundFactory()
    fund_admin(fund)
    services.preregistration_submit(data=_data(fund))
    receipt = OutboundMessage.objects.get(recipient="alix@example.test")
    assert receipt.event == "partners.preregistration_receipt"
    assert "Association Ciel" in receipt.body and fund.name in receipt.body and "Alix7" in receipt.body


def test_validation_mail_names_the_partner_and_the_fund_and_links_to_the_login():
    prereg = PreRegistrationFactory(partner_name="Association Ciel")
    admin = fund_admin(prereg.fund)
    services.preregistration_validate(
        preregistration_id=prereg.pk, actor=admin.user, scope=selectors.preregistrations_for(admin)
    )
    mail = OutboundMessage.objects.get(recipient=prereg.admin_email, event="partners.preregistration_validated")
    assert "Association Ciel" in mail.subject and prereg.fund.name in mail.subject
    assert "Association Ciel" in mail.body and prereg.fund.name in mail.body
    assert reverse("accounts:login") in mail.body


def test_fund_mails_link_to_the_object(client):
    fund = FundFactory()
    admin = fund_admin(fund)
    prereg = services.preregistration_submit(data=_data(fund))
    mail = OutboundMessage.objects.get(recipient=admin.user.email)
    assert prereg.get_absolute_url() in mail.body


# --- duplicate SIRET: the fund is warned ----------------------------------------------------------


def test_duplicate_siret_warns_the_fund(client):
    fund = FundFactory()
    admin = fund_admin(fund)
    PartnerFactory(siret="73282932000074", organisation__name="Déjà inscrit")
    prereg = services.preregistration_submit(data=_data(fund))
    mail = OutboundMessage.objects.get(recipient=admin.user.email)
    assert "Déjà inscrit" in mail.body and "SIRET" in mail.body
    sign_in(client, admin.user)
    html = client.get(prereg.get_absolute_url()).text
    assert "SIRET déjà connu" in html and "Déjà inscrit" in html
    alone = PreRegistrationFactory(fund=fund, siret="35600000000048")
    assert "SIRET déjà connu" not in client.get(alone.get_absolute_url()).text


# --- the partner's pending conventions ------------------------------------------------------------


def test_partner_corrects_then_withdraws_a_pending_convention(client):
    owner = partner_member(is_admin=True)
    fund = FundFactory()
    fadmin = fund_admin(fund)
    convention = ConventionFactory(partner=owner.organisation.partner, fund=fund, code="ERR01")
    sign_in(client, owner.user)
    listing = client.get(reverse("partners:admin_conventions")).text
    edit = reverse("partners:admin_convention_edit", args=[convention.pk])
    assert edit in listing
    data = {"regime": fund.parent_id, "fund": fund.pk, "convention_type": ConventionTypeFactory().pk, "code": "BON01"}
    client.post(edit, data)
    convention.refresh_from_db()
    assert convention.code == "BON01" and convention.state == ConventionState.AWAITING
    withdraw = reverse("partners:admin_convention_withdraw", args=[convention.pk])
    assert client.get(withdraw).status_code == 405
    client.post(withdraw, {"confirmed": "1"})
    convention.refresh_from_db()
    assert convention.state == ConventionState.WITHDRAWN
    assert OutboundMessage.objects.filter(recipient=fadmin.user.email, event="partners.convention_withdrawn").exists()
    # No longer pending: neither corrected nor withdrawn again.
    response = client.post(edit, {**data, "code": "AUTRE"})
    convention.refresh_from_db()
    assert convention.code == "BON01"
    response = client.post(withdraw, follow=True)
    assert "pas possible dans l’état actuel" in response.text
    # A withdrawn code may be entered again.
    client.post(reverse("partners:admin_conventions"), data)
    assert Convention.objects.filter(code="BON01", state=ConventionState.AWAITING).exists()


def test_partner_sees_the_invalidation_reason(client):
    owner = partner_member(is_admin=True)
    convention = ConventionFactory(partner=owner.organisation.partner)
    fadmin = fund_admin(convention.fund)
    services.convention_invalidate(
        convention_id=convention.pk,
        actor=fadmin.user,
        scope=selectors.fund_conventions_for(fadmin),
        reason="Code inconnu de la caisse",
    )
    sign_in(client, owner.user)
    assert "Code inconnu de la caisse" in client.get(reverse("partners:admin_conventions")).text


def test_another_partner_cannot_touch_the_convention(client):
    owner = partner_member(is_admin=True)
    convention = ConventionFactory()
    sign_in(client, owner.user)
    assert client.get(reverse("partners:admin_convention_edit", args=[convention.pk])).status_code == 404
    assert client.post(reverse("partners:admin_convention_withdraw", args=[convention.pk])).status_code == 404


# --- the fund's new conventions are all reachable -------------------------------------------------


def test_new_conventions_list_does_not_stop_silently(client, monkeypatch):
    from partners.views import fund as views

    monkeypatch.setattr(views, "CONVENTIONS_ON_QUEUE", 3)
    admin = fund_admin()
    ConventionFactory.create_batch(5, fund=admin.organisation)
    sign_in(client, admin.user)
    html = client.get(reverse("partners:fund_queue")).text
    assert "sur 5" in html and reverse("partners:fund_conventions") in html
    response = client.get(reverse("partners:fund_conventions"), {"par_page": 10})
    assert len(response.context["table"].page.object_list) == 5


def test_irreversible_decisions_ask_confirmation_in_the_dialog(client):
    admin = fund_admin()
    prereg = PreRegistrationFactory(fund=admin.organisation)
    sign_in(client, admin.user)
    html = client.get(prereg.get_absolute_url()).text
    assert 'data-confirm="validate-dialog"' in html and 'data-confirm="invalidate-dialog"' in html
    assert 'id="validate-dialog"' in html and 'id="invalidate-dialog"' in html
