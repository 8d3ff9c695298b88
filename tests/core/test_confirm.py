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


def advance_cancel():
    from interim.enums import AdvanceState
    from tests.interim.factories import AdvanceFactory

    obj = AdvanceFactory(state=AdvanceState.PENDING, amount=Decimal("50"))
    url = reverse("interim:advance_cancel", args=[obj.pk])
    return obj.worker.user, url, {}, lambda: _state(obj) == AdvanceState.CANCELLED


def targeting_close():
    from interim.enums import TargetingState
    from tests.interim import mission_factories as mf

    obj = mf.targeting()
    url = reverse("interim:agency_targeting_close", args=[obj.pk])
    return mf.staff_of(obj.agency), url, {}, lambda: _state(obj) == TargetingState.CLOSED


def _batch_step(step, *targets):
    from tests.interim import mission_factories as mf

    obj = mf.batch_item().batch  # a batch ready, with one document recognised
    url = reverse("interim:agency_batch_act", args=[obj.pk, step])
    return mf.staff_of(obj.agency), url, {}, lambda: _state(obj) in targets


def batch_publish():
    from interim.enums import BatchState

    return _batch_step("publish", BatchState.PUBLISHING, BatchState.PUBLISHED)  # the task runs eagerly in tests


def batch_cancel():
    from interim.enums import BatchState

    return _batch_step("cancel", BatchState.CANCELLED)


def batch_item_withdraw():
    from interim.enums import BatchItemState, BatchState
    from tests.interim import mission_factories as mf

    obj = mf.batch_item(BatchItemState.PUBLISHED, batch_state=BatchState.PUBLISHED)
    type(obj.batch).objects.filter(pk=obj.batch_id).update(published=1)
    url = reverse("interim:agency_batch_item_act", args=[obj.pk, "withdraw"])
    return mf.staff_of(obj.batch.agency), url, {}, lambda: _state(obj) == BatchItemState.WITHDRAWN


def access_request_cancel():
    from habilitations.enums import AccessRequestState
    from tests.habilitations.factories import AccessRequestFactory

    obj = AccessRequestFactory()
    url = reverse("habilitations:access_request_cancel", args=[obj.pk])
    return obj.user, url, {}, lambda: _state(obj) == AccessRequestState.CANCELLED


def right_revoke():
    from habilitations.enums import RightState
    from tests.habilitations.factories import RightFactory, correspondent

    validator = correspondent()
    obj = RightFactory(organisme=validator.organisation)
    url = reverse("habilitations:right_detail", args=[obj.pk])
    return validator.user, url, {"reason": "Départ de l’agent"}, lambda: _state(obj) == RightState.REVOKED


def _evaluation(data, target):
    from partners.evaluations.enums import EvaluationState
    from tests.partners.evaluation_factories import EvaluationFactory, exchange_pair

    admin, _member, convention = exchange_pair()
    state = EvaluationState.ORDERED if data["action"] == "cancel" else EvaluationState.TRANSMITTED
    obj = EvaluationFactory(convention=convention, state=state, filled=True)
    url = reverse("partners:eval_fund_detail", args=[obj.pk])
    return admin.user, url, data, lambda: _state(obj) == target


def evaluation_accept():
    from partners.evaluations.enums import EvaluationState

    return _evaluation({"action": "accept"}, EvaluationState.ACCEPTED)


def evaluation_cancel():
    from partners.evaluations.enums import EvaluationState

    return _evaluation({"action": "cancel", "reason": "Bénéficiaire hospitalisé"}, EvaluationState.CANCELLED)


def contract_cancel():
    from interim.enums import ContractState
    from tests.interim.factories import ContractFactory, staff_of

    obj = ContractFactory(state=ContractState.TO_SIGN)
    url = reverse("interim:agency_contract_cancel", args=[obj.pk])
    data = {"annulation-reason": "Mission annulée par le client"}
    return staff_of(obj.agency), url, data, lambda: _state(obj) == ContractState.CANCELLED


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
    advance_cancel,
    targeting_close,
    batch_publish,
    batch_cancel,
    batch_item_withdraw,
    access_request_cancel,
    right_revoke,
    evaluation_accept,
    evaluation_cancel,
    contract_cancel,
]

# Each workflow step declared `confirm=True`, and the action above that proves its view asks first.
# A step no person runs from a page (none today) would be listed with None and the reason.
CONFIRMED_STEPS = {
    "BenefitRequest.pay": pay,
    "BenefitRequest.refuse": refuse,
    "BenefitRequest.reject": reject,
    "BenefitRequest.withdraw": withdraw,
    "PreRegistration.validate": preregistration_validate,
    "PreRegistration.invalidate": preregistration_invalidate,
    "Convention.validate": convention_validate,
    "Convention.invalidate": convention_invalidate,
    "Convention.withdraw": convention_withdraw,
    "ErasureRequest.accept": erasure_accept,
    "ErasureRequest.refuse": erasure_refuse,
    "Advance.cancel": advance_cancel,
    "Targeting.close": targeting_close,
    "DocumentBatch.publish": batch_publish,
    "DocumentBatch.cancel": batch_cancel,
    "DocumentBatchItem.withdraw": batch_item_withdraw,
    "AccessRequest.cancel": access_request_cancel,
    "Right.revoke": right_revoke,
    "Evaluation.accept": evaluation_accept,
    "Evaluation.cancel": evaluation_cancel,
    "Contract.cancel": contract_cancel,
}


def test_every_step_declared_irreversible_has_a_view_that_asks_first():
    from core.workflows import workflows

    declared = {f"{w.model.__name__}.{s.name}" for w in workflows() for s in w.steps if s.confirm}
    assert declared == set(CONFIRMED_STEPS), declared ^ set(CONFIRMED_STEPS)
    assert all(action in ACTIONS for action in CONFIRMED_STEPS.values())


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
