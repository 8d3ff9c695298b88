"""Tenant isolation harness: walks every URL of the project (see tests/isolation.py)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import PRIVILEGED_ROLES
from accounts.models import ConsentAcceptance, ConsentText, Membership
from tests.accounts.factories import MembershipFactory, OrganisationFactory, member

from .isolation import IGNORED_NAMESPACES, PERSONAL, PUBLIC, ROUTES, Owned, Restricted


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


def ready_client(client, user):
    """Signs the user in past every gate: consent accepted, second factor verified where mandatory."""
    for text in ConsentText.objects.all():
        ConsentAcceptance.objects.get_or_create(user=user, text=text)
    client.force_login(user)
    if Membership.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists():
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def test_every_route_is_registered():
    missing, unnamed = [], []
    for name, route, _ in project_routes():
        if name is None:
            unnamed.append(route)
        elif name not in ROUTES:
            missing.append(f"{name} ({route})")
    assert not unnamed, f"Routes without a name cannot be checked: {unnamed}"
    assert not missing, "Routes missing from tests/isolation.py (say how each is protected):\n" + "\n".join(missing)


def test_registry_has_no_stale_entries():
    names = {name for name, _, _ in project_routes()}
    assert not set(ROUTES) - names, f"Entries of tests/isolation.py with no route: {set(ROUTES) - names}"


def _cases(kind):
    return [pytest.param(name, spec, id=name) for name, spec in ROUTES.items() if isinstance(spec, kind)]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "spec"), _cases(Owned))
def test_foreign_object_answers_404(client, name, spec):
    owner = MembershipFactory(role=spec.role)
    kwargs = spec.make(owner)
    intruder_org = OrganisationFactory(kind=owner.organisation.kind, parent=owner.organisation.parent)
    intruder = member(spec.role, organisation=intruder_org)
    ready_client(client, intruder)
    url = reverse(name, kwargs=kwargs)
    for method in spec.methods:
        response = getattr(client, method)(url, spec.extra)
        assert response.status_code == 404, f"{method.upper()} {url} as a foreign {spec.role}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "spec"), _cases(Restricted))
def test_restricted_route_refuses_other_roles(client, name, spec):
    from accounts.enums import Role

    outsider_role = next(role for role in Role if role not in spec.roles and role not in PRIVILEGED_ROLES)
    ready_client(client, member(outsider_role))
    response = client.get(reverse(name))
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
