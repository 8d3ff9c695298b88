"""Two-factor authentication: enrolment, verification, throttling, recovery codes, re-authentication, SMS."""

import re
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import SecurityEventKind
from accounts.models import SMS_CHALLENGE_EVENT, SecurityEvent, SmsDevice
from accounts.services import otp
from accounts.views.otp import SESSION_ENROL_KEY, SESSION_NEW_CODES
from accounts.views.security import REAUTH_SESSION_KEY
from core import sms
from core.models import OutboundMessage
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory, member, totp_device, totp_now
from tests.utils.clients import sign_in

pytestmark = pytest.mark.django_db


def code_for_key(key, offset=0):
    from binascii import unhexlify

    return f"{totp(unhexlify(key), t0=-offset * 30):06d}"


def failures(user):
    return SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.OTP_FAILED).count()


# Services ----------------------------------------------------------------------------------------


class TestEnrolmentService:
    def test_a_right_code_confirms_the_device_and_gives_ten_recovery_codes(self):
        user = UserFactory()
        key = otp.new_totp_key()
        device, codes = otp.totp_enrolment_confirm(user=user, key=key, token=code_for_key(key))
        assert device.confirmed and device.key == key
        assert len(codes) == 10 == len(set(codes))
        assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(codes)
        assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.OTP_ENROLLED).count() == 1

    def test_a_wrong_code_creates_nothing_and_is_logged(self):
        user = UserFactory()
        key = otp.new_totp_key()
        wrong = f"{(int(code_for_key(key)) + 500_000) % 1_000_000:06d}"
        with pytest.raises(otp.OtpError, match="Code incorrect"):
            otp.totp_enrolment_confirm(user=user, key=key, token=wrong)
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert failures(user) == 1

    def test_the_secret_is_shown_in_base32_and_the_qr_code_is_inline_svg(self):
        user = UserFactory(identifier="F004217MD")
        key = otp.new_totp_key()
        secret = otp.secret_for_display(key).replace(" ", "")
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)
        url = otp.totp_config_url(user, key)
        assert url.startswith("otpauth://totp/Guichet%3AF004217MD?") and f"secret={secret}" in url
        svg = otp.qr_code_svg(url, title="QR")
        assert svg.startswith("<svg") and "<title" in svg and "style=" not in svg and "<script" not in svg

    @pytest.mark.parametrize("tree", ["xml.etree.ElementTree", "lxml.etree"])
    def test_the_qr_code_works_with_either_tree_library(self, monkeypatch, tree):
        """qrcode builds its SVG with lxml when lxml happens to be installed, else with xml.etree."""
        import qrcode.image.svg

        monkeypatch.setattr(qrcode.image.svg, "ET", pytest.importorskip(tree))
        svg = otp.qr_code_svg("otpauth://totp/Guichet%3AX?secret=ABCD", title="QR à scanner")
        assert svg.startswith("<svg") and '<title id="qr-code-title">QR à scanner</title>' in svg
        assert 'aria-labelledby="qr-code-title"' in svg and 'role="img"' in svg


class TestVerifyService:
    def test_the_current_code_verifies(self):
        device = totp_device(UserFactory())
        assert otp.otp_verify(user=device.user, token=totp_now(device)) == device

    def test_a_code_is_accepted_once(self):
        device = totp_device(UserFactory())
        code = totp_now(device)
        otp.otp_verify(user=device.user, token=code)
        with pytest.raises(otp.OtpError):
            otp.otp_verify(user=device.user, token=code)

    def test_wrong_codes_are_throttled_with_a_french_message_and_logged(self):
        device = totp_device(UserFactory())
        with pytest.raises(otp.OtpError, match="Code incorrect"):
            otp.otp_verify(user=device.user, token="000000" if totp_now(device) != "000000" else "111111")
        # Right away, even the right code is refused: django-otp's exponential delay.
        with pytest.raises(
            otp.OtpThrottled, match=r"Trop de codes erronés\. Réessayez dans (1 seconde|\d+ secondes)\."
        ):
            otp.otp_verify(user=device.user, token=totp_now(device))
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        assert failures(device.user) == 2

    def test_after_the_delay_the_right_code_works_and_resets_the_throttle(self):
        device = totp_device(UserFactory(), throttling_failure_count=3)
        device.throttling_failure_timestamp = timezone.now() - timedelta(seconds=10)
        device.save()
        assert otp.otp_verify(user=device.user, token=totp_now(device)) == device
        device.refresh_from_db()
        assert device.throttling_failure_count == 0

    def test_a_recovery_code_works_once(self):
        user = UserFactory()
        totp_device(user)
        codes = otp.recovery_codes_regenerate(user=user)
        device = otp.otp_verify(user=user, token=codes[0].upper())
        assert isinstance(device, StaticDevice)
        assert otp.recovery_codes_left(user) == 9
        with pytest.raises(otp.OtpError):
            otp.otp_verify(user=user, token=codes[0])

    def test_new_recovery_codes_replace_the_old_ones(self):
        user = UserFactory()
        old = otp.recovery_codes_regenerate(user=user)
        new = otp.recovery_codes_regenerate(user=user)
        assert StaticToken.objects.filter(device__user=user).count() == 10
        assert not set(old) & set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
        assert otp.otp_verify(user=user, token=new[3])

    def test_someone_elses_code_does_not_verify(self):
        mine, theirs = totp_device(UserFactory()), totp_device(UserFactory())
        if totp_now(mine) == totp_now(theirs):
            pytest.skip("both devices show the same code by chance")
        with pytest.raises(otp.OtpError):
            otp.otp_verify(user=mine.user, token=totp_now(theirs))

    def test_remove_deletes_the_device_and_the_codes(self):
        user = UserFactory()
        totp_device(user)
        otp.recovery_codes_regenerate(user=user)
        otp.otp_devices_remove(user=user)
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert not StaticDevice.objects.filter(user=user).exists()


class TestSms:
    @pytest.fixture
    def send(self, django_capture_on_commit_callbacks):
        """sms_challenge_send, then its commit: the SMS leaves on commit (core.notifications)."""

        def send(**kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return otp.sms_challenge_send(**kwargs)

        return send

    def test_send_then_verify(self, send):
        user = UserFactory()
        device = send(user=user, phone="06 12 34 56 78")
        assert device.phone == "+33612345678"
        assert len(sms.outbox) == 1 and sms.outbox[0].to == "+33612345678"
        code = re.search(r"\b(\d{6})\b", sms.outbox[0].body).group(1)
        assert "5 minutes" in sms.outbox[0].body
        assert otp.sms_challenge_verify(device=device, code=code) is True
        # Used: the same code no longer works.
        with pytest.raises(otp.OtpError):
            otp.sms_challenge_verify(device=device, code=code)

    def test_resend_waits_sixty_seconds(self, send):
        user = UserFactory()
        device = send(user=user, phone="0612345678")
        with pytest.raises(otp.OtpError, match=r"Vous pourrez en demander un autre dans \d+ secondes"):
            send(user=user, phone="+33 6 12 34 56 78")
        assert len(sms.outbox) == 1
        SmsDevice.objects.filter(pk=device.pk).update(last_generated_timestamp=timezone.now() - timedelta(seconds=61))
        send(user=user, phone="0612345678")
        assert len(sms.outbox) == 2
        assert SmsDevice.objects.filter(user=user).count() == 1

    def test_the_code_expires_after_five_minutes(self, send):
        device = send(user=UserFactory(), phone="0612345678")
        code = device.token
        assert device.valid_until - timezone.now() <= timedelta(minutes=5)
        SmsDevice.objects.filter(pk=device.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
        with pytest.raises(otp.OtpError, match="expiré"):
            otp.sms_challenge_verify(device=device, code=code)

    def test_wrong_codes_are_throttled_and_logged(self, send):
        device = send(user=UserFactory(), phone="0612345678")
        wrong = "000000" if device.token != "000000" else "111111"
        with pytest.raises(otp.OtpError, match="Code incorrect"):
            otp.sms_challenge_verify(device=device, code=wrong)
        with pytest.raises(otp.OtpThrottled, match="Trop de codes erronés"):
            otp.sms_challenge_verify(device=device, code=device.token)
        assert failures(device.user) == 2

    def test_an_invalid_phone_is_refused_in_french(self, send):
        with pytest.raises(otp.ValidationError, match="numéro de téléphone valide"):
            send(user=UserFactory(), phone="12")
        assert sms.outbox == []


class TestSmsDelivery:
    def test_the_code_goes_through_notifications_and_leaves_only_on_commit(self, django_capture_on_commit_callbacks):
        user = UserFactory()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            otp.sms_challenge_send(user=user, phone="0612345678")
        assert sms.outbox == [] and len(callbacks) == 1
        message = OutboundMessage.objects.get(user=user)
        assert message.channel == OutboundMessage.Channel.SMS and message.recipient == "+33612345678"
        assert message.event == SMS_CHALLENGE_EVENT

    def test_nothing_is_sent_when_the_transaction_rolls_back(self, django_capture_on_commit_callbacks):
        user = UserFactory()
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
            otp.sms_challenge_send(user=user, phone="0612345678")
            raise RuntimeError("the caller fails after asking for the code")
        assert sms.outbox == []
        assert not OutboundMessage.objects.filter(user=user).exists()


# Gate ---------------------------------------------------------------------------------------------


class TestGate:
    @pytest.mark.parametrize("role", ["union_officer", "agency_staff", "fund_admin", "national_admin", "ucanss_admin"])
    def test_a_privileged_role_is_sent_to_enrolment(self, client, role):
        client.force_login(member(role))
        response = client.get(reverse("portal:dashboard"))
        assert response.status_code == 302 and response.url == reverse("accounts:otp_enrol")

    @pytest.mark.parametrize("role", ["cooperator", "temp_worker", "partner_user", "organisme_user"])
    def test_other_roles_go_on_without_a_second_factor(self, client, role):
        client.force_login(member(role))
        assert client.get(reverse("portal:dashboard")).status_code == 200

    def test_staff_must_enrol_too(self, client):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(reverse("portal:dashboard")).url == reverse("accounts:otp_enrol")

    def test_a_user_with_a_device_verifies_at_each_session(self, client):
        user = member("cooperator")
        totp_device(user)
        client.force_login(user)
        response = client.get(reverse("portal:dashboard"))
        assert response.url == reverse("accounts:otp_verify")

    def test_a_verified_privileged_user_goes_on(self, client):
        user = member("union_officer")
        sign_in(client, user, second_factor=True)
        assert client.get(reverse("portal:dashboard")).status_code == 200

    def test_the_gate_comes_after_the_forced_password_change(self, client):
        client.force_login(member("union_officer", must_change_password=True))
        assert client.get(reverse("portal:dashboard")).url == reverse("accounts:password_change")


# Pages --------------------------------------------------------------------------------------------


class TestEnrolmentPage:
    def test_enrolment_shows_the_qr_code_and_the_secret_then_confirms(self, client):
        user = member("union_officer")
        client.force_login(user)
        page = client.get(reverse("accounts:otp_enrol"))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<svg" in html and 'id="otp-secret"' in html
        key = client.session[SESSION_ENROL_KEY]
        assert otp.secret_for_display(key) in html
        assert not TOTPDevice.objects.filter(user=user).exists()  # nothing written before confirmation

        response = client.post(reverse("accounts:otp_enrol"), {"token": code_for_key(key)})
        assert response.url == reverse("accounts:otp_recovery_codes")
        assert TOTPDevice.objects.get(user=user).confirmed
        assert client.session[DEVICE_ID_SESSION_KEY]  # verified for this session
        assert client.get(reverse("portal:dashboard")).status_code == 200

        codes_page = client.get(reverse("accounts:otp_recovery_codes")).content.decode()
        codes = client.session[SESSION_NEW_CODES]
        assert len(codes) == 10 and all(code in codes_page for code in codes)
        download = client.get(reverse("accounts:otp_recovery_codes_download"))
        assert download["Content-Disposition"].startswith("attachment")
        assert download["Content-Type"].startswith("text/plain")
        assert all(code in download.content.decode() for code in codes)

        client.post(reverse("accounts:otp_recovery_codes_done"))
        again = client.get(reverse("accounts:otp_recovery_codes")).content.decode()
        assert not any(code in again for code in codes)  # shown once
        assert client.get(reverse("accounts:otp_recovery_codes_download")).status_code == 404

    def test_a_wrong_code_is_shown_on_the_field(self, client):
        user = member("cooperator")
        client.force_login(user)
        client.get(reverse("accounts:otp_enrol"))
        key = client.session[SESSION_ENROL_KEY]
        wrong = f"{(int(code_for_key(key)) + 500_000) % 1_000_000:06d}"
        response = client.post(reverse("accounts:otp_enrol"), {"token": wrong})
        assert response.status_code == 200
        assert "Code incorrect" in response.context["form"].errors["token"][0]
        assert not TOTPDevice.objects.filter(user=user).exists()

    def test_five_wrong_codes_give_a_new_secret(self, client):
        client.force_login(member("cooperator"))
        client.get(reverse("accounts:otp_enrol"))
        key = client.session[SESSION_ENROL_KEY]
        wrong = f"{(int(code_for_key(key)) + 500_000) % 1_000_000:06d}"
        for _ in range(5):
            response = client.post(reverse("accounts:otp_enrol"), {"token": wrong})
        assert response.status_code == 302
        client.get(reverse("accounts:otp_enrol"))
        assert client.session[SESSION_ENROL_KEY] != key

    def test_an_enrolled_user_is_sent_to_the_management_page(self, client):
        user = member("cooperator")
        sign_in(client, user, second_factor=True)
        assert client.get(reverse("accounts:otp_enrol")).url == reverse("accounts:otp_manage")


class TestVerifyPage:
    def test_a_right_code_verifies_the_session(self, client):
        user = member("union_officer")
        device = totp_device(user)
        client.force_login(user)
        response = client.post(reverse("accounts:otp_verify"), {"token": totp_now(device)})
        assert response.url == reverse("portal:dashboard")
        assert client.get(reverse("portal:dashboard")).status_code == 200

    def test_a_wrong_code_then_throttling_in_french(self, client):
        user = member("union_officer")
        device = totp_device(user)
        client.force_login(user)
        wrong = "000000" if totp_now(device) != "000000" else "111111"
        first = client.post(reverse("accounts:otp_verify"), {"token": wrong})
        assert first.context["form"].errors["token"] == ["Code incorrect."]
        second = client.post(reverse("accounts:otp_verify"), {"token": totp_now(device)})
        assert "Trop de codes erronés" in second.context["form"].errors["token"][0]
        assert failures(user) == 2
        assert client.get(reverse("portal:dashboard")).status_code == 302

    def test_a_recovery_code_verifies_and_says_how_many_are_left(self, client):
        user = member("union_officer")
        totp_device(user)
        codes = otp.recovery_codes_regenerate(user=user)
        client.force_login(user)
        response = client.post(reverse("accounts:otp_verify"), {"token": codes[0]}, follow=True)
        assert response.status_code == 200
        assert "Il vous en reste 9" in response.content.decode()

    def test_next_is_followed_only_on_this_site(self, client):
        user = member("cooperator")
        device = totp_device(user)
        client.force_login(user)
        response = client.post(
            reverse("accounts:otp_verify"), {"token": totp_now(device), "next": "https://evil.example/"}
        )
        assert response.url == reverse("portal:dashboard")


class TestReauthentication:
    def test_changing_the_second_factor_asks_for_password_and_code(self, client):
        user = member("cooperator")
        device = totp_device(user)
        sign_in(client, user)
        url = reverse("accounts:otp_remove")
        response = client.get(url)
        assert response.url == f"{reverse('accounts:reauth')}?next={url.replace('/', '%2F')}"
        page = client.get(response.url)
        assert "token" in page.context["form"].fields

        bad = client.post(response.url, {"password": "wrong", "token": totp_now(device, offset=1), "next": url})
        assert bad.context["form"].errors["password"][0].startswith("Mot de passe incorrect. Il vous reste 4 essais")
        ok = client.post(response.url, {"password": DEFAULT_PASSWORD, "token": totp_now(device, offset=1), "next": url})
        assert ok.url == url
        assert client.get(url).status_code == 200
        removed = client.post(url)
        assert removed.url == reverse("accounts:otp_manage")
        assert not TOTPDevice.objects.filter(user=user).exists()

    def test_a_privileged_user_who_resets_the_device_enrols_again(self, client):
        user = member("agency_staff")
        sign_in(client, user, second_factor=True)
        session = client.session
        session[REAUTH_SESSION_KEY] = time.time()
        session.save()
        response = client.post(reverse("accounts:otp_remove"))
        assert response.url == reverse("accounts:otp_enrol")
        assert client.get(reverse("portal:dashboard")).url == reverse("accounts:otp_enrol")

    def test_reauthentication_lasts_five_minutes(self, client):
        user = member("cooperator")
        sign_in(client, user, second_factor=True)
        session = client.session
        session[REAUTH_SESSION_KEY] = time.time() - 301
        session.save()
        response = client.get(reverse("accounts:otp_recovery_codes_regenerate"))
        assert response.url.startswith(reverse("accounts:reauth"))

    def test_regenerating_recovery_codes(self, client):
        user = member("cooperator")
        sign_in(client, user, second_factor=True)
        old = otp.recovery_codes_regenerate(user=user)
        session = client.session
        session[REAUTH_SESSION_KEY] = time.time()
        session.save()
        response = client.post(reverse("accounts:otp_recovery_codes_regenerate"))
        assert response.url == reverse("accounts:otp_recovery_codes")
        new = client.session[SESSION_NEW_CODES]
        assert len(new) == 10 and not set(new) & set(old)

    def test_without_a_device_the_password_is_enough(self, client):
        user = member("cooperator")
        client.force_login(user)
        url = reverse("accounts:profile_contact")
        reauth_url = client.get(url).url
        page = client.get(reauth_url)
        assert "token" not in page.context["form"].fields
        response = client.post(reauth_url, {"password": DEFAULT_PASSWORD, "next": url})
        assert response.url == url

    def test_the_management_page_lists_the_state(self, client):
        user = member("cooperator")
        client.force_login(user)
        assert "Activer la double authentification" in client.get(reverse("accounts:otp_manage")).content.decode()
        sign_in(client, user, second_factor=True)
        otp.recovery_codes_regenerate(user=user)
        html = client.get(reverse("accounts:otp_manage")).content.decode()
        assert "Activée" in html and "Désactiver la double authentification" in html
