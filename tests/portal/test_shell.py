import pytest
from django.urls import reverse

from accounts.enums import Role
from tests.accounts.factories import member


@pytest.mark.django_db
def test_home_is_public_and_in_french(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Prestations" in response.content.decode()


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_dashboard_shows_current_membership(client):
    user = member(Role.COOP_MANAGER)
    client.force_login(user)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert "Responsable RH de coopérative" in response.content.decode()


@pytest.mark.django_db
def test_csp_header_is_strict(client):
    response = client.get(reverse("portal:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "'unsafe-inline'" not in csp


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
