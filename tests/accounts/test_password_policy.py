"""Password policies per space (SPEC section 2): French messages, stated before typing."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.enums import Role, Space
from accounts.validators import help_texts_for, spaces_of, validators_for
from partners.space import PartnersPasswordValidator
from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def errors(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [str(message) for message in error.messages]
    return []


# --- partners: 8 to 12 letters and digits, at least one digit --------------------------------------


@pytest.mark.parametrize("password", ["kqzvbnt7", "Vq8rTzLm3pXk", "47395812w", "ZQXWKPRV9"])
def test_partners_accepts_8_to_12_letters_and_digits_with_a_digit(password):
    user = member(Role.PARTNER_USER, identifier="presta01", email="p@example.test")
    assert errors(password, user) == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("abc1234", "de 8 à 12 caractères"),
        ("abcdefgh12345", "de 8 à 12 caractères"),
        ("abcd-1234", "que des lettres et des chiffres"),
        ("abcdé1234", "que des lettres et des chiffres"),
        ("abcd 1234", "que des lettres et des chiffres"),
        ("abcdefghij", "au moins un chiffre"),
    ],
)
def test_partners_rejects_with_a_french_message(password, expected):
    user = member(Role.FUND_ADMIN, identifier="caisse01", email="c@example.test")
    messages = errors(password, user)
    assert any(expected in message for message in messages), messages


# --- habilitations: at least 8, not common, not close to the user's attributes ----------------------


def test_habilitations_accepts_eight_characters():
    user = member(Role.ORGANISME_USER, identifier="agent@cpam.test", email="agent@cpam.test")
    assert errors("Vt8#qLm2", user) == []


def test_habilitations_rejects_seven_characters_in_french():
    user = member(Role.CORRESPONDENT)
    messages = errors("Vt8#qLm", user)
    assert any("trop court" in m and "8 caractères" in m for m in messages), messages


def test_habilitations_rejects_a_common_password():
    messages = errors("azertyuiop", member(Role.UCANSS_ADMIN))
    assert any("trop courant" in m for m in messages), messages


def test_habilitations_rejects_a_password_close_to_the_name():
    user = member(Role.ORGANISME_USER, first_name="Josephine", last_name="Bergamotte")
    messages = errors("bergamotte", user)
    assert any("trop semblable" in m and "nom" in m for m in messages), messages


def test_habilitations_rejects_a_password_close_to_the_email():
    user = member(Role.ORGANISME_USER, identifier="marcelline.durand@cpam.test", email="marcelline.durand@cpam.test")
    messages = errors("marcellinedurand", user)
    assert any("trop semblable" in m for m in messages), messages


# --- benefits and interim: at least 12, not common, not close ----------------------------------------


@pytest.mark.parametrize("role", [Role.COOPERATOR, Role.COOP_MANAGER, Role.TEMP_WORKER, Role.AGENCY_STAFF])
def test_benefits_and_interim_need_twelve_characters(role):
    user = member(role)
    assert any("12 caractères" in m for m in errors("Vt8#qLm2xZ4", user))  # 11
    assert errors("Vt8#qLm2xZ4!", user) == []  # 12


@pytest.mark.parametrize("role", [Role.COOPERATOR, Role.TEMP_WORKER])
def test_benefits_and_interim_reject_common_and_similar(role):
    user = member(role, identifier="F004217MD", first_name="Mathilde", last_name="Dupontel")
    assert any("trop courant" in m for m in errors("password1234", user))
    assert any("trop semblable" in m and "identifiant" in m for m in errors("f004217md2026", user))


def test_no_membership_gets_the_strict_general_rule():
    user = UserFactory()
    assert spaces_of(user) == set()
    assert any("12 caractères" in m for m in errors("Vt8#qLm2", user))


def test_inactive_membership_does_not_count():
    membership = MembershipFactory(role=Role.PARTNER_USER, is_active=False)
    assert spaces_of(membership.user) == set()


def test_user_in_two_spaces_gets_both_rules():
    user = member(Role.PARTNER_USER)
    MembershipFactory(user=user, role=Role.ORGANISME_USER)
    assert spaces_of(user) == {Space.PARTNERS, Space.HABILITATIONS}
    assert any("au moins un chiffre" in m for m in errors("Vt#qLmpxZ", user))
    assert any("trop courant" in m for m in errors("password1", user))
    assert errors("Vt8qLm2xZ", user) == []


def test_only_the_longest_minimum_length_is_kept():
    user = member(Role.ORGANISME_USER)
    MembershipFactory(user=user, role=Role.COOPERATOR)
    lengths = [v.min_length for v in validators_for(user) if hasattr(v, "min_length")]
    assert lengths == [12]


def test_help_texts_are_french_and_per_space():
    partners = " ".join(str(t) for t in help_texts_for(None, {Space.PARTNERS}))
    assert "De 8 à 12 caractères" in partners and "au moins un chiffre" in partners
    habilitations = " ".join(str(t) for t in help_texts_for(None, {Space.HABILITATIONS}))
    assert "8 caractères" in habilitations and "couramment utilisé" in habilitations
    benefits = " ".join(str(t) for t in help_texts_for(None, {Space.BENEFITS}))
    assert "12 caractères" in benefits


def test_partners_validator_help_text():
    assert "lettres et des chiffres" in str(PartnersPasswordValidator().get_help_text())


def test_change_form_states_the_rule_before_the_field(client):
    user = member(Role.PARTNER_USER, identifier="presta02")
    client.force_login(user)
    html = client.get(reverse("accounts:password_change")).content.decode()
    rule = html.index("De 8 à 12 caractères")
    field = html.index('name="new_password1"')
    assert rule < field
    assert 'aria-describedby="id_new_password1_helptext' in html


def test_change_form_shows_policy_errors_on_the_new_password_field(client):
    user = member(Role.TEMP_WORKER)
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "court1", "new_password2": "court1"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any("trop court" in e for e in form.errors["new_password1"])
    assert "new_password2" not in form.errors


def test_partners_rule_also_refuses_common_passwords():
    """Every space's rule gets the local common-password list (Django's CommonPasswordValidator)."""
    user = member(Role.PARTNER_USER)
    assert any("trop courant" in m for m in errors("password123", user))
    assert errors("Vt8qLm2xZ", user) == []


def test_policies_come_from_the_space_declarations():
    from core import spaces

    assert spaces.get(Space.PARTNERS).password_validators()[0].__class__ is PartnersPasswordValidator
    assert {s.key for s in spaces.all_spaces()} >= {Space.BENEFITS, Space.PARTNERS, Space.INTERIM, Space.HABILITATIONS}
