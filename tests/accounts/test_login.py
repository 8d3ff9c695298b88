"""Login by identifier or e-mail, case-insensitive, with one generic error."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db

GENERIC_ERROR = "Identifiant ou mot de passe incorrect."


def login(client, username, password=DEFAULT_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


@pytest.mark.parametrize(
    "typed", ["F004217MD", "f004217md", "  F004217md  ", "mathilde@example.test", "MATHILDE@Example.TEST"]
)
def test_login_by_identifier_or_email_any_case(client, typed):
    user = member(Role.COOPERATOR, identifier="F004217MD", email="mathilde@example.test")
    response = login(client, typed)
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_and_unknown_account_get_the_same_answer(client):
    member(Role.COOPERATOR, identifier="F004217MD")
    wrong = login(client, "F004217MD", "pas-le-bon-mot-de-passe")
    unknown = login(client, "X999999ZZ", "pas-le-bon-mot-de-passe")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC_ERROR in wrong.content.decode()
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_typed_identifier_is_kept_but_not_the_password(client):
    response = login(client, "quelquun", "secret-tape")
    html = response.content.decode()
    assert 'value="quelquun"' in html
    assert "secret-tape" not in html


def test_inactive_account_gets_the_generic_error(client):
    member(Role.COOPERATOR, identifier="F000001AB", is_active=False)
    response = login(client, "F000001AB")
    assert GENERIC_ERROR in response.content.decode()
    assert "désactivé" not in response.content.decode()


def test_two_accounts_cannot_share_an_email_whatever_the_case():
    from django.db import IntegrityError, transaction

    UserFactory(identifier="A1", email="famille@example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(identifier="A2", email="Famille@Example.test")
    UserFactory(identifier="A3", email="")
    UserFactory(identifier="A4", email="")  # no address: no constraint


def test_login_gives_a_new_session_key(client):
    user = member(Role.COOPERATOR)
    client.get(reverse("accounts:login"))
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    login(client, user.identifier)
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(user.pk)


def test_next_is_followed_only_on_this_site(client):
    user = member(Role.COOPERATOR)
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": user.identifier, "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("portal:dashboard")


def test_signed_in_user_is_sent_on_from_login_page(client):
    client.force_login(member(Role.COOPERATOR))
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")


def test_login_page_is_french_and_links_forgotten_password(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Identifiant ou adresse e-mail" in html
    assert reverse("accounts:password_forgot") in html


def test_logout_ends_the_session(client):
    user = member(Role.COOPERATOR)
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
