"""Ids from the query string or a form parse strictly: "²" (a digit for str.isdigit) never gives a 500."""

import ast
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.enums import OrganisationKind, Role
from core.params import parse_id, parse_ids, parse_int
from tests.accounts.factories import OrganisationFactory, member
from tests.benefits.factories import CooperativeFactory, catalogue
from tests.utils.clients import sign_in

ROOT = Path(__file__).resolve().parents[2]
ODD = "²"
PROBE = dict.fromkeys(("id", "pk", "cooperative", "cooperateur", "caisse", "annee", "page", "par_page", "tri"), ODD)


@pytest.mark.parametrize("value", ["²", "٣", "1²", "-1", "0", "", " ", "1.0", "1e3", "x", "9" * 30, None])
def test_parse_id_refuses_anything_but_ascii_digits(value):
    assert parse_id(value) is None


def test_parse_id_and_friends_accept_plain_numbers():
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    assert parse_ids(["3", "²", "3", "x", "5"]) == [3, 5]
    assert parse_int("2026", 1) == 2026
    assert parse_int("-3", 0) == -3
    assert parse_int("²", 2025) == 2025
    assert parse_int("1800", 2025, minimum=2000) == 2025


def test_no_isdigit_on_request_parameters_in_views():
    """Views parse ids with core.params: `.isdigit()` lets "²" through to int() or the ORM."""
    offenders = []
    for path in ROOT.glob("*/views*/**/*.py"):
        if ".venv" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"isdigit", "isnumeric", "isdecimal"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in ROOT.glob("*/views.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"isdigit", "isnumeric", "isdecimal"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "Use core.params.parse_id instead of str.isdigit():\n" + "\n".join(offenders)


def plain_routes(patterns=None, namespace=None, prefix=""):
    """(name, route) of every named route of the project that takes no path argument."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace])) or None
            yield from plain_routes(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            if "<" not in route and "(?P" not in route:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), route


def _users():
    catalogue()
    coop = CooperativeFactory()
    national = OrganisationFactory(kind=OrganisationKind.NATIONAL_ADMIN)
    return [
        member(Role.UNION_OFFICER, organisation=coop.union),
        member(Role.COOP_MANAGER, organisation=coop.organisation),
        member(Role.NATIONAL_ADMIN, organisation=national),
    ]


@pytest.mark.django_db
def test_every_plain_route_survives_odd_digits_in_its_query(client):
    """Every route without path arguments, GET with "²" in every id-like parameter: never a 500."""
    failures = []
    for user in _users():
        sign_in(client, user)
        for name, _route in plain_routes():
            if name.startswith(("admin", "captcha")):
                continue
            url = reverse(name)
            response = client.get(url, PROBE)
            if response.streaming:  # an export: consume it so that its file is closed
                b"".join(response.streaming_content)
            if response.status_code >= 500:
                failures.append(f"{user}: GET {url} -> {response.status_code}")
        client.logout()
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_posted_ids_with_odd_digits_are_ignored(client):
    officer, manager, _ = _users()
    sign_in(client, officer)
    response = client.post(reverse("benefits:bulk_pay"), {"ids": [ODD, "1²"]})
    assert response.status_code in (200, 302, 400, 404)
    client.logout()
    sign_in(client, manager)
    response = client.post(reverse("benefits:request_create"), {"cooperateur": ODD})
    assert response.status_code in (200, 302, 400, 404)
    response = client.get(reverse("benefits:request_create"), {"cooperateur": ODD})
    assert response.status_code in (200, 400, 404)
