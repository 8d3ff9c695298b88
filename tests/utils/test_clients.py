import pytest
from django.urls import reverse

from accounts.services.consent import consent_text_publish
from tests.accounts.factories import member, totp_device
from tests.utils.clients import sign_in, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent_text():
    return consent_text_publish(space="benefits", title="Conditions", body="Texte")


def test_a_member_is_past_every_gate(client, consent_text):
    response = sign_in(client, member("cooperator")).get(reverse("portal:dashboard"))
    assert response.status_code == 200


def test_a_privileged_member_is_verified_with_a_second_factor(client):
    assert sign_in(client, member("union_officer")).get(reverse("portal:dashboard")).status_code == 200


def test_the_gates_can_be_left_on(client, consent_text):
    response = sign_in(client, member("cooperator"), consent=False).get(reverse("portal:dashboard"))
    assert response.url.startswith(reverse("accounts:consent"))
    response = sign_in(client, member("union_officer"), second_factor=False).get(reverse("portal:dashboard"))
    assert response.url.startswith(reverse("accounts:otp_enrol"))


def test_an_existing_device_is_used(client):
    user = member("cooperator")
    device = totp_device(user)
    sign_in(client, user)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert user.totpdevice_set.get() == device


def test_a_second_client(client):
    other = signed_in_client(member("cooperator"))
    assert other is not client and other.get(reverse("portal:dashboard")).status_code == 200
