"""Passkeys (WebAuthn, django-otp-webauthn): enrolled from the security page, used as the second factor,
used to sign in without a password, removed after a re-authentication and a confirmation. The
ceremonies run against a software authenticator (tests/utils/webauthn.py)."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp_webauthn.models import WebAuthnCredential

from accounts.enums import Role, SecurityEventKind
from accounts.middleware import SESSION_NEW_CODES
from accounts.models import SecurityEvent
from accounts.views.security import REAUTH_SESSION_KEY
from core.models import OutboundMessage
from tests.accounts.factories import member, totp_device
from tests.utils.clients import sign_in
from tests.utils.webauthn import SoftAuthenticator

pytestmark = pytest.mark.django_db

REGISTER_BEGIN = "accounts:passkey_register_begin"
REGISTER_COMPLETE = "accounts:passkey_register_complete"
AUTH_BEGIN = "accounts:passkey_authentication_begin"
AUTH_COMPLETE = "accounts:passkey_authentication_complete"


def post_json(client, name, data=None, query=""):
    return client.post(reverse(name) + query, data or {}, content_type="application/json")


def enrol(client, authenticator=None):
    authenticator = authenticator or SoftAuthenticator()
    options = post_json(client, REGISTER_BEGIN).json()
    response = post_json(client, REGISTER_COMPLETE, authenticator.create(options))
    return authenticator, response


def authenticate(client, authenticator, query="", **answer):
    options = post_json(client, AUTH_BEGIN).json()
    return post_json(client, AUTH_COMPLETE, authenticator.get(options, **answer), query)


def notices(user, subject_part):
    return OutboundMessage.objects.filter(
        recipient=user.email, event="accounts.security_notice", subject__contains=subject_part
    )


def with_passkey(role=Role.COOPERATOR):
    from django.test import Client

    user = member(role)
    client = sign_in(Client(), user, second_factor=False)
    authenticator, response = enrol(client)
    assert response.status_code == 200, response.content
    return user, authenticator


def sign_in_with_passkey(client, user, *, reauth=False):
    """Signed in, the session verified by the user's passkey (and re-authenticated just now)."""
    sign_in(client, user, second_factor=False)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = WebAuthnCredential.objects.filter(user=user).first().persistent_id
    if reauth:
        session[REAUTH_SESSION_KEY] = time.time()
    session.save()


def test_enrolment_saves_the_passkey_logs_mails_and_gives_recovery_codes(client):
    user = member(Role.COOPERATOR)
    sign_in(client, user)
    html = client.get(reverse("accounts:otp_manage")).content.decode()
    assert 'data-passkey="register"' in html and "passkeys.js" in html and "Aucune clé d’accès" in html
    options = post_json(client, REGISTER_BEGIN).json()
    assert options["rp"] == {"id": "testserver", "name": "Guichet"}
    assert options["user"]["name"] == user.identifier
    _authenticator, response = enrol(client)
    assert response.status_code == 200
    assert response.json()["redirect_url"] == reverse("accounts:otp_recovery_codes")
    passkey = WebAuthnCredential.objects.get(user=user)
    assert passkey.confirmed and passkey.name.startswith("Clé d’accès ajoutée le ")
    assert notices(user, "Clé d’accès ajoutée").count() == 1
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.OTP_ENROLLED, detail__action="passkey_added")
    assert len(client.session[SESSION_NEW_CODES]) == 10 and StaticToken.objects.filter(device__user=user).count() == 10
    # The session counts as verified (the passkey was just proved), and the page lists it.
    assert client.session[DEVICE_ID_SESSION_KEY] == passkey.persistent_id
    assert passkey.name in client.get(reverse("accounts:otp_manage")).content.decode()


def test_a_second_passkey_keeps_the_recovery_codes(client):
    user, _first = with_passkey()
    sign_in_with_passkey(client, user)
    codes = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    _second, response = enrol(client)
    assert response.json()["redirect_url"] == reverse("accounts:otp_manage")
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == codes
    assert WebAuthnCredential.objects.filter(user=user).count() == 2


def test_enrolling_needs_the_existing_second_factor_first(client):
    user = member(Role.COOPERATOR)
    totp_device(user)
    sign_in(client, user, second_factor=False)
    # The gate sends every page to the code; the ceremony is open but the library refuses an unverified session.
    response = post_json(client, REGISTER_BEGIN)
    assert response.status_code == 403
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_a_passkey_signs_in_without_a_password(client):
    user, authenticator = with_passkey()
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert 'data-passkey="authenticate"' in login_page and "Se connecter avec une clé d’accès" in login_page
    before = SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.LOGIN).count()
    options = post_json(client, AUTH_BEGIN).json()
    assert options["userVerification"] == "required" and options["allowCredentials"] == []
    target = reverse("accounts:profile")
    response = post_json(client, AUTH_COMPLETE, authenticator.get(options), f"?next={target}")
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == target
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("django_otp_webauthn.")
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.LOGIN).count() == before + 1
    assert "guichet_device" in response.cookies  # the same bookkeeping as a password sign-in
    assert client.get(target).status_code == 200


def test_an_unsafe_next_is_not_followed(client):
    _user, authenticator = with_passkey()
    response = authenticate(client, authenticator, "?next=https://evil.example/")
    assert response.json()["redirect_url"] == reverse("portal:dashboard")


def test_without_user_verification_or_from_another_origin_nobody_signs_in(client):
    _user, authenticator = with_passkey()
    assert authenticate(client, authenticator, user_verified=False).status_code >= 400
    assert SESSION_KEY not in client.session
    assert authenticate(client, authenticator, origin="https://evil.example").status_code >= 400
    assert SESSION_KEY not in client.session
    assert authenticate(client, SoftAuthenticator()).status_code == 404  # a passkey nobody enrolled
    assert SESSION_KEY not in client.session


def test_a_disabled_account_cannot_sign_in_with_its_passkey(client):
    user, authenticator = with_passkey()
    user.is_active = False
    user.save()
    assert authenticate(client, authenticator).status_code >= 400
    assert SESSION_KEY not in client.session


def test_a_passkey_is_the_second_factor_after_the_password(client):
    user, authenticator = with_passkey(Role.UNION_OFFICER)  # a role that must use a second factor
    sign_in(client, user, second_factor=False)
    assert client.get(reverse("portal:dashboard")).url == reverse("accounts:otp_verify")
    page = client.get(reverse("accounts:otp_verify")).content.decode()
    assert "Utiliser ma clé d’accès" in page
    response = authenticate(client, authenticator)
    assert response.status_code == 200
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_another_accounts_passkey_does_not_verify_this_session(client):
    _owner, authenticator = with_passkey()
    user, _mine = with_passkey(Role.UNION_OFFICER)
    sign_in(client, user, second_factor=False)
    response = authenticate(client, authenticator)
    assert response.status_code >= 400
    assert client.get(reverse("portal:dashboard")).url == reverse("accounts:otp_verify")


def test_a_passkey_confirms_identity_for_the_sensitive_pages(client):
    user, authenticator = with_passkey()
    sign_in_with_passkey(client, user)
    passkey = WebAuthnCredential.objects.get(user=user)
    remove = reverse("accounts:passkey_remove", args=[passkey.pk])
    reauth = client.get(remove)
    assert reauth.url.startswith(reverse("accounts:reauth"))
    assert "Confirmer avec ma clé d’accès" in client.get(reauth.url).content.decode()
    assert authenticate(client, authenticator, f"?next={remove}").json()["redirect_url"] == remove
    assert client.session[REAUTH_SESSION_KEY] <= time.time()
    assert client.get(remove).status_code == 200


def test_removal_asks_first_then_removes_and_mails(client):
    user, _authenticator = with_passkey()
    passkey = WebAuthnCredential.objects.get(user=user)
    sign_in_with_passkey(client, user, reauth=True)
    url = reverse("accounts:passkey_remove", args=[passkey.pk])
    page = client.post(url)
    assert page.status_code == 200 and 'name="confirmed" value="1"' in page.content.decode()
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    response = client.post(url, {"confirmed": "1"})
    assert response.url == reverse("accounts:otp_manage")
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert notices(user, "Clé d’accès supprimée").count() == 1
    # The last second factor gone: its recovery codes go with it.
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_someone_elses_passkey_cannot_be_removed(client):
    owner, _authenticator = with_passkey()
    passkey = WebAuthnCredential.objects.get(user=owner)
    user = member(Role.COOPERATOR)
    sign_in(client, user)
    session = client.session
    session[REAUTH_SESSION_KEY] = time.time()
    session.save()
    url = reverse("accounts:passkey_remove", args=[passkey.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_a_passkey_can_be_the_mandatory_second_factor(client):
    user = member(Role.UNION_OFFICER)
    sign_in(client, user, second_factor=False)
    assert client.get(reverse("portal:dashboard")).url == reverse("accounts:otp_enrol")
    assert "Enregistrer une clé d’accès" in client.get(reverse("accounts:otp_enrol")).content.decode()
    _authenticator, response = enrol(client)  # the ceremony is open while the enrolment gate waits
    assert response.status_code == 200
    # The recovery codes are shown next, then the portal opens.
    assert client.get(reverse("accounts:otp_recovery_codes")).status_code == 200
    client.post(reverse("accounts:otp_recovery_codes_done"))
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_the_ceremony_pages_carry_no_inline_script(client):
    user = member(Role.COOPERATOR)
    sign_in(client, user)
    for name in ("accounts:otp_manage", "accounts:otp_enrol"):
        html = client.get(reverse(name)).content.decode()
        assert "<script>" not in html and "onclick" not in html
    client.logout()
    html = client.get(reverse("accounts:login")).content.decode()
    assert "<script>" not in html and "onclick" not in html


def test_the_page_says_a_passkey_alone_is_a_second_factor(client):
    user, _authenticator = with_passkey()
    sign_in_with_passkey(client, user)
    html = client.get(reverse("accounts:otp_manage")).content.decode()
    assert "Activée" in html and "Désactivée" not in html
    assert "Ajouter une application d’authentification" in html
    totp_device(user)
    html = client.get(reverse("accounts:otp_manage")).content.decode()
    assert "Supprimer l’application d’authentification" in html and "Désactiver la double" not in html
