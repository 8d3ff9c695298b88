"""What a signed-in request costs: the gates remembered in the session (and re-checked when what they
found changes), the identity snapshot (tests/accounts/test_identity_snapshot.py), the menu's rules
answered with one query at most."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import Role, Space
from accounts.models import ConsentAcceptance
from accounts.services.consent import consent_accept, consent_text_publish, consent_withdraw
from portal.navigation import menu_for
from tests.accounts.factories import member
from tests.utils.clients import sign_in

pytestmark = pytest.mark.django_db

BARE = "/bench/baseline/"


def queries_of(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, [q["sql"] for q in captured.captured_queries]


def _touching(queries, table):
    return [sql for sql in queries if f'"{table}"' in sql]


def test_the_gates_query_once_then_the_session_remembers(client):
    consent_text_publish(space=Space.BENEFITS, title="Charte", body="Le texte.")
    sign_in(client, member(Role.UNION_OFFICER))  # privileged: a verified second factor
    first, queries = queries_of(client, BARE)
    assert first.status_code == 200
    assert _touching(queries, "otp_totp_totpdevice") and _touching(queries, "accounts_consenttext")
    second, queries = queries_of(client, BARE)
    assert second.status_code == 200
    assert not _touching(queries, "otp_totp_totpdevice") and not _touching(queries, "accounts_consenttext")
    # Nothing: the user and the memberships come from the identity snapshot (accounts/identity.py;
    # the session is in the cache in production, the tests keep it in the database).
    assert [sql for sql in queries if "django_session" not in sql] == [], queries


def test_a_new_consent_version_is_asked_at_the_next_request(client):
    consent_text_publish(space=Space.BENEFITS, title="Charte", body="v1")
    sign_in(client, member(Role.COOPERATOR))  # v1 accepted
    assert client.get(BARE).status_code == 200
    assert client.get(BARE).status_code == 200  # remembered

    consent_text_publish(space=Space.BENEFITS, title="Charte", body="v2")
    assert client.get(BARE).url == reverse("accounts:consent")


def test_a_withdrawn_consent_is_asked_at_the_next_request(client):
    text = consent_text_publish(space=Space.BENEFITS, title="Charte", body="v1")
    user = member(Role.COOPERATOR)
    consent_accept(user=user, texts=[text])
    sign_in(client, user)
    assert client.get(BARE).status_code == 200
    assert client.get(BARE).status_code == 200  # remembered

    consent_withdraw(user=user, acceptance=ConsentAcceptance.objects.get(user=user))
    assert client.get(BARE).url == reverse("accounts:consent")


def test_a_removed_device_unverifies_the_session_at_the_next_request(client):
    user = member(Role.UNION_OFFICER)
    sign_in(client, user, second_factor=True)
    assert client.get(BARE).status_code == 200
    assert client.get(BARE).status_code == 200  # remembered

    TOTPDevice.objects.filter(user=user).delete()
    assert client.get(BARE).url == reverse("accounts:otp_enrol")


def test_an_unconfirmed_device_unverifies_the_session(client):
    user = member(Role.UNION_OFFICER)
    sign_in(client, user, second_factor=True)
    assert client.get(BARE).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    device.confirmed = False
    device.save()
    assert client.get(BARE).url == reverse("accounts:otp_enrol")


def test_another_users_device_change_keeps_this_session_remembered(client):
    sign_in(client, member(Role.UNION_OFFICER), second_factor=True)
    assert client.get(BARE).status_code == 200
    TOTPDevice.objects.create(user=member(Role.UNION_OFFICER), name="autre", confirmed=True)
    _response, queries = queries_of(client, BARE)
    assert not _touching(queries, "otp_totp_totpdevice")


def test_without_a_cache_the_gates_query_every_time(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    consent_text_publish(space=Space.BENEFITS, title="Charte", body="Le texte.")
    sign_in(client, member(Role.UNION_OFFICER))
    client.get(BARE)
    _response, queries = queries_of(client, BARE)
    assert _touching(queries, "otp_totp_totpdevice") and _touching(queries, "accounts_consenttext")


@pytest.mark.parametrize(
    "role",
    [Role.COOP_MANAGER, Role.UNION_OFFICER, Role.COOPERATOR, Role.FUND_ADMIN, Role.PARTNER_USER, Role.AGENCY_STAFF],
)
def test_the_menu_costs_one_query_at_most(role, django_assert_max_num_queries):
    from accounts.perms import active_memberships

    user = member(role)
    membership = active_memberships(user)[0]
    with django_assert_max_num_queries(1):
        menu_for(membership, user)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("superuser", [False, True])
def test_the_menu_asks_the_rules_as_has_perm_would(role, superuser):
    """perms.allowed (the menu's shortcut past the authentication backends) answers as has_perm."""
    from accounts.perms import Acting, active_memberships, allowed
    from portal.navigation import registry

    user = member(role, is_superuser=superuser)
    acting = Acting.of(active_memberships(user)[0])
    for items in registry.menus.values():
        for item in items:
            if item.perm:
                assert allowed(user, item.perm, acting) == user.has_perm(item.perm, acting), item.perm


def test_the_shells_links_are_reversed_once():
    from accounts import reversing
    from portal.navigation import account_links

    links = account_links()
    assert {link["url"] for link in links} >= {reverse("accounts:profile"), reverse("accounts:password_change")}
    assert reversing.url("accounts:no_such_page") is None
    assert account_links() == links
