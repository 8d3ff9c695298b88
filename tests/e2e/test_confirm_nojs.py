"""Irreversible actions without JavaScript, in Chromium with scripts off: the server's confirmation page
(core/confirm.py) asks, "Annuler" changes nothing, the confirmed form acts."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from benefits.enums import RequestState
from benefits.models import BenefitRequest
from tests.accounts.factories import DEFAULT_PASSWORD, member, totp_device, totp_now
from tests.benefits.factories import BenefitRequestFactory, CooperativeFactory, catalogue, cooperator_with_account
from tests.e2e.helpers import accept_consents, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_without_js(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 390, "height": 900},
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_an_officer_pays_and_refuses_without_javascript(page_without_js):
    page = page_without_js
    catalogue()
    cooperative = CooperativeFactory()
    officer = accept_consents(member(Role.UNION_OFFICER, organisation=cooperative.union))
    device = totp_device(officer)
    family = cooperator_with_account(cooperative)
    to_pay = BenefitRequestFactory(cooperator=family, processing=True, amount=Decimal("60"))
    to_refuse = BenefitRequestFactory(cooperator=family, processing=True, amount=Decimal("60"))
    login(page, officer.identifier, DEFAULT_PASSWORD)
    page.get_by_label("Code de vérification").fill(totp_now(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier").click()

    page.goto(reverse("benefits:request_detail", args=[to_pay.pk]))
    page.fill("#id_payment_date", timezone.localdate().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Payer la demande", exact=True).click()
    assert page.get_by_role("heading", level=1, name=f"Payer la demande {to_pay.reference} ?").is_visible()
    assert BenefitRequest.objects.get(pk=to_pay.pk).state == RequestState.PROCESSING
    with page.expect_navigation():
        page.get_by_role("button", name="Payer", exact=True).click()  # the step's label
    assert "est payée" in page.inner_text("main")
    assert BenefitRequest.objects.get(pk=to_pay.pk).state == RequestState.PAID

    page.goto(reverse("benefits:request_detail", args=[to_refuse.pk]))
    page.fill("#id_refus-reason", "Doublon")
    with page.expect_navigation():
        page.get_by_role("button", name="Refuser la demande", exact=True).click()
    assert "Doublon" in page.inner_text("main")  # the reason the family will read, before deciding
    with page.expect_navigation():
        page.get_by_role("link", name="Annuler").click()
    assert BenefitRequest.objects.get(pk=to_refuse.pk).state == RequestState.PROCESSING
