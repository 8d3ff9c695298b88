"""The 400 page is French and part of the site, whatever refused the request."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_request_for_an_unknown_host_gets_the_french_400_page(client):
    response = client.get("/", HTTP_HOST="ailleurs.example")
    assert response.status_code == 400 and "Demande refusée" in response.content.decode()
