"""Temporary passwords: random, hashed, single use, expiring; the forced change that follows."""

import re
import string
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.enums import OrganisationKind, Role, SecurityEventKind
from accounts.models import Membership, SecurityEvent, TemporaryPassword, User
from accounts.services.credentials import (
    REDACTED_BODY,
    TEMPORARY_PASSWORD_ALPHABET,
    account_create_with_temporary_password,
    generate_temporary_password,
    temporary_password_deliver,
    temporary_password_issue,
)
from accounts.signals import SESSION_TEMPORARY_LOGIN
from accounts.tasks import expire_temporary_passwords
from core.models import JobRun, OutboundMessage
from tests.accounts.factories import DEFAULT_PASSWORD, OrganisationFactory, member

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# --- generation ----------------------------------------------------------------------------------


def test_generated_passwords_are_random_letters_and_digits_with_a_digit():
    passwords = {generate_temporary_password() for _ in range(300)}
    assert len(passwords) == 300
    for password in passwords:
        assert len(password) == 12
        assert set(password) <= set(string.ascii_letters + string.digits)
        assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)
    assert not set("0Oo1lI") & set(TEMPORARY_PASSWORD_ALPHABET)


def test_generated_password_fits_the_partners_policy():
    from partners.space import PartnersPasswordValidator

    for _ in range(50):
        PartnersPasswordValidator().validate(generate_temporary_password())


# --- issue ---------------------------------------------------------------------------------------


def test_issue_stores_only_a_hash_with_the_lifetime(settings):
    user = member(Role.COOPERATOR)
    admin = member(Role.COOP_MANAGER)
    before = timezone.now()
    password = temporary_password_issue(user=user, created_by=admin)
    temporary = TemporaryPassword.objects.get(user=user)
    assert password not in temporary.password
    assert temporary.password.startswith("md5$")  # the test hasher
    assert temporary.created_by == admin
    assert before + settings.TEMPORARY_PASSWORD_LIFETIME <= temporary.expires_at
    assert temporary.expires_at <= timezone.now() + settings.TEMPORARY_PASSWORD_LIFETIME
    assert timedelta(days=7) == settings.TEMPORARY_PASSWORD_LIFETIME
    assert temporary.is_usable
    # The user's own password keeps working.
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TEMPORARY_PASSWORD_ISSUED)
    assert event.user == user and event.actor == admin


def test_issue_revokes_earlier_unused_ones(client):
    user = member(Role.COOPERATOR)
    first = temporary_password_issue(user=user)
    second = temporary_password_issue(user=user)
    assert TemporaryPassword.objects.filter(user=user, revoked_at__isnull=False).count() == 1
    assert login(client, user.identifier, first).status_code == 200
    assert login(client, user.identifier, second).status_code == 302


# --- use -----------------------------------------------------------------------------------------


def test_temporary_password_logs_in_once_and_forces_the_change(client):
    user = member(Role.COOPERATOR, identifier="F000002CD")
    password = temporary_password_issue(user=user)
    response = login(client, "f000002cd", password)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password
    assert client.session[SESSION_TEMPORARY_LOGIN] is True
    assert TemporaryPassword.objects.get(user=user).used_at is not None
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TEMPORARY_PASSWORD_USED, user=user).exists()
    # Everything leads to the change form.
    assert client.get(reverse("portal:dashboard")).url == reverse("accounts:password_change")
    client.post(reverse("accounts:logout"))
    # Single use.
    assert login(client, "F000002CD", password).status_code == 200


def test_expired_temporary_password_does_not_work(client):
    user = member(Role.COOPERATOR)
    password = temporary_password_issue(user=user)
    TemporaryPassword.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert login(client, user.identifier, password).status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_temporary_password_of_an_inactive_account_does_not_work(client):
    user = member(Role.COOPERATOR)
    password = temporary_password_issue(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert login(client, user.identifier, password).status_code == 200


def test_temporary_password_of_another_account_does_not_work(client):
    user, other = member(Role.COOPERATOR), member(Role.COOPERATOR)
    password = temporary_password_issue(user=other)
    assert login(client, user.identifier, password).status_code == 200


# --- delivery ------------------------------------------------------------------------------------


def test_deliver_emails_when_there_is_an_address(django_capture_on_commit_callbacks):
    user = member(Role.COOPERATOR, email="coop@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        shown = temporary_password_deliver(user=user, password="Abcd2345Efgh")
    assert shown is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["coop@example.test"]
    assert "Abcd2345Efgh" in mail.outbox[0].body
    assert user.identifier in mail.outbox[0].body
    assert "7 jours" in mail.outbox[0].body


def test_deliver_returns_the_password_when_there_is_no_address():
    user = member(Role.COOPERATOR, email="")
    assert temporary_password_deliver(user=user, password="Abcd2345Efgh") == "Abcd2345Efgh"
    assert OutboundMessage.objects.count() == 0


# --- account creation ----------------------------------------------------------------------------


def test_create_account_with_email(django_capture_on_commit_callbacks, client):
    manager = member(Role.COOP_MANAGER)
    coop = manager.memberships.get().organisation
    with django_capture_on_commit_callbacks(execute=True):
        created = account_create_with_temporary_password(
            identifier="F004217MD",
            email="mathilde@example.test",
            first_name="Mathilde",
            last_name="Dupont",
            organisation=coop,
            role=Role.COOPERATOR,
            created_by=manager,
        )
    user, shown = created
    assert shown is None and created.user == user
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role, membership.updated_by) == (coop, Role.COOPERATOR, manager)
    password = re.search(r"Mot de passe temporaire : (\S+)", mail.outbox[0].body).group(1)
    assert login(client, "f004217md", password).status_code == 302


def test_create_account_without_email_returns_the_password_once(client):
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER)
    admin = member(Role.PARTNER_USER, organisation=partner)
    created = account_create_with_temporary_password(
        identifier="presta42",
        email="",
        first_name="Paul",
        last_name="Martin",
        phone="0612345678",
        organisation=partner,
        role=Role.PARTNER_USER,
        is_admin=True,
        created_by=admin,
    )
    assert created.password and len(created.password) == 12
    assert created.user.phone == "0612345678"
    assert created.user.memberships.get().is_admin
    assert OutboundMessage.objects.count() == 0
    assert login(client, "presta42", created.password).status_code == 302


def test_create_account_refuses_a_role_of_another_kind_and_writes_nothing():
    coop = OrganisationFactory(kind=OrganisationKind.COOPERATIVE)
    with pytest.raises(ValidationError) as error:
        account_create_with_temporary_password(
            identifier="x1",
            email="x1@example.test",
            first_name="X",
            last_name="Y",
            organisation=coop,
            role=Role.AGENCY_STAFF,
            created_by=None,
        )
    assert "role" in error.value.message_dict
    assert not User.objects.filter(identifier="x1").exists()
    assert not TemporaryPassword.objects.exists()


def test_create_account_refuses_a_taken_identifier_whatever_the_case():
    member(Role.COOPERATOR, identifier="F004217MD")
    coop = OrganisationFactory(kind=OrganisationKind.COOPERATIVE)
    with pytest.raises(ValidationError):
        account_create_with_temporary_password(
            identifier="f004217md",
            email="",
            first_name="A",
            last_name="B",
            organisation=coop,
            role=Role.COOPERATOR,
            created_by=None,
        )


# --- timed job -----------------------------------------------------------------------------------


def test_job_revokes_expired_unused_passwords_idempotently():
    user = member(Role.COOPERATOR)
    temporary_password_issue(user=user)
    fresh_user = member(Role.COOPERATOR)
    temporary_password_issue(user=fresh_user)
    used_user = member(Role.COOPERATOR)
    temporary_password_issue(user=used_user)
    past = timezone.now() - timedelta(minutes=1)
    TemporaryPassword.objects.filter(user__in=[user, used_user]).update(expires_at=past)
    TemporaryPassword.objects.filter(user=used_user).update(used_at=past - timedelta(days=1))

    summary = expire_temporary_passwords.delay().get()
    assert summary.startswith("1 mot(s) de passe temporaire(s) expiré(s)")
    assert TemporaryPassword.objects.get(user=user).revoked_at is not None
    assert TemporaryPassword.objects.get(user=fresh_user).revoked_at is None
    assert TemporaryPassword.objects.get(user=used_user).revoked_at is None
    first_revoked = TemporaryPassword.objects.get(user=user).revoked_at

    assert expire_temporary_passwords.delay().get().startswith("0 ")
    assert TemporaryPassword.objects.get(user=user).revoked_at == first_revoked
    runs = JobRun.objects.filter(name="expire_temporary_passwords")
    assert runs.count() == 2 and all(run.ok for run in runs)


def test_job_wipes_sent_emails_carrying_a_secret(django_capture_on_commit_callbacks):
    user = member(Role.COOPERATOR, email="coop@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        temporary_password_deliver(user=user, password="Abcd2345Efgh")
    message = OutboundMessage.objects.get()
    assert message.status == OutboundMessage.Status.SENT
    expire_temporary_passwords()
    message.refresh_from_db()
    assert message.body == REDACTED_BODY
    assert "Abcd2345Efgh" not in message.html_body


def test_job_leaves_unsent_emails_alone():
    user = member(Role.COOPERATOR, email="coop@example.test")
    temporary_password_deliver(user=user, password="Abcd2345Efgh")  # not committed: still pending
    expire_temporary_passwords()
    assert "Abcd2345Efgh" in OutboundMessage.objects.get().body


def test_management_command(capsys):
    user = member(Role.COOPERATOR)
    temporary_password_issue(user=user)
    TemporaryPassword.objects.update(expires_at=timezone.now() - timedelta(days=1))
    call_command("expire_temporary_passwords")
    assert "1 mot(s) de passe temporaire(s) expiré(s)" in capsys.readouterr().out


def test_job_is_in_the_beat_schedule():
    from portal.celery import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "accounts.tasks.expire_temporary_passwords" in tasks


# --- forced change -------------------------------------------------------------------------------


@pytest.fixture
def forced(client):
    user = member(Role.COOPERATOR, identifier="F000003EF")
    password = temporary_password_issue(user=user)
    assert login(client, user.identifier, password).status_code == 302
    return user


@pytest.mark.parametrize(
    "url_name",
    ["portal:dashboard", "portal:home", "portal:legal", "accounts:password_forgot", "accounts:switch_organisation"],
)
def test_forced_change_lets_nothing_else_through(client, forced, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")


def test_forced_change_lets_the_form_logout_and_static_through(client, forced):
    assert client.get(reverse("accounts:password_change")).status_code == 200
    static = client.get("/static/css/guichet.css")
    assert static.status_code == 200
    assert b"".join(static.streaming_content)  # consuming it closes it the test client's way
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url != reverse("accounts:password_change")
    assert "_auth_user_id" not in client.session


def test_forced_change_asks_no_old_password_and_ends_the_gate(client, forced):
    form = client.get(reverse("accounts:password_change")).context["form"]
    assert "old_password" not in form.fields
    before = timezone.now()
    response = client.post(
        reverse("accounts:password_change"),
        {"new_password1": "Nouveau-secret-2026", "new_password2": "Nouveau-secret-2026"},
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    forced.refresh_from_db()
    assert not forced.must_change_password
    assert forced.password_changed_at >= before
    assert forced.check_password("Nouveau-secret-2026")
    assert SESSION_TEMPORARY_LOGIN not in client.session
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED, user=forced).exists()


def test_forced_change_refuses_a_mismatch_in_french(client, forced):
    response = client.post(
        reverse("accounts:password_change"),
        {"new_password1": "Nouveau-secret-2026", "new_password2": "Autre-secret-2026"},
    )
    assert response.status_code == 200
    assert "ne sont pas identiques" in response.content.decode()
    forced.refresh_from_db()
    assert forced.must_change_password


def test_flag_set_by_someone_else_still_asks_the_old_password(client):
    user = member(Role.COOPERATOR, must_change_password=True)
    client.force_login(user)
    form = client.get(reverse("accounts:password_change")).context["form"]
    assert "old_password" in form.fields
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "faux", "new_password1": "Nouveau-secret-2026", "new_password2": "Nouveau-secret-2026"},
    )
    assert "Le mot de passe actuel est incorrect." in response.content.decode()
