"""Two fund administrators of the same fund deciding at once: one wins, the other gets the clear refusal.

Each decision runs in its own thread and database connection (tests/utils/race.py): the first keeps
its transaction, and the row lock, open while the second starts.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from accounts.enums import Role
from accounts.models import Membership, User
from core.history import TransitionNotAllowed
from core.models import Transition
from partners import selectors, services
from partners.enums import ConventionState, PreRegistrationState
from partners.models import Convention, Partner, PreRegistration
from tests.utils.race import race

from .factories import ConventionFactory, ConventionTypeFactory, PreRegistrationFactory, fund_admin

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks (SELECT … FOR UPDATE) exist on PostgreSQL only; SQLite serialises whole write "
        "transactions, so two fund admins cannot race there.",
    ),
]


def history_of(obj):
    return Transition.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


def assert_refused(result):
    assert isinstance(result, TransitionNotAllowed), result
    assert "Rechargez la page" in result.messages[0]


def test_two_fund_admins_validating_a_preregistration_at_once_one_wins():
    ConventionTypeFactory()
    prereg = PreRegistrationFactory()
    first, second = fund_admin(prereg.fund), fund_admin(prereg.fund)

    def validate(admin):
        return lambda: services.preregistration_validate(
            preregistration_id=prereg.pk, actor=admin.user, scope=selectors.preregistrations_for(admin)
        )

    results = race(validate(first), validate(second))

    assert results["first"] == "won"
    assert_refused(results["second"])
    prereg.refresh_from_db()
    assert prereg.state == PreRegistrationState.VALIDATED and prereg.decided_by == first.user
    assert Partner.objects.count() == 1 and prereg.partner is not None
    assert User.objects.filter(identifier__iexact=prereg.admin_login).count() == 1
    assert Membership.objects.filter(organisation=prereg.partner.organisation, role=Role.PARTNER_USER).count() == 1
    assert Convention.objects.filter(partner=prereg.partner).count() == 1
    assert [t.to_state for t in history_of(prereg)] == [PreRegistrationState.VALIDATED]


def test_validating_and_invalidating_a_preregistration_at_once_one_wins():
    ConventionTypeFactory()
    prereg = PreRegistrationFactory()
    first, second = fund_admin(prereg.fund), fund_admin(prereg.fund)

    results = race(
        lambda: services.preregistration_invalidate(
            preregistration_id=prereg.pk,
            actor=first.user,
            scope=selectors.preregistrations_for(first),
            reason="SIRET erroné",
        ),
        lambda: services.preregistration_validate(
            preregistration_id=prereg.pk, actor=second.user, scope=selectors.preregistrations_for(second)
        ),
    )

    assert results["first"] == "won"
    assert_refused(results["second"])
    prereg.refresh_from_db()
    assert prereg.state == PreRegistrationState.INVALIDATED and prereg.partner is None
    assert not Partner.objects.exists()
    assert not User.objects.filter(identifier__iexact=prereg.admin_login).exists()
    assert history_of(prereg).count() == 1
    assert PreRegistration.objects.count() == 1


def test_two_fund_admins_validating_a_convention_at_once_one_wins():
    convention = ConventionFactory()
    first, second = fund_admin(convention.fund), fund_admin(convention.fund)

    def validate(admin):
        return lambda: services.convention_validate(
            convention_id=convention.pk, actor=admin.user, scope=selectors.fund_conventions_for(admin)
        )

    results = race(validate(first), validate(second))

    assert results["first"] == "won"
    assert_refused(results["second"])
    convention.refresh_from_db()
    assert convention.state == ConventionState.VALIDATED and convention.decided_by == first.user
    assert [t.to_state for t in history_of(convention)] == [ConventionState.VALIDATED]
    assert Convention.objects.count() == 1
