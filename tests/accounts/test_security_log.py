"""Security log signals: login, logout, failures, lockout, password changes, temporary passwords."""

import pytest
from django.urls import reverse

from accounts.enums import Role, SecurityEventKind
from accounts.models import SecurityEvent
from accounts.services.credentials import temporary_password_issue
from tests.accounts.factories import DEFAULT_PASSWORD, member

pytestmark = pytest.mark.django_db


def login(client, username, password=DEFAULT_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def kinds(user=None):
    events = SecurityEvent.objects.order_by("pk")
    if user is not None:
        events = events.filter(user=user)
    return [e.kind for e in events]


def test_login_is_logged_with_address_and_agent(client):
    user = member(Role.COOPERATOR)
    login(client, user.email, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Navigateur/1.0")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert event.user == user
    assert event.identifier == user.identifier
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent == "Navigateur/1.0"
    assert event.detail["temporary_password"] is False and event.detail["device"]


def test_logout_is_logged(client):
    user = member(Role.COOPERATOR)
    login(client, user.identifier)
    client.post(reverse("accounts:logout"))
    assert kinds(user) == [SecurityEventKind.LOGIN, SecurityEventKind.LOGOUT]


def test_failure_with_a_known_account_names_it(client):
    user = member(Role.COOPERATOR, identifier="F004217MD")
    login(client, "F004217md", "faux")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert event.user == user
    assert event.identifier == "F004217md"
    assert event.detail == {"reason": "invalid_credentials"}


def test_failure_with_an_unknown_identifier_keeps_what_was_typed(client):
    login(client, "inconnu", "faux", REMOTE_ADDR="198.51.100.4")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert event.user is None
    assert event.identifier == "inconnu"
    assert event.ip_address == "198.51.100.4"


def test_failure_never_stores_the_password(client):
    login(client, "inconnu", "mot-de-passe-secret")
    event = SecurityEvent.objects.get()
    assert "mot-de-passe-secret" not in str(event.detail) + event.identifier + event.user_agent


def test_address_behind_the_proxy_is_the_client(client, settings):
    settings.PROXY_COUNT = 1
    user = member(Role.COOPERATOR)
    login(client, user.identifier, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN).ip_address == "203.0.113.20"


def test_lockout_is_logged(client):
    from axes.utils import reset

    reset()
    user = member(Role.COOPERATOR, identifier="F004217MD")
    for _ in range(5):
        login(client, "F004217MD", "faux")
    assert kinds(user) == [SecurityEventKind.LOGIN_FAILED] * 5 + [SecurityEventKind.LOCKED_OUT]
    reset()


def test_password_change_is_logged(client):
    user = member(Role.COOPERATOR)
    client.force_login(user)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "Nouveau-secret-2026",
            "new_password2": "Nouveau-secret-2026",
        },
    )
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_CHANGED)
    assert event.user == user and event.detail["via"] == "change"


def test_temporary_password_issue_and_use_are_logged(client):
    user = member(Role.COOPERATOR)
    manager = member(Role.COOP_MANAGER)
    password = temporary_password_issue(user=user, created_by=manager)
    login(client, user.identifier, password)
    assert kinds(user) == [
        SecurityEventKind.TEMPORARY_PASSWORD_ISSUED,
        SecurityEventKind.TEMPORARY_PASSWORD_USED,
        SecurityEventKind.LOGIN,
    ]
    assert SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN).detail["temporary_password"] is True
    assert SecurityEvent.objects.get(kind=SecurityEventKind.TEMPORARY_PASSWORD_ISSUED).actor == manager


def test_login_event_carries_the_current_organisation(client):
    user = member(Role.COOPERATOR)
    client.force_login(user)
    client.get(reverse("portal:dashboard"))
    client.post(reverse("accounts:logout"))
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGOUT)
    assert event.organisation == user.memberships.get().organisation
