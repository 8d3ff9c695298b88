"""Forgotten password per space: never tells whether the account exists; rate-limited."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from accounts.enums import Role, SecurityEventKind
from accounts.models import SecurityEvent, TemporaryPassword
from tests.accounts.factories import DEFAULT_PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def post(slug, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse(f"accounts:password_forgot_{slug}"), data, **extra)

    return post


def temporary_password_in(message):
    return re.search(r"Mot de passe temporaire : (\S+)", message.body).group(1)


def reset_link_in(message):
    return re.search(r"https?://\S+/compte/mot-de-passe-oublie/lien/\S+/", message.body).group(0)


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_index_lists_the_four_spaces(client):
    html = client.get(reverse("accounts:password_forgot")).content.decode()
    for slug in ("prestations", "partenaires", "interimaires", "organismes"):
        assert reverse(f"accounts:password_forgot_{slug}") in html


@pytest.mark.parametrize("slug", ["prestations", "partenaires", "interimaires", "organismes"])
def test_each_space_page_answers_anonymous_users(client, slug):
    response = client.get(reverse(f"accounts:password_forgot_{slug}"))
    assert response.status_code == 200
    assert "Mot de passe oublié" in response.content.decode()


# --- benefits: identifier or e-mail -> temporary password by e-mail --------------------------------


@pytest.mark.parametrize("typed", ["F004217MD", "f004217md", "mathilde@example.test"])
def test_benefits_sends_a_temporary_password(client, send, typed):
    user = member(Role.COOPERATOR, identifier="F004217MD", email="mathilde@example.test")
    response = send("prestations", {"login": typed})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_forgot_prestations_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mathilde@example.test"]
    password = temporary_password_in(mail.outbox[0])
    # The old password still works until the temporary one is used.
    assert user.check_password(DEFAULT_PASSWORD)
    assert login(client, "F004217MD", password).status_code == 302
    user.refresh_from_db()
    assert user.must_change_password
    assert client.get(reverse("portal:dashboard")).url == reverse("accounts:password_change")


def test_benefits_unknown_account_gets_the_same_answer(client, send):
    member(Role.COOPERATOR, identifier="F004217MD", email="mathilde@example.test")
    known = send("prestations", {"login": "F004217MD"})
    unknown = send("prestations", {"login": "X000000ZZ"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1
    page = client.get(known.url).content.decode()
    assert "Si un compte de cet espace correspond" in page


def test_benefits_page_does_not_serve_other_spaces(send):
    member(Role.TEMP_WORKER, identifier="worker@example.test", email="worker@example.test")
    send("prestations", {"login": "worker@example.test"})
    assert mail.outbox == []
    assert not TemporaryPassword.objects.exists()


def test_benefits_account_without_email_gets_nothing(send):
    member(Role.COOPERATOR, identifier="F000009ZZ", email="")
    send("prestations", {"login": "F000009ZZ"})
    assert mail.outbox == []
    assert not TemporaryPassword.objects.exists()


def test_inactive_accounts_and_memberships_get_nothing(send):
    member(Role.COOPERATOR, identifier="F000010AA", email="a@example.test", is_active=False)
    other = member(Role.COOPERATOR, identifier="F000011BB", email="b@example.test")
    other.memberships.update(is_active=False)
    send("prestations", {"login": "F000010AA"})
    send("prestations", {"login": "F000011BB"})
    assert mail.outbox == []


# --- partners: login + registered e-mail + captcha ------------------------------------------------


def partners_data(login, email, captcha="PASSED"):
    return {"login": login, "email": email, "captcha_0": "clef", "captcha_1": captcha}


def test_partners_sends_a_temporary_password_when_both_match(client, send):
    member(Role.PARTNER_USER, identifier="presta01", email="contact@presta.test")
    response = send("partenaires", partners_data("PRESTA01", "Contact@Presta.test"))
    assert response.url == reverse("accounts:password_forgot_partenaires_done")
    assert len(mail.outbox) == 1
    password = temporary_password_in(mail.outbox[0])
    assert len(password) == 12
    assert login(client, "presta01", password).status_code == 302


def test_partners_mismatched_email_gets_the_same_answer_and_nothing(send):
    member(Role.PARTNER_USER, identifier="presta01", email="contact@presta.test")
    response = send("partenaires", partners_data("presta01", "autre@presta.test"))
    assert response.url == reverse("accounts:password_forgot_partenaires_done")
    assert mail.outbox == []


def test_partners_wrong_captcha_is_refused_on_the_field_and_input_kept(client, settings):
    settings.CAPTCHA_TEST_MODE = False
    import captcha.conf.settings as captcha_settings

    captcha_settings.CAPTCHA_TEST_MODE = False
    try:
        member(Role.PARTNER_USER, identifier="presta01", email="contact@presta.test")
        response = client.post(
            reverse("accounts:password_forgot_partenaires"), partners_data("presta01", "contact@presta.test", "faux")
        )
    finally:
        captcha_settings.CAPTCHA_TEST_MODE = True
    assert response.status_code == 200
    assert "captcha" in response.context["form"].errors
    html = response.content.decode()
    assert "ne correspondent pas à l’image" in html
    assert 'value="presta01"' in html
    assert mail.outbox == []


def test_partners_page_shows_a_captcha_image_with_a_french_alternative(client):
    html = client.get(reverse("accounts:password_forgot_partenaires")).content.decode()
    assert '<img src="/captcha/image/' in html
    assert 'alt="Image de vérification' in html
    assert re.search(r'<input type="text" name="captcha_1"[^>]*aria-label="Caractères de l’image"', html)


def test_partners_page_does_not_serve_other_spaces(send):
    member(Role.COOPERATOR, identifier="F004217MD", email="m@example.test")
    send("partenaires", partners_data("F004217MD", "m@example.test"))
    assert mail.outbox == []


# --- interim and habilitations: e-mail -> one-time link --------------------------------------------


@pytest.mark.parametrize(("slug", "role"), [("interimaires", Role.TEMP_WORKER), ("organismes", Role.ORGANISME_USER)])
def test_link_spaces_send_a_one_time_link(client, send, slug, role):
    user = member(role, identifier="agent@example.test", email="agent@example.test")
    response = send(slug, {"email": "AGENT@example.test"})
    assert response.url == reverse(f"accounts:password_forgot_{slug}_done")
    assert len(mail.outbox) == 1
    assert "24 heures" in mail.outbox[0].body
    link = reset_link_in(mail.outbox[0])
    assert not TemporaryPassword.objects.exists()

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Tout-nouveau-2026", "new_password2": "Tout-nouveau-2026"})
    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Tout-nouveau-2026")
    assert not user.must_change_password
    assert user.password_changed_at is not None
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED, user=user).get()
    assert event.detail["via"] == "reset_link"

    # Single use.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "Lien invalide ou expiré" in again.content.decode()


def test_reset_link_expires_after_the_timeout(client, send, settings, monkeypatch):
    assert settings.PASSWORD_RESET_TIMEOUT <= 24 * 3600
    member(Role.TEMP_WORKER, identifier="w@example.test", email="w@example.test")
    send("interimaires", {"email": "w@example.test"})
    link = reset_link_in(mail.outbox[0])
    real_now = default_token_generator._now
    monkeypatch.setattr(
        default_token_generator,
        "_now",
        lambda: real_now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1),
    )
    assert client.get(link, follow=True).context["validlink"] is False


def test_reset_link_policy_errors_on_the_field(client, send):
    member(Role.TEMP_WORKER, identifier="w@example.test", email="w@example.test")
    send("interimaires", {"email": "w@example.test"})
    page = client.get(reset_link_in(mail.outbox[0]), follow=True)
    assert "12 caractères" in page.content.decode()  # the rule, before typing
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "court1", "new_password2": "court1"})
    assert "trop court" in " ".join(response.context["form"].errors["new_password1"])


def test_reset_link_of_a_disabled_account_does_not_work(client, send):
    user = member(Role.TEMP_WORKER, identifier="w@example.test", email="w@example.test")
    send("interimaires", {"email": "w@example.test"})
    user.is_active = False
    user.save()
    assert client.get(reset_link_in(mail.outbox[0]), follow=True).context["validlink"] is False


def test_reset_ends_every_session_of_the_user(client, send):
    from django.test import Client

    user = member(Role.TEMP_WORKER, identifier="w@example.test", email="w@example.test")
    other = Client()
    assert login(other, "w@example.test", DEFAULT_PASSWORD).status_code == 302
    send("interimaires", {"email": "w@example.test"})
    page = client.get(reset_link_in(mail.outbox[0]), follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": "Tout-nouveau-2026", "new_password2": "Tout-nouveau-2026"}
    )
    assert other.get(reverse("portal:dashboard")).status_code == 302
    user.refresh_from_db()


def test_link_pages_serve_only_their_space(send):
    member(Role.TEMP_WORKER, identifier="w@example.test", email="w@example.test")
    member(Role.CORRESPONDENT, identifier="c@example.test", email="c@example.test")
    send("organismes", {"email": "w@example.test"})
    send("interimaires", {"email": "c@example.test"})
    assert mail.outbox == []


def test_link_unknown_email_gets_the_same_answer(send):
    member(Role.TEMP_WORKER, identifier="w@example.test", email="w@example.test")
    known = send("interimaires", {"email": "w@example.test"})
    unknown = send("interimaires", {"email": "personne@example.test"})
    assert known.url == unknown.url
    assert len(mail.outbox) == 1


def test_invalid_email_is_refused_on_the_field_in_french(client):
    response = client.post(reverse("accounts:password_forgot_organismes"), {"email": "pas-une-adresse"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Saisissez une adresse de courriel valide."]
    assert 'value="pas-une-adresse"' in response.content.decode()


# --- rate limit -----------------------------------------------------------------------------------


def test_rate_limit_per_address(send, settings):
    assert settings.RATELIMIT_FORGOT_PASSWORD == (5, 900)
    member(Role.COOPERATOR, identifier="F004217MD", email="m@example.test")
    for n in range(5):
        assert send("prestations", {"login": f"X{n}"}).status_code == 302
    response = send("prestations", {"login": "F004217MD"})
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert mail.outbox == []


def test_rate_limit_per_identifier_whatever_the_address(send):
    member(Role.TEMP_WORKER, identifier="w@example.test", email="w@example.test")
    for n in range(5):
        send("interimaires", {"email": "w@example.test"}, REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert len(mail.outbox) == 5
    response = send("interimaires", {"email": "W@example.test"}, REMOTE_ADDR="198.51.100.99")
    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_rate_limit_window_ends(send, settings):
    settings.RATELIMIT_FORGOT_PASSWORD = (1, 900)
    from django.core.cache import cache

    send("prestations", {"login": "A"})
    assert send("prestations", {"login": "B"}).status_code == 429
    cache.clear()  # what the window's expiry does
    assert send("prestations", {"login": "C"}).status_code == 302


# --- security log ---------------------------------------------------------------------------------


def test_requests_are_in_the_security_log(send):
    user = member(Role.COOPERATOR, identifier="F004217MD", email="m@example.test")
    send("prestations", {"login": "F004217MD"}, REMOTE_ADDR="203.0.113.5")
    send("prestations", {"login": "inconnu"})
    matched = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_RESET_REQUESTED, user=user)
    assert matched.ip_address == "203.0.113.5"
    assert matched.detail["method"] == "temporary"
    unmatched = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_RESET_REQUESTED, user=None)
    assert unmatched.identifier == "inconnu" and unmatched.detail["matched"] is False
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TEMPORARY_PASSWORD_ISSUED, user=user).exists()


def test_captcha_image_is_public(client):
    html = client.get(reverse("accounts:password_forgot_partenaires")).content.decode()
    url = re.search(r'<img src="(/captcha/image/[^"]+)"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
