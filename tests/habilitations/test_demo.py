"""The demo data of the Espace Organismes: every state, one request at day 9 and one past day 10."""

from io import StringIO

import pytest
from django.core.management import call_command

from habilitations.enums import AccessRequestState, AccountRequestState, RightState
from habilitations.models import AccessRequest, AccountRequest, Application, Right

pytestmark = pytest.mark.django_db


def test_seed_demo_has_every_state_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert Application.objects.count() == 12
    assert set(AccessRequest.objects.values_list("state", flat=True)) == set(AccessRequestState.values)
    assert set(AccountRequest.objects.values_list("state", flat=True)) == set(AccountRequestState.values)
    assert set(Right.objects.values_list("state", flat=True)) == set(RightState.values)
    pending = [r.days_left() for r in AccessRequest.objects.filter(state=AccessRequestState.PENDING)]
    assert 1 in pending and 0 in pending  # one at day 9, one past day 10


def test_the_job_runs_by_hand_with_a_dry_run(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("accept_pending_access_requests", "--dry-run")
    assert "1 demande(s) seraient acceptée(s) tacitement" in capsys.readouterr().out
    assert AccessRequest.objects.filter(state=AccessRequestState.PENDING).count() == 5
    call_command("accept_pending_access_requests")
    assert AccessRequest.objects.filter(state=AccessRequestState.PENDING).count() == 4
