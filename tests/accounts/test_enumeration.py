"""Enumeration: the forgotten-password pages and a failed sign-in cost the same whether or not the
account exists (or has a pending temporary password); many addresses cannot keep guessing one account."""

import pytest
from django.contrib.auth.hashers import get_hasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import ratelimit
from accounts.enums import Role
from accounts.services.credentials import password_reset_url, temporary_password_issue
from core.models import OutboundMessage
from tests.accounts.factories import DEFAULT_PASSWORD, member

pytestmark = pytest.mark.django_db

WRONG = "pas-le-bon-mot-de-passe"


@pytest.fixture(autouse=True)
def _axes_clean():
    from axes.utils import reset

    reset()
    yield
    reset()


@pytest.mark.parametrize(
    ("slug", "known", "unknown"),
    [
        ("prestations", {"login": "F004217MD"}, {"login": "F999999ZZ"}),
        ("interimaires", {"email": "worker@example.test"}, {"email": "nobody@example.test"}),
        ("organismes", {"email": "worker@example.test"}, {"email": "nobody@example.test"}),
    ],
)
def test_the_forgotten_password_page_does_the_same_work_for_known_and_unknown_accounts(client, slug, known, unknown):
    member(Role.COOPERATOR, identifier="F004217MD", email="mathilde@example.test")
    member(Role.TEMP_WORKER, identifier="worker@example.test", email="worker@example.test")
    member(Role.ORGANISME_USER, identifier="orga@example.test", email="worker2@example.test")
    url = reverse(f"accounts:password_forgot_{slug}")
    counts = []
    for data in (known, unknown):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert not OutboundMessage.objects.exists()  # the work waits for the background task


def test_the_background_task_still_sends_the_temporary_password(client, django_capture_on_commit_callbacks):
    member(Role.COOPERATOR, identifier="F004217MD", email="mathilde@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_forgot_prestations"), {"login": "F004217MD"}, REMOTE_ADDR="10.1.2.3")
    message = OutboundMessage.objects.get(recipient="mathilde@example.test")
    assert "Mot de passe temporaire" in message.body
    from accounts.models import SecurityEvent

    event = SecurityEvent.objects.filter(kind="password_reset_requested").first()
    assert event.ip_address == "10.1.2.3"


def count_hashing(monkeypatch):
    hasher = type(get_hasher("default"))
    calls = []
    original = hasher.encode

    def encode(self, password, salt, *args, **kwargs):
        calls.append(1)
        return original(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", encode)
    return calls


def test_a_pending_temporary_password_does_not_lengthen_a_failed_sign_in(client, monkeypatch):
    plain = member(Role.COOPERATOR, identifier="F000001AA")
    pending = member(Role.COOPERATOR, identifier="F000002BB")
    temporary_password_issue(user=pending)
    calls = count_hashing(monkeypatch)
    costs = []
    for identifier in ("F000001AA", "F000002BB", "F000003CC"):  # none, pending, unknown
        calls.clear()
        client.post(reverse("accounts:login"), {"username": identifier, "password": WRONG})
        costs.append(len(calls))
    assert costs[0] == costs[1] == costs[2], costs
    assert plain.pk and pending.pk


def test_many_addresses_are_slowed_then_the_account_locks_with_a_notice(settings, monkeypatch):
    settings.ACCOUNT_FAILURES_SLOW_AFTER = 2
    settings.ACCOUNT_FAILURES_LOCK_AFTER = 4
    settings.ACCOUNT_FAILURES_PAUSE_SECONDS = 0.01
    pauses = []
    monkeypatch.setattr("accounts.backends.time.sleep", pauses.append)
    user = member(Role.TEMP_WORKER, identifier="worker@example.test", email="worker@example.test")
    for n in range(4):
        Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(
            reverse("accounts:login"), {"username": "worker@example.test", "password": WRONG}
        )
    assert pauses and pauses == sorted(pauses)  # slowed, more and more
    assert ratelimit.account_locked(user)
    # Even the right password, from yet another address, is refused now.
    right = Client(REMOTE_ADDR="10.0.0.99").post(
        reverse("accounts:login"), {"username": "worker@example.test", "password": DEFAULT_PASSWORD}
    )
    assert right.status_code == 200 and "_auth_user_id" not in right.client.session
    notice = OutboundMessage.objects.filter(recipient="worker@example.test", subject__contains="répétées")
    assert notice.count() == 1

    # Choosing a new password through the e-mailed link lifts it.
    client = Client()
    form = client.get(password_reset_url(user), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "Une-phrase-2026!", "new_password2": "Une-phrase-2026!"})
    assert not ratelimit.account_locked(user)
    ok = Client().post(reverse("accounts:login"), {"username": "worker@example.test", "password": "Une-phrase-2026!"})
    assert ok.status_code == 302
