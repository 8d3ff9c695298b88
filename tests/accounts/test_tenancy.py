"""Current organisation: the switcher re-checks membership and remembers the choice."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.enums import Role
from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory, member


def _current(client):
    return client.get(reverse("portal:dashboard")).context["current_membership"]


@pytest.fixture
def worker():
    user = member(Role.TEMP_WORKER)
    second = MembershipFactory(user=user, role=Role.TEMP_WORKER)
    return user, user.memberships.exclude(pk=second.pk).get(), second


@pytest.mark.django_db
def test_switch_changes_the_current_organisation(client, worker):
    user, first, second = worker
    client.force_login(user)
    assert _current(client) == first
    response = client.post(reverse("accounts:switch_organisation"), {"membership": second.pk})
    assert response.status_code == 302
    assert _current(client) == second


@pytest.mark.django_db
def test_switch_to_a_membership_of_someone_else_answers_404(client, worker):
    user, first, _ = worker
    foreign = MembershipFactory(role=Role.TEMP_WORKER)
    client.force_login(user)
    response = client.post(reverse("accounts:switch_organisation"), {"membership": foreign.pk})
    assert response.status_code == 404
    assert _current(client) == first


@pytest.mark.django_db
def test_switch_to_an_inactive_membership_answers_404(client, worker):
    user, first, second = worker
    second.is_active = False
    second.save()
    client.force_login(user)
    response = client.post(reverse("accounts:switch_organisation"), {"membership": second.pk})
    assert response.status_code == 404
    assert _current(client) == first


@pytest.mark.django_db
def test_switch_is_post_only(client, worker):
    user, _, second = worker
    client.force_login(user)
    response = client.get(reverse("accounts:switch_organisation"), {"membership": second.pk})
    assert response.status_code == 405


@pytest.mark.django_db
def test_the_choice_is_remembered_at_next_login(client, worker):
    user, _, second = worker
    client.force_login(user)
    client.post(reverse("accounts:switch_organisation"), {"membership": second.pk})
    client.logout()
    client.post(reverse("accounts:login"), {"username": user.identifier, "password": DEFAULT_PASSWORD})
    assert _current(client) == second


@pytest.mark.django_db
def test_unsafe_next_is_ignored(client, worker):
    user, _, second = worker
    client.force_login(user)
    response = client.post(
        reverse("accounts:switch_organisation"), {"membership": second.pk, "next": "https://evil.example/"}
    )
    assert response.url == reverse("portal:dashboard")


@pytest.mark.django_db
def test_login_applies_the_users_language(client):
    user = member(Role.COOPERATOR, language="en")
    response = client.post(reverse("accounts:login"), {"username": user.identifier, "password": DEFAULT_PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_the_login_language_cookie_is_the_one_the_language_switcher_sets(client, settings):
    """Same path and domain as Django's set_language (else the browser keeps two cookies)."""
    settings.LANGUAGE_COOKIE_PATH = "/guichet/"
    settings.LANGUAGE_COOKIE_DOMAIN = "guichet.example"
    user = member(Role.COOPERATOR, language="en")
    response = client.post(reverse("accounts:login"), {"username": user.identifier, "password": DEFAULT_PASSWORD})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["path"] == "/guichet/" and cookie["domain"] == "guichet.example"
