"""Security e-mails are really sent; a reset lifts the lockout; the recovery codes survive the consent
gate; the language is kept at sign-in and saved on a switch; the smaller wording fixes."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.oath import totp

from accounts.enums import Role, Space
from accounts.models import User
from accounts.services import credentials
from accounts.services import otp as otp_service
from accounts.services.consent import consent_text_publish
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


def notices(user, subject_part=""):
    return OutboundMessage.objects.filter(
        recipient=user.email, event="accounts.security_notice", subject__contains=subject_part
    )


def login(client, username, password=DEFAULT_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_password_change_is_emailed(client):
    user = member(Role.COOPERATOR)
    credentials.password_set(user=user, password="Une-phrase-de-passe-2026")
    assert notices(user, "mot de passe a été modifié").count() == 1


def test_a_lockout_is_emailed_once(client):
    user = member(Role.COOPERATOR, identifier="F004217MD")
    for _ in range(6):
        login(client, "F004217MD", WRONG)
    assert notices(user, "verrouillé").count() == 1


def test_second_factor_enrolment_and_removal_are_emailed():
    user = member(Role.COOPERATOR)
    key = otp_service.new_totp_key()
    import binascii

    code = f"{totp(binascii.unhexlify(key)):06d}"
    otp_service.totp_enrolment_confirm(user=user, key=key, token=code)
    otp_service.otp_devices_remove(user=user)
    assert notices(user, "tion activée").count() == 1 and notices(user, "désactivée").count() == 1


def test_a_sign_in_from_a_new_device_is_emailed_but_not_from_a_known_one(client):
    user = member(Role.COOPERATOR, identifier="F004217MD")
    login(client, "F004217MD")  # the very first sign-in: nothing to compare with
    assert notices(user, "Nouvelle connexion").count() == 0
    client.post(reverse("accounts:logout"))
    login(client, "F004217MD")  # same browser (device cookie)
    assert notices(user, "Nouvelle connexion").count() == 0
    from django.test import Client

    login(Client(), "F004217MD")  # another browser
    assert notices(user, "Nouvelle connexion").count() == 1


def test_a_reset_through_the_emailed_link_lifts_the_lockout(client):
    user = member(Role.TEMP_WORKER, identifier="worker@example.test", email="worker@example.test")
    for _ in range(5):
        login(client, "worker@example.test", WRONG)
    assert login(client, "worker@example.test").status_code == 429
    url = credentials.password_reset_url(user)
    form = client.get(url, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-de-passe-2026", "new_password2": "Une-phrase-de-passe-2026"},
    )
    assert not AccessAttempt.objects.filter(username="worker@example.test").exists()
    response = login(client, "worker@example.test", "Une-phrase-de-passe-2026")
    assert response.status_code == 302


def test_reauthentication_says_how_many_tries_are_left(client):
    user = member(Role.COOPERATOR)
    client.force_login(user)
    page = client.get(reverse("accounts:reauth")).content.decode()
    assert "Il vous reste 5 essais avant un verrouillage de 15 minutes" in page
    bad = client.post(reverse("accounts:reauth"), {"password": WRONG})
    assert "Il vous reste 4 essais" in bad.context["form"].errors["password"][0]


def test_recovery_codes_are_shown_after_the_mandatory_first_enrolment(client):
    consent_text_publish(space=Space.BENEFITS, title="Charte", body="…")
    officer = member(Role.UNION_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("portal:dashboard")).url == reverse("accounts:otp_enrol")
    client.get(reverse("accounts:otp_enrol"))
    import binascii

    key = client.session["guichet_otp_enrol_key"]
    response = client.post(reverse("accounts:otp_enrol"), {"token": f"{totp(binascii.unhexlify(key)):06d}"})
    assert response.url == reverse("accounts:otp_recovery_codes")
    page = client.get(response.url)
    assert page.status_code == 200 and len(page.context["codes"]) == 10
    done = client.post(reverse("accounts:otp_recovery_codes_done"))
    assert client.get(done.url).url == reverse("accounts:consent")  # the consent gate comes after


def test_the_language_chosen_before_signing_in_is_kept_and_saved(client, settings):
    user = member(Role.COOPERATOR, identifier="F004217MD")
    client.post(reverse("portal:set_language"), {"language": "en"})
    response = login(client, "F004217MD")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_switch_while_signed_in_is_saved_to_the_profile(client):
    user = member(Role.COOPERATOR)
    client.force_login(user)
    client.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=user.pk).language == "en"


def test_the_english_option_is_called_english(client):
    client.force_login(member(Role.COOPERATOR))
    html = client.get(reverse("accounts:profile")).content.decode()
    assert ">English</option>" in html and "Anglais" not in html


def test_one_second_is_singular():
    from datetime import timedelta

    from django.utils import timezone

    error = otp_service._throttled({"locked_until": timezone.now() + timedelta(milliseconds=300)})
    assert "dans 1 seconde." in error.messages[0]


def test_a_cooperator_is_not_offered_an_event_meant_for_hr_managers(client):
    from core.notifications import _EVENTS, register_event

    register_event("tests.hr_only", "Réservé aux RH", space=Space.BENEFITS, audience=("coop_manager",))
    try:
        client.force_login(member(Role.COOPERATOR))
        html = client.get(reverse("accounts:profile_notifications")).content.decode()
        assert "Réservé aux RH" not in html
        client.force_login(member(Role.COOP_MANAGER))
        assert "Réservé aux RH" in client.get(reverse("accounts:profile_notifications")).content.decode()
    finally:
        _EVENTS.pop("tests.hr_only")
