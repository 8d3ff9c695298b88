"""The bench's volume command (partners_seed_volume) runs with small numbers, once, and only in development."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.enums import Role
from accounts.models import Membership
from partners import selectors
from partners.enums import ConventionState, PreRegistrationState
from partners.models import Convention, Partner, PreRegistration

pytestmark = pytest.mark.django_db

SMALL = ["--partners", "5", "--conventions", "30", "--preregistrations", "20", "--pending", "4", "--users", "6"]


def test_seed_volume_adds_small_volumes_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    partners, conventions, preregistrations = (
        Partner.objects.count(),
        Convention.objects.count(),
        PreRegistration.objects.count(),
    )
    out = io.StringIO()
    call_command("partners_seed_volume", *SMALL, stdout=out)
    assert "Volume créé : 5 partenaires, 30 conventions, 20 préinscriptions (4 en attente" in out.getvalue()
    assert Partner.objects.count() == partners + 5
    assert Convention.objects.count() == conventions + 30
    assert PreRegistration.objects.count() == preregistrations + 20

    fund_admin = Membership.objects.get(user__identifier="caisse@carsat.demo")
    queue = selectors.pending_preregistrations_for(fund_admin)
    assert queue.filter(convention_code__startswith="VOL-").count() == 4
    assert (
        PreRegistration.objects.filter(state=PreRegistrationState.PENDING)
        .exclude(fund=fund_admin.organisation)
        .filter(convention_code__startswith="VOL-")
        .count()
        == 0
    )
    assert Convention.objects.filter(fund=fund_admin.organisation, code__startswith="VOL-").exists()
    assert Convention.objects.filter(state=ConventionState.VALIDATED, code__startswith="VOL-").exists()
    assert Membership.objects.filter(organisation__code__startswith="PVOL-", is_admin=True).count() == 5
    partner_admin = Membership.objects.get(user__identifier="aidadom01")
    assert selectors.partner_memberships_for(partner_admin).count() == 2 + 6
    assert all(m.role == Role.PARTNER_USER for m in selectors.partner_memberships_for(partner_admin))

    again = io.StringIO()
    call_command("partners_seed_volume", *SMALL, stdout=again)
    assert "rien à faire" in again.getvalue()
    assert Partner.objects.count() == partners + 5


def test_seed_volume_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("partners_seed_volume", *SMALL, stdout=io.StringIO())
    assert not Partner.objects.filter(organisation__code__startswith="PVOL-").exists()
