"""Sessions: new key at login, idle and absolute timeouts, other sessions end on password change,
disabling an account ends its sessions."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, SecurityEventKind
from accounts.middleware import SESSION_AUTH_STARTED, SESSION_TOUCHED
from accounts.models import SecurityEvent, UserSession
from accounts.services.credentials import account_disable, sessions_end
from tests.accounts.factories import DEFAULT_PASSWORD, member

pytestmark = pytest.mark.django_db


def login(client, user, password=DEFAULT_PASSWORD):
    response = client.post(reverse("accounts:login"), {"username": user.identifier, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def forget_cached_sessions():
    """With Redis, sessions are read from the cache (cached_db): after editing rows, read them again."""
    caches[settings.SESSION_CACHE_ALIAS].clear()


def signed_in(client):
    response = client.get(reverse("portal:dashboard"))
    return response.status_code == 200


def test_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # renewed at most once a minute instead
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_login_records_the_start_and_the_session(client):
    user = member(Role.COOPERATOR)
    before = time.time()
    login(client, user)
    assert before <= client.session[SESSION_AUTH_STARTED] <= time.time()
    assert UserSession.objects.get(user=user).session_key == client.session.session_key


def test_idle_timeout_is_renewed_by_activity(client):
    user = member(Role.COOPERATOR)
    login(client, user)
    session = client.session
    session[SESSION_TOUCHED] = time.time() - 61  # last renewed more than a minute ago
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + timedelta(minutes=1))
    forget_cached_sessions()
    assert signed_in(client)
    renewed = Session.objects.get(session_key=session.session_key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)


def test_activity_does_not_write_the_session_on_every_page(client):
    user = member(Role.COOPERATOR)
    login(client, user)
    assert signed_in(client)  # renews the session once
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=10))
    with CaptureQueriesContext(connection) as queries:
        assert signed_in(client)
    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + timedelta(minutes=11)


def test_idle_session_has_ended(client):
    user = member(Role.COOPERATOR)
    login(client, user)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    forget_cached_sessions()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_absolute_lifetime_ends_an_active_session(client):
    user = member(Role.COOPERATOR)
    login(client, user)
    session = client.session
    session[SESSION_AUTH_STARTED] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "Votre session a expiré" in client.get(response.url).content.decode()
    assert not signed_in(client)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGOUT, user=user).exists()


def test_just_under_the_absolute_lifetime_is_fine(client):
    user = member(Role.COOPERATOR)
    login(client, user)
    session = client.session
    session[SESSION_AUTH_STARTED] = time.time() - 12 * 3600 + 60
    session.save()
    assert signed_in(client)


def test_password_change_keeps_this_session_and_ends_the_others(client):
    user = member(Role.COOPERATOR)
    other = Client()
    login(client, user)
    login(other, user)
    assert signed_in(client) and signed_in(other)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "Nouveau-secret-2026",
            "new_password2": "Nouveau-secret-2026",
        },
    )
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]


def test_other_sessions_end_even_without_the_session_table(client):
    """Django's session hash alone already refuses the other sessions after a password change."""
    user = member(Role.COOPERATOR)
    other = Client()
    login(client, user)
    login(other, user)
    UserSession.objects.all().delete()
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "Nouveau-secret-2026",
            "new_password2": "Nouveau-secret-2026",
        },
    )
    assert signed_in(client)
    assert not signed_in(other)


def test_disabling_an_account_ends_its_sessions(client):
    user = member(Role.COOPERATOR)
    admin = member(Role.UNION_OFFICER)
    other = Client()
    login(client, user)
    login(other, user)
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    assert len(keys) == 2
    account_disable(user=user, actor=admin)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not signed_in(client) and not signed_in(other)
    user.refresh_from_db()
    assert not user.is_active
    assert (
        client.post(reverse("accounts:login"), {"username": user.identifier, "password": DEFAULT_PASSWORD}).status_code
        == 200
    )
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCOUNT_DISABLED)
    assert event.user == user and event.actor == admin and event.detail["sessions_ended"] == 2


def test_disabling_leaves_other_users_sessions(client):
    user, bystander = member(Role.COOPERATOR), member(Role.COOPERATOR)
    login(client, bystander)
    account_disable(user=user, actor=None)
    assert signed_in(client)


def test_logout_forgets_the_session(client):
    user = member(Role.COOPERATOR)
    login(client, user)
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.exists()


def test_sessions_end_keeps_the_given_one(client):
    user = member(Role.COOPERATOR)
    other = Client()
    login(client, user)
    login(other, user)
    assert sessions_end(user=user, keep_session_key=client.session.session_key) == 1
    assert signed_in(client) and not signed_in(other)
