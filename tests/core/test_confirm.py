"""Irreversible actions without JavaScript: the first POST (no `confirmed`) gets the server's confirmation
page (core/confirm.py), which changes nothing and re-posts the same fields with confirmed=1; only that
second POST acts. The dialog of components/confirm_dialog.html adds the field when JavaScript runs."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, Space
from accounts.models import ErasureRequest, Membership
from accounts.services import gdpr
from benefits.enums import RequestState
from benefits.models import BenefitRequest
from partners.enums import ConventionState, PreRegistrationState
from partners.models import Convention, PreRegistration
from tests.accounts.factories import MembershipFactory, OrganisationFactory, member
from tests.benefits.factories import BenefitRequestFactory, CooperativeFactory, catalogue, cooperator_with_account
from tests.partners.factories import ConventionFactory, PreRegistrationFactory, fund_admin, partner_member
from tests.utils.clients import sign_in

pytestmark = pytest.mark.django_db


def _benefits(state):
    catalogue()
    coop = CooperativeFactory()
    officer = member(Role.UNION_OFFICER, organisation=coop.union)
    manager = member(Role.COOP_MANAGER, organisation=coop.organisation)
    family = cooperator_with_account(coop)
    obj = BenefitRequestFactory(cooperator=family, created_by=manager, **state)
    if obj.state == RequestState.PROCESSING:
        obj.amount = Decimal("60")
        obj.save()
    return officer, manager, obj


def pay():
    officer, _manager, obj = _benefits({"processing": True})
    data = {"payment_date": timezone.localdate().isoformat()}
    return officer, reverse("benefits:request_pay", args=[obj.pk]), data, lambda: _state(obj) == RequestState.PAID


def refuse():
    officer, _manager, obj = _benefits({"processing": True})
    data = {"refus-reason": "Doublon"}
    return officer, reverse("benefits:request_refuse", args=[obj.pk]), data, lambda: _state(obj) == RequestState.REFUSED


def reject():
    _officer, manager, obj = _benefits({"awaiting": True})
    data = {"rejet-reason": "Facture manquante"}
    return manager, reverse("benefits:request_reject", args=[obj.pk]), data, lambda: _state(obj) == RequestState.REFUSED


def withdraw():
    _officer, manager, obj = _benefits({})
    url = reverse("benefits:request_withdraw", args=[obj.pk])
    return manager, url, {}, lambda: _state(obj) == RequestState.WITHDRAWN


def bulk_pay():
    officer, _manager, obj = _benefits({"processing": True})
    data = {"ids": [str(obj.pk)], "groupe-payment_date": timezone.localdate().isoformat(), "retour": "etat=processing"}
    return officer, reverse("benefits:bulk_pay"), data, lambda: _state(obj) == RequestState.PAID


def _state(obj):
    return type(obj).objects.get(pk=obj.pk).state


def preregistration_validate():
    obj = PreRegistrationFactory()
    admin = fund_admin(obj.fund)
    url = reverse("partners:fund_preregistration", args=[obj.pk])
    return admin.user, url, {"action": "validate"}, lambda: _state(obj) == PreRegistrationState.VALIDATED


def preregistration_invalidate():
    obj = PreRegistrationFactory()
    admin = fund_admin(obj.fund)
    url = reverse("partners:fund_preregistration", args=[obj.pk])
    data = {"action": "invalidate", "reason": "SIRET inconnu"}
    return admin.user, url, data, lambda: _state(obj) == PreRegistrationState.INVALIDATED


def convention_validate():
    obj = ConventionFactory()
    admin = fund_admin(obj.fund)
    url = reverse("partners:fund_convention", args=[obj.pk])
    return admin.user, url, {"action": "validate"}, lambda: _state(obj) == ConventionState.VALIDATED


def convention_invalidate():
    obj = ConventionFactory()
    admin = fund_admin(obj.fund)
    url = reverse("partners:fund_convention", args=[obj.pk])
    data = {"action": "invalidate", "reason": "Code inconnu"}
    return admin.user, url, data, lambda: _state(obj) == ConventionState.INVALIDATED


def convention_withdraw():
    owner = partner_member(is_admin=True)
    obj = ConventionFactory(partner=owner.organisation.partner)
    url = reverse("partners:admin_convention_withdraw", args=[obj.pk])
    return owner.user, url, {}, lambda: _state(obj) == ConventionState.WITHDRAWN


def partner_user_delete():
    owner = partner_member(is_admin=True)
    other = partner_member(owner.organisation.partner)
    url = reverse("partners:admin_user_delete", args=[other.pk])
    return owner.user, url, {}, lambda: not Membership.objects.get(pk=other.pk).is_active


def _erasure(decision, reason=""):
    coop = OrganisationFactory(kind="cooperative")
    admin = MembershipFactory(role="coop_manager", organisation=coop, is_admin=True).user
    erasure = gdpr.erasure_request_create(user=member("cooperator", organisation=coop), space=Space.BENEFITS)
    url = reverse("accounts:erasure_process", args=[erasure.pk])
    target = "done" if decision == "done" else "refused"
    return admin, url, {"decision": decision, "reason": reason}, lambda: _status(erasure) == target


def _status(erasure):
    return ErasureRequest.objects.get(pk=erasure.pk).status


def erasure_accept():
    return _erasure("done")


def erasure_refuse():
    return _erasure("refused", "Dossier en cours")


ACTIONS = [
    pay,
    refuse,
    reject,
    withdraw,
    bulk_pay,
    preregistration_validate,
    preregistration_invalidate,
    convention_validate,
    convention_invalidate,
    convention_withdraw,
    partner_user_delete,
    erasure_accept,
    erasure_refuse,
]


def _hidden_fields(html):
    end = html.index('name="confirmed"')
    form = html[html.rindex("<form", 0, end) : html.index("</form>", end)]
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
        if name != "csrfmiddlewaretoken"
    }


@pytest.mark.parametrize("action", ACTIONS, ids=lambda f: f.__name__)
def test_an_irreversible_action_asks_first_then_acts(client, action):
    user, url, data, done = action()
    sign_in(client, user)
    first = client.post(url, data)
    assert first.status_code == 200, first.status_code
    assert not done(), "acted without confirmation"
    html = first.content.decode()
    assert 'name="confirmed" value="1"' in html and "Annuler" in html
    fields = _hidden_fields(html)
    # The confirmation page re-posts every field of the first POST, then confirmed=1.
    assert fields == {**{k: v[0] if isinstance(v, list) else v for k, v in data.items()}, "confirmed": "1"}
    second = client.post(url, fields)
    assert second.status_code == 302
    assert done()


def test_a_refused_form_is_answered_on_the_form_not_by_the_confirmation(client):
    officer, _manager, obj = _benefits({"processing": True})
    sign_in(client, officer)
    response = client.post(reverse("benefits:request_refuse", args=[obj.pk]), {"refus-reason": ""})
    assert response.status_code == 400 and 'name="confirmed"' not in response.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = client.post(reverse("benefits:request_pay", args=[obj.pk]), {"payment_date": future})
    assert 'name="confirmed"' not in response.content.decode()
    assert BenefitRequest.objects.get(pk=obj.pk).state == RequestState.PROCESSING


def test_the_confirmation_page_escapes_what_it_reposts(client):
    obj = PreRegistrationFactory()
    admin = fund_admin(obj.fund)
    sign_in(client, admin.user)
    url = reverse("partners:fund_preregistration", args=[obj.pk])
    html = client.post(url, {"action": "invalidate", "reason": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<dt>Motif</dt>" in html  # the reason the partner will read is shown before deciding
    assert PreRegistration.objects.get(pk=obj.pk).state == PreRegistrationState.PENDING
    assert Convention.objects.count() == 0


def test_a_foreign_object_is_still_a_404_before_any_confirmation(client):
    owner = partner_member(is_admin=True)
    foreign = ConventionFactory()
    sign_in(client, owner.user)
    assert client.post(reverse("partners:admin_convention_withdraw", args=[foreign.pk])).status_code == 404
