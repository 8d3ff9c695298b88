"""Issue 9, money and bank details: a RIB's IBAN applies only when the Union validates it, a change of what
the amount depends on resets it to the tariff, a payment date is bounded."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from benefits import selectors, services
from benefits.enums import DocumentStatus, FamilyDocumentKind, RequestState
from benefits.models import Cooperator, FamilyDocument
from benefits.services import tariff_amount
from core.history import timeline_for
from core.models import OutboundMessage
from tests.accounts.factories import member
from tests.utils.clients import sign_in

from .factories import (
    CHILD_HOLIDAYS,
    SPORT_CULTURE,
    BenefitRequestFactory,
    CooperativeFactory,
    DependantFactory,
    catalogue,
    checked_scan,
    cooperator_with_account,
)

pytestmark = pytest.mark.django_db
OLD_IBAN = "FR7630006000011234567890189"
NEW_IBAN = "FR1420041010050500013M02606"


@pytest.fixture
def world():
    catalogue()
    coop = CooperativeFactory()
    family = cooperator_with_account(coop, iban=OLD_IBAN)
    return {
        "coop": coop,
        "family": family,
        "manager": member(Role.COOP_MANAGER, organisation=coop.organisation),
        "officer": member(Role.UNION_OFFICER, organisation=coop.union),
    }


def _rib(world):
    return services.family_document_add(
        cooperator=world["family"],
        kind=FamilyDocumentKind.BANK_DETAILS,
        file=checked_scan("rib.pdf"),
        actor=world["manager"],
        iban=NEW_IBAN,
    )


def _scope(user):
    return selectors.family_documents_for(Membership.objects.get(user=user))


def test_a_rib_uploaded_by_hr_applies_only_when_the_union_validates_it(world, client):
    document = _rib(world)
    assert Cooperator.objects.get(pk=world["family"].pk).iban == OLD_IBAN  # not before the Union checks it
    sign_in(client, world["officer"])
    html = client.get(reverse("benefits:family_document_review", args=[document.pk])).content.decode()
    assert "FR76 3000 6000 0112 3456 7890 189" in html and "FR14 2004 1010 0505 0001 3M02 606" in html  # old, new
    assert client.post(reverse("benefits:family_document_review", args=[document.pk]), {"decision": "valider"})
    assert Cooperator.objects.get(pk=world["family"].pk).iban == NEW_IBAN
    [told] = OutboundMessage.objects.filter(event="benefits.family_document_validated")
    assert told.recipient == world["family"].user.email and "coordonnées bancaires" in told.subject
    assert "2606" in told.body and NEW_IBAN not in told.body  # masked
    assert "FR76 •••• 0189 → FR14 •••• 2606" in timeline_for(document).last().reason


def test_a_refused_rib_changes_nothing_and_the_family_is_told(world):
    document = _rib(world)
    with pytest.raises(ValidationError):
        services.family_document_review(
            document_id=document.pk, scope=_scope(world["officer"]), actor=world["officer"], validated=False
        )
    services.family_document_review(
        document_id=document.pk,
        scope=_scope(world["officer"]),
        actor=world["officer"],
        validated=False,
        reason="RIB illisible",
    )
    assert FamilyDocument.objects.get(pk=document.pk).status == DocumentStatus.REJECTED
    assert Cooperator.objects.get(pk=world["family"].pk).iban == OLD_IBAN
    [told] = OutboundMessage.objects.filter(event="benefits.family_document_rejected")
    assert "RIB illisible" in told.body and "ne sont pas changées" in told.body


def test_changing_the_type_resets_the_amount_to_the_new_tariff_in_the_history(world):
    child = DependantFactory(cooperator=world["family"])
    types = catalogue()
    request = BenefitRequestFactory(cooperator=world["family"], processing=True, amount=Decimal("120.00"))
    request.amount_computed = tariff_amount(types[SPORT_CULTURE], request.year)
    request.save()
    scope = selectors.requests_for(Membership.objects.get(user=world["manager"]))
    services.request_update(
        request_id=request.pk, scope=scope, actor=world["manager"], benefit_type=types[CHILD_HOLIDAYS], dependant=child
    )
    request.refresh_from_db()
    expected = tariff_amount(types[CHILD_HOLIDAYS], request.year)
    assert request.amount == request.amount_computed == expected and request.amount_reason == ""
    entry = timeline_for(request).last()
    assert entry.action == "request_edited" and "montant 120,00 €" in entry.reason


def test_a_payment_date_before_the_request_or_far_ahead_is_refused(world, client):
    request = BenefitRequestFactory(cooperator=world["family"], processing=True)
    scope = selectors.officer_queue(Membership.objects.get(user=world["officer"]))
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.request_pay(
            request_id=request.pk, scope=scope, actor=world["officer"], payment_date=today.replace(year=2019)
        )
    assert "ne peut pas précéder la saisie" in error.value.message_dict["payment_date"][0]
    with pytest.raises(ValidationError):
        services.request_pay(
            request_id=request.pk, scope=scope, actor=world["officer"], payment_date=today + datetime.timedelta(days=61)
        )
    sign_in(client, world["officer"])
    response = client.post(
        reverse("benefits:request_pay", args=[request.pk]), {"payment_date": "2019-01-01", "confirmed": "1"}
    )
    assert response.status_code == 400 and "ne peut pas précéder la saisie" in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.PROCESSING
