"""The demo data covers every state of a request, and seeding twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from benefits.enums import RequestState
from benefits.models import BenefitRequest, Cooperative, Cooperator, Dependant

pytestmark = pytest.mark.django_db


def test_seed_demo_covers_every_state_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Cooperative.objects.count(), Cooperator.objects.count(), BenefitRequest.objects.count())
    states = set(BenefitRequest.objects.values_list("state", flat=True))
    assert states == set(RequestState.values)
    assert BenefitRequest.objects.filter(state=RequestState.AWAITING).exists()
    denise = Cooperator.objects.get(family_number="F004217")
    assert denise.user.identifier == "F004217MD"
    assert Dependant.objects.filter(cooperator=denise).count() == 3
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (Cooperative.objects.count(), Cooperator.objects.count(), BenefitRequest.objects.count())
