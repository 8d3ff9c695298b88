"""The login page (identifiers per space, show-password toggle) and the sessions page, in a real
browser: axe-core clean and 390 px wide."""

import pytest

from accounts.enums import Role
from tests.accounts.factories import DEFAULT_PASSWORD, member
from tests.e2e.helpers import accept_consents, assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_lists_identifiers_and_toggles_the_password(page):
    page.goto("/compte/connexion/")
    assert "F004217MD" in page.inner_text("main")
    field = page.locator("#id_password")
    assert field.get_attribute("type") == "password"
    page.get_by_role("button", name="Afficher le mot de passe").click()
    assert field.get_attribute("type") == "text"
    page.get_by_role("button", name="Masquer le mot de passe").click()
    assert field.get_attribute("type") == "password"
    assert_accessible(page)


def test_sessions_page(page):
    user = member(Role.COOPERATOR, identifier="F004217MD")
    accept_consents(user)
    login(page, "F004217MD", DEFAULT_PASSWORD)
    page.goto("/compte/securite/sessions/")
    assert "Cette session" in page.inner_text("main")
    assert_accessible(page)
