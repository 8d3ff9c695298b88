"""Tenant isolation harness: walks every URL of the project (see tests/isolation.py)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.enums import PRIVILEGED_ROLES
from tests.accounts.factories import MembershipFactory, OrganisationFactory, member
from tests.utils.clients import sign_in

from .isolation import (
    IGNORED_NAMESPACES,
    PERSONAL,
    PUBLIC,
    TECHNICAL,
    Owned,
    RegistryError,
    Restricted,
    collect_routes,
    merge_routes,
    routes_files,
)

ROUTES = collect_routes()


def walk(patterns, namespace=None, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in IGNORED_NAMESPACES:
                continue
            yield from walk(
                entry.url_patterns,
                ":".join(filter(None, [namespace, entry.namespace])) or None,
                prefix + str(entry.pattern),
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), entry


def project_routes():
    return list(walk(get_resolver().url_patterns))


def test_every_route_is_registered():
    missing, unnamed = [], []
    for name, route, _ in project_routes():
        if name is None:
            unnamed.append(route)
        elif name not in ROUTES:
            missing.append(f"{name} ({route})")
    assert not unnamed, f"Routes without a name cannot be checked: {unnamed}"
    assert not missing, "Routes in no tests/<app>/routes.py (say how each is protected, see tests/isolation.py):\n" + (
        "\n".join(missing)
    )


def test_each_app_declares_its_routes_in_its_own_tests_folder():
    apps = {path.parent.name for path in routes_files()}
    assert {"portal", "accounts", "benefits", "partners"} <= apps
    namespaces = {name.split(":")[0] for name, _, _ in project_routes() if name and ":" in name}
    assert not namespaces - apps, f"Apps with routes and no tests/<app>/routes.py: {namespaces - apps}"


def test_the_registries_refuse_a_route_declared_twice_or_outside_its_namespace():
    assert merge_routes({"portal": {"portal:home": PUBLIC, "captcha-image": TECHNICAL}, "shop": {"shop:x": PUBLIC}})
    with pytest.raises(RegistryError, match="declared twice"):
        merge_routes({"shop": {"shop:x": PUBLIC}, "portal": {"shop:x": PUBLIC}})
    with pytest.raises(RegistryError, match="declare it in tests/shop/routes.py"):
        merge_routes({"portal": {"shop:x": PUBLIC}})
    with pytest.raises(RegistryError, match="declare it in tests/portal/routes.py"):
        merge_routes({"shop": {"captcha-image": TECHNICAL}})
    with pytest.raises(RegistryError, match="no ROUTES dict"):
        merge_routes({"shop": None})


def test_registry_has_no_stale_entries():
    names = {name for name, _, _ in project_routes()}
    assert not set(ROUTES) - names, f"Entries of tests/*/routes.py with no route: {set(ROUTES) - names}"


def _cases(kind):
    return [pytest.param(name, spec, id=name) for name, spec in ROUTES.items() if isinstance(spec, kind)]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "spec"), _cases(Owned))
def test_foreign_object_answers_404(client, name, spec):
    owner = MembershipFactory(role=spec.role)
    kwargs = spec.make(owner)
    intruder_org = OrganisationFactory(kind=owner.organisation.kind, parent=owner.organisation.parent)
    intruder = member(spec.role, organisation=intruder_org)
    sign_in(client, intruder)
    url = reverse(name, kwargs=kwargs)
    for method in spec.methods:
        response = getattr(client, method)(url, spec.extra)
        assert response.status_code == 404, f"{method.upper()} {url} as a foreign {spec.role}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "spec"), _cases(Restricted))
def test_restricted_route_refuses_other_roles(client, name, spec):
    from accounts.enums import Role

    outsider_role = next(role for role in Role if role not in spec.roles and role not in PRIVILEGED_ROLES)
    sign_in(client, member(outsider_role))
    response = getattr(client, spec.method)(reverse(name))
    assert response.status_code == 403, f"{name} as {outsider_role}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, s in ROUTES.items() if s is PERSONAL or isinstance(s, Restricted | Owned)])
def test_private_routes_require_login(client, name):
    spec = ROUTES[name]
    if isinstance(spec, Owned):
        kwargs = spec.make(MembershipFactory(role=spec.role))
        url = reverse(name, kwargs=kwargs)
    else:
        url = reverse(name)
    response = client.get(url)
    assert response.status_code in (302, 405), f"{url} answered {response.status_code} to an anonymous user"
    if response.status_code == 302:
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, s in ROUTES.items() if s is PUBLIC])
def test_public_routes_answer_anonymous_users(client, name):
    response = client.get(reverse(name))
    assert response.status_code in (200, 302, 405), f"{name}: {response.status_code}"
    if response.status_code == 302:
        assert not response.url.startswith(reverse("accounts:login")), f"{name} asks anonymous users to sign in"
