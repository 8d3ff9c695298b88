"""Django admin: superusers only, behind the second factor (django-otp's OTPAdminSite)."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from accounts.models import ConsentText, Membership, SecurityEvent, User
from accounts.services.consent import consent_text_publish
from tests.accounts.factories import OrganisationFactory, UserFactory, totp_device
from tests.utils.clients import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(identifier="root@example.test", is_staff=True, is_superuser=True)


def test_the_admin_site_is_otp_protected():
    assert isinstance(admin.site, OTPAdminSite)
    assert admin.site.name == "admin"


def test_a_superuser_without_second_factor_cannot_reach_the_index(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == reverse("accounts:otp_enrol")


def test_a_superuser_with_an_unverified_device_cannot_reach_the_index(client, superuser):
    totp_device(superuser)
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == reverse("accounts:otp_verify")


def test_the_site_itself_refuses_unverified_staff(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    superuser.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    superuser.is_verified = lambda: True
    assert admin.site.has_permission(request) is True


def test_a_verified_superuser_reaches_the_index(client, superuser):
    sign_in(client, superuser, second_factor=True)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_verified_non_staff_user_is_not_admitted(client):
    user = UserFactory()
    sign_in(client, user, second_factor=True)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response.url


@pytest.mark.parametrize(
    "model", ["user", "organisation", "membership", "consenttext", "erasurerequest", "securityevent"]
)
def test_every_registered_list_opens(client, superuser, model):
    sign_in(client, superuser, second_factor=True)
    assert client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200


def test_adding_a_user_with_the_custom_model(client, superuser):
    sign_in(client, superuser, second_factor=True)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "identifier": "F004217MD",
            "email": "marie@example.test",
            "usable_password": "true",
            "password1": "Un-mot-de-passe-solide-2026",
            "password2": "Un-mot-de-passe-solide-2026",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(identifier="F004217MD")
    assert created.check_password("Un-mot-de-passe-solide-2026")
    duplicate = client.post(
        reverse("admin:accounts_user_add"),
        {"identifier": "f004217md", "email": "", "usable_password": "false"},
    )
    assert duplicate.status_code == 200
    assert "identifier" in duplicate.context["adminform"].form.errors or duplicate.context["adminform"].form.errors


def test_changing_a_user(client, superuser):
    user = UserFactory(identifier="paul@example.test")
    sign_in(client, superuser, second_factor=True)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    assert client.get(url).status_code == 200


def test_membership_roles_are_validated(client, superuser):
    sign_in(client, superuser, second_factor=True)
    cooperative = OrganisationFactory(kind="cooperative")
    person = UserFactory()
    data = {"user": person.pk, "organisation": cooperative.pk, "is_active": "on", "joined_at_0": "01/01/2026"}
    data["joined_at_1"] = "10:00:00"
    wrong = client.post(reverse("admin:accounts_membership_add"), {**data, "role": "agency_staff"})
    assert wrong.status_code == 200
    assert "role" in wrong.context["adminform"].form.errors
    assert not Membership.objects.exists()
    right = client.post(reverse("admin:accounts_membership_add"), {**data, "role": "cooperator"})
    assert right.status_code == 302
    assert Membership.objects.get().updated_by == superuser


def test_a_consent_text_added_in_the_admin_is_the_next_version(client, superuser):
    consent_text_publish(space="benefits", title="v1", body="…")
    sign_in(client, superuser, second_factor=True)
    response = client.post(
        reverse("admin:accounts_consenttext_add"), {"space": "benefits", "title": "v2", "body": "Nouveau texte"}
    )
    assert response.status_code == 302
    assert list(ConsentText.objects.filter(space="benefits").values_list("version", "title")) == [(2, "v2"), (1, "v1")]


def test_security_events_are_read_only(client, superuser):
    sign_in(client, superuser, second_factor=True)
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    event = SecurityEvent.objects.first()
    response = client.post(reverse("admin:accounts_securityevent_change", args=[event.pk]), {"kind": "logout"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.kind != "logout"


def test_the_admin_login_asks_for_the_second_factor(client):
    response = client.get(reverse("admin:login"), {"next": reverse("admin:index")})
    assert response.status_code == 200
    assert 'name="otp_token"' in response.content.decode()
