"""Consent withdrawal by the user, publication of a new version by the space's admins, and the
security log kept one year (as the privacy page says)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, SecurityEventKind, Space
from accounts.models import ConsentAcceptance, ConsentText, SecurityEvent
from accounts.services.consent import consent_accept, consent_text_publish
from accounts.services.security_log import log_event
from accounts.tasks import purge_security_log
from tests.accounts.factories import MembershipFactory, member
from tests.utils.clients import sign_in

pytestmark = pytest.mark.django_db


def test_a_withdrawn_consent_is_asked_again_before_using_the_space(client):
    text = consent_text_publish(space=Space.BENEFITS, title="Charte", body="Le texte.")
    user = member(Role.COOPERATOR)
    consent_accept(user=user, texts=[text])
    client.force_login(user)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    acceptance = ConsentAcceptance.objects.get(user=user)
    page = client.get(reverse("accounts:consent_withdraw")).content.decode()
    assert "Charte" in page and "n'efface pas vos données" in page

    response = client.post(reverse("accounts:consent_withdraw"), {"acceptance": acceptance.pk})
    assert response.url == reverse("accounts:consent_withdraw")
    acceptance.refresh_from_db()
    assert acceptance.withdrawn_at is not None
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.CONSENT_WITHDRAWN).count() == 1
    assert client.get(reverse("portal:dashboard")).url == reverse("accounts:consent")

    client.post(reverse("accounts:consent"), {"texts": str(text.pk), "accept": "on"})
    acceptance.refresh_from_db()
    assert acceptance.withdrawn_at is None
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_someone_elses_acceptance_cannot_be_withdrawn(client):
    text = consent_text_publish(space=Space.BENEFITS, title="Charte", body="Le texte.")
    other = member(Role.COOPERATOR)
    consent_accept(user=other, texts=[text])
    sign_in(client, member(Role.COOPERATOR))
    response = client.post(reverse("accounts:consent_withdraw"), {"acceptance": other.consents.get().pk})
    assert response.status_code == 404
    assert other.consents.get().withdrawn_at is None


def test_a_union_admin_publishes_a_new_benefits_version(client):
    officer = MembershipFactory(role=Role.UNION_OFFICER, is_admin=True).user
    sign_in(client, officer)
    page = client.get(reverse("accounts:consent_publish"))
    assert page.status_code == 200 and [c[0] for c in page.context["form"].fields["space"].choices] == ["benefits"]
    response = client.post(
        reverse("accounts:consent_publish"),
        {"space": "benefits", "title": "Charte 2027", "body": "Nouveau texte.", "confirm": "on"},
    )
    assert response.url == reverse("accounts:consent_publish")
    assert ConsentText.objects.get(space="benefits").title == "Charte 2027"
    # Another space cannot be published by this admin.
    client.post(
        reverse("accounts:consent_publish"),
        {"space": "partners", "title": "X", "body": "Y", "confirm": "on"},
    )
    assert not ConsentText.objects.filter(space="partners").exists()


@pytest.mark.parametrize(("role", "is_admin"), [(Role.UNION_OFFICER, False), (Role.COOP_MANAGER, True)])
def test_others_may_not_publish(client, role, is_admin):
    sign_in(client, MembershipFactory(role=role, is_admin=is_admin).user)
    assert client.get(reverse("accounts:consent_publish")).status_code == 403


def test_the_security_log_is_kept_one_year():
    user = member(Role.COOPERATOR)
    old = log_event(SecurityEventKind.LOGIN, user=user)
    SecurityEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=366))
    recent = log_event(SecurityEventKind.LOGIN, user=user)
    SecurityEvent.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=364))
    assert "1 événement" in purge_security_log()
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    call_command("purge_security_log")  # idempotent, runnable by hand
    assert SecurityEvent.objects.filter(pk=recent.pk).exists()
