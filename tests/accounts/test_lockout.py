"""Lockout (django-axes): 5 failures per identifier and address lock both for 15 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from accounts.enums import Role, SecurityEventKind
from accounts.models import SecurityEvent
from accounts.ratelimit import client_address
from tests.accounts.factories import DEFAULT_PASSWORD, member

pytestmark = pytest.mark.django_db

WRONG = "pas-le-bon-mot-de-passe"


def login(client, username, password=WRONG, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    return [login(client, username, **extra) for _ in range(times)]


@pytest.fixture(autouse=True)
def _axes_clean():
    from axes.utils import reset

    reset()
    yield
    reset()


def test_settings_are_the_spec(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AXES_USERNAME_FORM_FIELD == "username"


def test_fifth_failure_locks_with_a_french_message(client):
    user = member(Role.COOPERATOR, identifier="F004217MD")
    responses = fail(client, "F004217MD", 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    locked = responses[4]
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Réessayez dans 15 minutes." in html
    assert locked["Retry-After"] == "900"
    # Even the right password is refused now.
    right = login(client, "F004217MD", DEFAULT_PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.pk


def test_lock_counts_the_account_whatever_was_typed(client):
    member(Role.COOPERATOR, identifier="F004217MD", email="m@example.test")
    fail(client, "F004217MD", 2)
    fail(client, "f004217md", 1)
    fail(client, "M@Example.test", 1)
    assert login(client, " f004217MD ").status_code == 429


def test_unknown_identifiers_lock_the_same_way(client):
    responses = fail(client, "personne", 5)
    assert responses[-1].status_code == 429  # no hint that the account does not exist


def test_lock_is_per_identifier_and_address(client):
    member(Role.COOPERATOR, identifier="F004217MD")
    other = member(Role.COOPERATOR, identifier="F000001AA")
    fail(client, "F004217MD", 5, REMOTE_ADDR="203.0.113.1")
    # Same identifier from another address: allowed.
    assert login(client, "F004217MD", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.2").status_code == 302
    client.post(reverse("accounts:logout"))
    # Another identifier from the locked address: allowed.
    assert login(client, other.identifier, DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 302


def test_success_resets_the_count(client):
    member(Role.COOPERATOR, identifier="F004217MD")
    fail(client, "F004217MD", 4)
    assert login(client, "F004217MD", DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert all(r.status_code == 200 for r in fail(client, "F004217MD", 4))


def test_lock_ends_after_the_cool_off(client):
    member(Role.COOPERATOR, identifier="F004217MD")
    fail(client, "F004217MD", 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1)
    )
    assert login(client, "F004217MD", DEFAULT_PASSWORD).status_code == 302


def test_message_says_the_minutes_left(client):
    member(Role.COOPERATOR, identifier="F004217MD")
    fail(client, "F004217MD", 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=9, seconds=30)
    )
    response = login(client, "F004217MD", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Réessayez dans 6 minutes." in response.content.decode()


def test_trying_during_the_lock_does_not_extend_it(client):
    member(Role.COOPERATOR, identifier="F004217MD")
    fail(client, "F004217MD", 5)
    locked_at = AccessAttempt.objects.get().attempt_time
    fail(client, "F004217MD", 3)
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_one_minute_left_is_singular(client):
    member(Role.COOPERATOR, identifier="F004217MD")
    fail(client, "F004217MD", 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14, seconds=30)
    )
    assert "Réessayez dans 1 minute." in login(client, "F004217MD").content.decode()


# --- client address behind proxies ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.2"),
        (0, "203.0.113.7", "10.0.0.2"),  # no proxy: the header is the client's own words
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the spoofed left part is ignored
        (2, "1.2.3.4, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2"),  # fewer hops than proxies: only the socket is trusted
        (1, "pas-une-adresse", "10.0.0.2"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **extra)
    assert client_address(request) == expected


def test_behind_a_proxy_each_client_has_its_own_counter(client, settings):
    settings.PROXY_COUNT = 1
    member(Role.COOPERATOR, identifier="F004217MD")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail(client, "F004217MD", 5, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.1"
    assert login(client, "F004217MD", HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy).status_code == 429
    # Another client behind the same proxy is not locked...
    ok = login(client, "F004217MD", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy)
    assert ok.status_code == 302
    client.post(reverse("accounts:logout"), HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy)
    # ...and the locked one cannot escape by writing its own X-Forwarded-For.
    spoofed = login(client, "F004217MD", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.1", **proxy)
    assert spoofed.status_code == 429


def test_without_proxy_a_forged_header_does_not_unlock(client):
    member(Role.COOPERATOR, identifier="F004217MD")
    fail(client, "F004217MD", 5)
    assert login(client, "F004217MD", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


# --- security log -----------------------------------------------------------------------------------


def test_every_failure_and_the_lock_are_logged(client):
    user = member(Role.COOPERATOR, identifier="F004217MD")
    fail(client, "f004217md", 5, REMOTE_ADDR="203.0.113.1")
    failures = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED)
    assert failures.count() == 5
    assert {e.user for e in failures} == {user}
    assert {e.identifier for e in failures} == {"f004217md"}
    assert {e.ip_address for e in failures} == {"203.0.113.1"}
    lock = SecurityEvent.objects.get(kind=SecurityEventKind.LOCKED_OUT)
    assert lock.user == user and lock.ip_address == "203.0.113.1"
    # Attempts refused during the lock are failures too, but no new lock.
    fail(client, "F004217MD", 2, REMOTE_ADDR="203.0.113.1")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKED_OUT).count() == 1
    refused = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED, detail__reason="locked_out")
    assert refused.count() == 2
