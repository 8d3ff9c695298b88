"""Profile: names and language, contact details behind re-authentication, notification preferences."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.enums import SecurityEventKind
from accounts.models import SecurityEvent
from accounts.views.security import REAUTH_SESSION_KEY
from core import notifications
from core.models import NotificationPreference
from tests.accounts.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def reauthenticated(client):
    session = client.session
    session[REAUTH_SESSION_KEY] = time.time()
    session.save()
    return client


@pytest.fixture
def events():
    """Registers example events for the test (alone: the spaces' own events are set aside), then restores the
    registry."""
    saved = dict(notifications._EVENTS)
    notifications._EVENTS.clear()
    notifications.register_event("test.general", "Nouveautés du portail", space=None)
    notifications.register_event("test.advance", "Acompte versé", space="interim")
    notifications.register_event("test.request", "Demande traitée", space="benefits", default=False)
    notifications.register_event("test.security", "Alerte de sécurité", space=None, optional=False)
    yield
    notifications._EVENTS.clear()
    notifications._EVENTS.update(saved)


class TestNamesAndLanguage:
    def test_the_page_shows_the_profile(self, client):
        user = member("cooperator", first_name="Marie", last_name="Curie", identifier="F004217MD")
        client.force_login(user)
        response = client.get(reverse("accounts:profile"))
        html = response.content.decode()
        assert response.status_code == 200 and "F004217MD" in html and 'value="Marie"' in html
        assert "INVALID_TEMPLATE_VARIABLE" not in html
        assert reverse("accounts:otp_manage") in html and reverse("accounts:password_change") in html

    def test_saving_names_and_language_applies_the_language(self, client):
        user = member("cooperator")
        client.force_login(user)
        response = client.post(
            reverse("accounts:profile"), {"first_name": "Jeanne", "last_name": "Martin", "language": "en"}
        )
        assert response.url == reverse("accounts:profile")
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        user.refresh_from_db()
        assert (user.first_name, user.last_name, user.language) == ("Jeanne", "Martin", "en")
        event = SecurityEvent.objects.get(user=user, kind=SecurityEventKind.CONTACT_CHANGED)
        assert set(event.detail["fields"]) == {"first_name", "last_name", "language"}

    def test_errors_stay_on_the_field_and_nothing_is_lost(self, client):
        user = member("cooperator", first_name="Avant")
        client.force_login(user)
        response = client.post(
            reverse("accounts:profile"), {"first_name": "x" * 200, "last_name": "Martin", "language": "xx"}
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert "first_name" in form.errors and "language" in form.errors
        assert 'value="Martin"' in response.content.decode()
        user.refresh_from_db()
        assert user.first_name == "Avant"
        assert response.context["user"].first_name == "Avant"  # the header keeps the saved name


class TestContactDetails:
    def test_changing_email_or_phone_needs_reauthentication(self, client):
        client.force_login(member("cooperator"))
        response = client.get(reverse("accounts:profile_contact"))
        assert response.url.startswith(reverse("accounts:reauth"))
        response = client.post(reverse("accounts:profile_contact"), {"email": "x@example.test", "phone": ""})
        assert response.url.startswith(reverse("accounts:reauth"))

    def test_phone_is_saved_at_once_and_a_new_email_only_once_verified(self, client):
        from core.models import OutboundMessage

        user = member("cooperator", identifier="F004217MD", email="old@example.test")
        client.force_login(user)
        reauthenticated(client)
        response = client.post(
            reverse("accounts:profile_contact"), {"email": "New@Example.TEST", "phone": "06 12 34 56 78"}
        )
        assert response.url == reverse("accounts:profile")
        user.refresh_from_db()
        assert user.email == "old@example.test" and user.phone == "+33612345678"  # not used before the link
        link = OutboundMessage.objects.get(recipient="New@example.test", event="accounts.email_verify")
        assert "/compte/profil/adresse-e-mail/" in link.body
        told_old = OutboundMessage.objects.filter(recipient="old@example.test", event="accounts.security_notice")
        assert told_old.count() == 2  # the phone changed, a new address was asked

        url = link.body[link.body.index("/compte/profil/adresse-e-mail/") :].split()[0]
        assert client.get(url).status_code == 200  # a GET (mail scanner) changes nothing
        user.refresh_from_db()
        assert user.email == "old@example.test"
        client.post(url)
        user.refresh_from_db()
        assert user.email == "New@example.test" and user.identifier == "F004217MD"
        assert OutboundMessage.objects.filter(recipient="old@example.test", subject__contains="modifiée").exists()
        assert OutboundMessage.objects.filter(recipient="New@example.test", subject__contains="modifiée").exists()
        assert client.post(url).status_code == 400  # once only
        fields = [e.detail["fields"] for e in SecurityEvent.objects.filter(user=user, kind="contact_changed")]
        assert ["phone"] in fields and ["email"] in fields

    def test_where_the_email_is_the_login_the_login_follows_once_verified(self, client):
        from accounts.services.security_mail import email_change_token

        user = member("temp_worker", identifier="paul@agence.test", email="paul@agence.test")
        client.force_login(user)
        reauthenticated(client)
        client.post(reverse("accounts:profile_contact"), {"email": "paul.durand@agence.test", "phone": ""})
        user.refresh_from_db()
        assert user.identifier == user.email == "paul@agence.test"
        client.post(reverse("accounts:email_confirm", args=[email_change_token(user, "paul.durand@agence.test")]))
        user.refresh_from_db()
        assert user.identifier == user.email == "paul.durand@agence.test"

    def test_an_address_taken_meanwhile_is_refused_at_confirmation(self, client):
        from accounts.services.security_mail import email_change_token

        user = member("cooperator", email="mine@example.test")
        token = email_change_token(user, "wanted@example.test")
        UserFactory(identifier="someone", email="wanted@example.test")
        response = client.post(reverse("accounts:email_confirm", args=[token]))
        assert response.status_code == 400 and "ne peut pas être utilisée" in response.content.decode()
        user.refresh_from_db()
        assert user.email == "mine@example.test"

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"email": "pas-une-adresse", "phone": "0612345678"}, "email", "adresse e-mail valide"),
            ({"email": "a@example.test", "phone": "12"}, "phone", "numéro de téléphone valide"),
            ({"email": "a@example.test", "phone": "06 12 34 56"}, "phone", "numéro de téléphone valide"),
        ],
    )
    def test_bad_input_is_refused_on_the_field_and_kept(self, client, data, field, message):
        user = member("cooperator", email="before@example.test")
        client.force_login(user)
        reauthenticated(client)
        response = client.post(reverse("accounts:profile_contact"), data)
        assert response.status_code == 200
        assert message in response.context["form"].errors[field][0]
        html = response.content.decode()
        assert f'value="{data["email"]}"' in html and f'value="{data["phone"]}"' in html
        user.refresh_from_db()
        assert user.email == "before@example.test"

    def test_an_address_used_by_another_account_is_refused(self, client):
        UserFactory(identifier="taken@example.test")
        user = member("cooperator")
        client.force_login(user)
        reauthenticated(client)
        response = client.post(reverse("accounts:profile_contact"), {"email": "TAKEN@example.test", "phone": ""})
        assert "ne peut pas être utilisée" in response.context["form"].errors["email"][0]


class TestNotificationPreferences:
    def test_optional_events_of_the_users_spaces_grouped_by_space(self, client, events):
        client.force_login(member("temp_worker"))
        response = client.get(reverse("accounts:profile_notifications"))
        html = response.content.decode()
        assert "Nouveautés du portail" in html and "Acompte versé" in html
        assert "Demande traitée" not in html  # another space
        assert "Alerte de sécurité" not in html  # not optional: always sent
        assert "Espace intérimaire" in html and "Général" in html
        assert "INVALID_TEMPLATE_VARIABLE" not in html

    def test_saving_preferences(self, client, events):
        user = member("temp_worker")
        client.force_login(user)
        response = client.post(reverse("accounts:profile_notifications"), {"event__test__advance": "on"})
        assert response.url == reverse("accounts:profile_notifications")
        saved = dict(NotificationPreference.objects.filter(user=user).values_list("event", "enabled"))
        assert saved == {"test.general": False, "test.advance": True}
        assert notifications.is_enabled(user, "test.general") is False
        page = client.get(reverse("accounts:profile_notifications"))
        form = page.context["form"]
        assert form["event__test__advance"].initial is True and form["event__test__general"].initial is False

    def test_no_optional_event_shows_an_empty_state(self, client):
        saved = dict(notifications._EVENTS)
        notifications._EVENTS.clear()
        try:
            client.force_login(member("cooperator"))
            html = client.get(reverse("accounts:profile_notifications")).content.decode()
        finally:
            notifications._EVENTS.update(saved)
        assert "Aucune notification" in html
