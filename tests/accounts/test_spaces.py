"""Space policies come from one table (core.spaces): accounts holds no branch on the space."""

import pathlib
import re

import pytest
from django.urls import reverse

from accounts.enums import Space
from core import spaces
from core.spaces import ForgotBy, ForgotPassword

pytestmark = pytest.mark.django_db

ACCOUNTS = pathlib.Path(__file__).resolve().parents[2] / "accounts"


def test_every_space_is_declared_once_with_its_policies():
    declared = {d.key: d for d in spaces.all_spaces()}
    assert set(declared) == set(Space.values)
    assert declared["benefits"].forgot_password == ForgotPassword.TEMPORARY
    assert declared["benefits"].forgot_by == ForgotBy.LOGIN
    assert declared["partners"].forgot_by == ForgotBy.LOGIN_AND_EMAIL
    assert declared["interim"].forgot_password == ForgotPassword.LINK
    assert [e.field for e in declared["habilitations"].consent_extras] == ["health_data"]


def test_accounts_has_no_branch_on_the_space():
    offenders = []
    for path in ACCOUNTS.rglob("*.py"):
        if "migrations" in path.parts or path.name == "enums.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"(?<!kind_)space\s*(==|!=|in\s*\()|Space\.(BENEFITS|PARTNERS|INTERIM|HABILITATIONS)", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_core_spaces_imports_django_only():
    source = (ACCOUNTS.parent / "core" / "spaces.py").read_text().split('"""', 2)[2]  # after the docstring
    imports = re.findall(r"^\s*(?:from|import) ([\w.]+)", source, re.M)
    assert all(name.split(".")[0] in {"collections", "dataclasses", "enum", "django"} for name in imports), imports


def test_the_login_page_says_which_identifier_each_space_uses(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "F004217MD" in html
    assert "login partenaire" in html
    assert "123456RH" in html
    assert html.count("<li>") >= 4


def test_the_forgotten_password_index_follows_the_declarations(client):
    html = client.get(reverse("accounts:password_forgot")).content.decode()
    assert reverse("accounts:password_forgot_prestations") in html
    assert "un mot de passe temporaire vous est envoyé" in html
    assert "un lien pour choisir un nouveau mot de passe" in html
