"""The identity snapshot (accounts/identity.py): a signed-in request reads its user, memberships and
remembered facts from the cache, and sees every change of them at the very next request."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import generations, identity
from accounts.enums import Role
from accounts.models import Membership, Organisation, User
from accounts.services.tenancy import membership_select
from benefits.enums import LegalForm
from benefits.models import Cooperative
from tests.accounts.factories import MembershipFactory, OrganisationFactory, member
from tests.benefits.factories import cooperative_of
from tests.utils.clients import sign_in
from tests.utils.clock import PARIS

pytestmark = pytest.mark.django_db

BARE = "/bench/baseline/"


@pytest.fixture(autouse=True, params=["database", "cache"])
def session_store(request, settings):
    """Each test twice: sessions in the database, then read from the cache with the identity in one
    round trip (accounts/sessions.py, production's with Redis)."""
    if request.param == "cache":
        settings.SESSION_ENGINE = "accounts.sessions"


def get(client, path=BARE):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # The tests keep sessions in the database (production: in the cache).
    return response, [q["sql"] for q in captured.captured_queries if "django_session" not in q["sql"]]


def warm(client, user, **options):
    sign_in(client, user, **options)
    first, queries = get(client)
    assert first.status_code == 200 and queries  # read, then stored
    second, queries = get(client)
    assert second.status_code == 200
    assert queries == []
    return second


def memberships_of(response):
    return [m.pk for m in response.wsgi_request.memberships]


def test_a_signed_in_request_reads_the_snapshot_and_no_query(client):
    user = member(Role.COOP_MANAGER)
    response = warm(client, user)
    request = response.wsgi_request
    assert request.user.pk == user.pk and request.user.identifier == user.identifier
    assert request.membership.organisation.name == Membership.objects.get(user=user).organisation.name
    assert request.membership.user.pk == user.pk  # no query (set from the snapshot)
    assert cache.get(identity.snapshot_key(user.pk)) is not None


def test_the_menu_costs_one_query_cold_and_none_warm(client):
    user = member(Role.COOP_MANAGER)
    cooperative_of(Membership.objects.get(user=user), legal_form=LegalForm.SCOP)
    sign_in(client, user)
    response, queries = get(client, reverse("portal:dashboard"))
    assert len([sql for sql in queries if "legal_form" in sql]) == 1
    assert reverse("benefits:contributions") in response.text
    response, queries = get(client, BARE)
    assert queries == []
    response, queries = get(client, reverse("portal:dashboard"))
    assert not any("legal_form" in sql or "accounts_" in sql for sql in queries), queries
    assert reverse("benefits:contributions") in response.text


def test_a_cooperatives_new_legal_form_changes_the_menu_at_the_next_request(client):
    user = member(Role.COOP_MANAGER)
    cooperative = cooperative_of(Membership.objects.get(user=user), legal_form=LegalForm.SCOP)
    sign_in(client, user)
    client.get(reverse("portal:dashboard"))
    assert reverse("benefits:contributions") in client.get(reverse("portal:dashboard")).text

    cooperative.legal_form = LegalForm.OTHER
    cooperative.save(update_fields=["legal_form"])
    assert reverse("benefits:contributions") not in client.get(reverse("portal:dashboard")).text


def test_a_cooperative_saved_without_its_legal_form_keeps_the_snapshots(client):
    user = member(Role.COOP_MANAGER)
    cooperative = cooperative_of(Membership.objects.get(user=user))
    warm(client, user)
    cooperative.city = "Lyon"
    cooperative.save(update_fields=["city"])
    assert get(client)[1] == []
    Cooperative.objects.get(pk=cooperative.pk).save()  # every field: maybe the legal form
    assert get(client)[1] != []


def test_a_new_cooperative_refreshes_its_members_snapshots_only(client):
    from tests.benefits.factories import CooperativeFactory

    user = member(Role.COOP_MANAGER)
    warm(client, user)
    CooperativeFactory()  # another organisation's
    assert get(client)[1] == []
    cooperative_of(Membership.objects.get(user=user), legal_form=LegalForm.SCOP)  # this user's
    assert get(client)[1] != []


def test_an_ended_membership_stops_working_at_the_next_request(client):
    user = member(Role.COOP_MANAGER)
    other = MembershipFactory(user=user, role=Role.COOP_MANAGER)
    response = warm(client, user)
    assert other.pk in memberships_of(response)

    other.is_active = False
    other.save()
    response, queries = get(client)
    assert queries and other.pk not in memberships_of(response)


def test_a_membership_ended_in_bulk_stops_working_at_the_next_request(client):
    user = member(Role.COOP_MANAGER)
    warm(client, user)
    Membership.objects.filter(user=user).update(is_active=False)
    response, _queries = get(client)
    assert memberships_of(response) == [] and response.wsgi_request.membership is None


def test_a_new_membership_is_there_at_the_next_request(client):
    user = member(Role.COOP_MANAGER)
    warm(client, user)
    added = MembershipFactory(user=user, role=Role.UNION_OFFICER)
    assert added.pk in memberships_of(client.get(BARE))


@pytest.mark.parametrize("bulk", [False, True])
def test_a_deactivated_organisation_is_gone_at_the_next_request(client, bulk):
    user = member(Role.COOP_MANAGER)
    other = MembershipFactory(user=user, role=Role.COOP_MANAGER)
    warm(client, user)
    if bulk:
        Organisation.objects.filter(pk=other.organisation_id).update(is_active=False)
    else:
        other.organisation.is_active = False
        other.organisation.save()
    assert other.pk not in memberships_of(client.get(BARE))


def test_a_renamed_organisation_shows_at_the_next_request(client):
    user = member(Role.COOP_MANAGER)
    warm(client, user)
    organisation = Membership.objects.get(user=user).organisation
    organisation.name = "Nouveau nom"
    organisation.save()
    assert client.get(BARE).wsgi_request.organisation.name == "Nouveau nom"


def test_a_deactivated_user_is_signed_out_at_the_next_request(client):
    user = member(Role.COOP_MANAGER)
    warm(client, user)
    stored = User.objects.get(pk=user.pk)
    stored.is_active = False
    stored.save()
    assert not client.get(BARE).wsgi_request.user.is_authenticated


def test_a_password_changed_elsewhere_signs_this_session_out(client):
    user = member(Role.COOP_MANAGER)
    warm(client, user)
    stored = User.objects.get(pk=user.pk)  # another request, another process
    stored.set_password("Un-autre-mot-de-passe-42")
    stored.save()
    assert not client.get(BARE).wsgi_request.user.is_authenticated
    # (The session that changed it stays signed in: tests/accounts/test_sessions.py.)


def test_a_change_seen_only_through_the_generations_of_another_process(client):
    """Another process changes a row without this process's signals: its bump of the generation
    (the shared cache) is what this process sees."""
    user = member(Role.COOP_MANAGER)
    other = MembershipFactory(user=user, role=Role.COOP_MANAGER)
    warm(client, user)
    with connection.cursor() as cursor:  # no signal: as if written by another process...
        cursor.execute("UPDATE accounts_membership SET is_active = %s WHERE id = %s", [False, other.pk])
    assert other.pk in memberships_of(client.get(BARE))  # ...the snapshot is still trusted
    cache.set(generations.identity(user.pk), "bumped-by-another-process", None)  # ...until it bumps
    assert other.pk not in memberships_of(client.get(BARE))


def test_a_lost_snapshot_or_generation_reads_the_database_again(client):
    user = member(Role.COOP_MANAGER)
    warm(client, user)
    cache.delete(identity.snapshot_key(user.pk))
    assert get(client)[1] != []
    assert get(client)[1] == []
    cache.delete(generations.ACCESS)
    assert get(client)[1] != []
    assert get(client)[1] == []


def test_without_a_cache_every_request_queries(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    client.get(BARE)
    response, queries = get(client)
    assert response.status_code == 200
    assert any('"accounts_user"' in sql for sql in queries) and any('"accounts_membership"' in sql for sql in queries)


def test_the_chosen_organisation_opens_the_next_session(client):
    user = member(Role.COOP_MANAGER)
    second = MembershipFactory(user=user, role=Role.COOP_MANAGER)
    response = warm(client, user)
    assert response.wsgi_request.membership.pk != second.pk
    membership_select(membership=second)
    fresh = sign_in(Client(), user)
    assert fresh.get(BARE).wsgi_request.membership.pk == second.pk


def test_another_users_change_keeps_this_snapshot(client):
    user = member(Role.COOP_MANAGER)
    warm(client, user)
    someone = member(Role.COOP_MANAGER)
    someone.first_name = "Autre"
    someone.save()
    MembershipFactory(user=someone, role=Role.COOP_MANAGER, organisation=OrganisationFactory())
    assert get(client)[1] == []


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_costs_no_query_once_the_snapshot_is_warm(client, role):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = member(role)
    TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    sign_in(client, user, second_factor=True)
    assert get(client)[0].status_code == 200  # cold: the snapshot stored
    response, queries = get(client)
    assert response.status_code == 200 and response.wsgi_request.membership is not None
    assert queries == [], queries


@pytest.mark.clock(at=datetime.datetime(2026, 3, 10, 23, 50, tzinfo=PARIS))
def test_a_delegation_opens_on_its_first_day_with_the_snapshot_kept(client, clock):
    """A fact that changes with time: its bounds are kept, and compared with today at each request."""
    from django.utils import timezone

    from tests.habilitations.factories import DelegationFactory

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    delegation = DelegationFactory(starts_on=tomorrow, ends_on=tomorrow)
    queue = reverse("habilitations:queue")
    sign_in(client, delegation.delegate)
    assert queue not in client.get(reverse("portal:dashboard")).text
    response, queries = get(client, reverse("portal:dashboard"))
    assert queue not in response.text and not any("habilitations_delegation" in sql for sql in queries)

    clock.shift(datetime.timedelta(minutes=15))  # past midnight: the delegation's day
    response, queries = get(client, reverse("portal:dashboard"))
    assert queue in response.text and not any("habilitations_delegation" in sql for sql in queries)


def test_a_removed_delegation_closes_at_the_next_request(client):
    from tests.habilitations.factories import DelegationFactory

    delegation = DelegationFactory()
    queue = reverse("habilitations:queue")
    sign_in(client, delegation.delegate)
    client.get(reverse("portal:dashboard"))
    assert queue in client.get(reverse("portal:dashboard")).text
    delegation.delete()
    assert queue not in client.get(reverse("portal:dashboard")).text


def test_a_validated_evaluation_convention_opens_the_exchanges_at_the_next_request(client):
    from partners.enums import ConventionState
    from partners.evaluations.perms import structures_with_exchanges
    from tests.partners.factories import ConventionFactory, PartnerFactory

    partner = PartnerFactory()
    user = member(Role.PARTNER_USER, organisation=partner.organisation)
    convention = ConventionFactory(partner=partner)
    warm(client, user)
    assert structures_with_exchanges(client.get(BARE).wsgi_request.user) == frozenset()

    convention.state = ConventionState.VALIDATED
    convention.save(update_fields=["state"])
    request = client.get(BARE).wsgi_request
    assert structures_with_exchanges(request.user) == {partner.organisation_id}
