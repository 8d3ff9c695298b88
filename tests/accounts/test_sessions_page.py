"""The list of one's open sessions, "sign out everywhere else", and the show-password toggle."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.models import UserSession
from tests.accounts.factories import DEFAULT_PASSWORD, member

pytestmark = pytest.mark.django_db


def login(client, identifier, **extra):
    return client.post(reverse("accounts:login"), {"username": identifier, "password": DEFAULT_PASSWORD}, **extra)


def test_the_sessions_are_listed_and_the_others_can_be_signed_out():
    member(Role.COOPERATOR, identifier="F004217MD")
    laptop, phone = Client(), Client()
    login(laptop, "F004217MD", REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT="Firefox portable")
    login(phone, "F004217MD", REMOTE_ADDR="10.0.0.2", HTTP_USER_AGENT="Safari téléphone")
    page = laptop.get(reverse("accounts:sessions"))
    html = page.content.decode()
    assert "Firefox portable" in html and "Safari téléphone" in html and "10.0.0.2" in html
    assert html.count("Cette session") == 1

    response = laptop.post(reverse("accounts:sessions"))
    assert response.url == reverse("accounts:sessions")
    assert SESSION_KEY in laptop.session
    assert phone.get(reverse("portal:dashboard")).status_code == 302  # signed out
    assert UserSession.objects.count() == 1


def test_password_pages_load_the_show_password_script_without_inline_code(client):
    script = Path(settings.BASE_DIR) / "static" / "accounts" / "js" / "password-toggle.js"
    assert "Afficher le mot de passe" in script.read_text()
    html = client.get(reverse("accounts:login")).content.decode()
    assert "accounts/js/password-toggle.js" in html
    assert "<script>" not in html and "onclick" not in html
