"""GDPR consent: versioned texts per space, the gate, the Aide aux aidants health-data box."""

import pytest
from django.urls import reverse

from accounts.enums import SecurityEventKind, Space
from accounts.models import ConsentAcceptance, Membership, SecurityEvent
from accounts.services.consent import consent_accept, consent_extras_for, consent_pending, consent_text_publish
from habilitations.space import is_caregiver_account
from tests.accounts.factories import MembershipFactory, OrganisationFactory, member

pytestmark = pytest.mark.django_db


def publish(space, title="Conditions", body="Le texte."):
    return consent_text_publish(space=space, title=title, body=body)


class TestPublishAndPending:
    def test_versions_follow_each_other_per_space(self):
        assert publish(Space.BENEFITS).version == 1
        assert publish(Space.BENEFITS).version == 2
        assert publish(Space.INTERIM).version == 1

    def test_pending_is_the_latest_text_of_each_space_of_the_user(self):
        user = member("cooperator")
        MembershipFactory(user=user, role="temp_worker")
        publish(Space.BENEFITS)
        latest = publish(Space.BENEFITS)
        interim = publish(Space.INTERIM)
        publish(Space.PARTNERS)  # not one of the user's spaces
        assert {t.pk for t in consent_pending(user)} == {latest.pk, interim.pk}

    def test_accepted_texts_are_no_longer_pending_until_a_new_version(self):
        user = member("cooperator")
        text = publish(Space.BENEFITS)
        consent_accept(user=user, texts=[text])
        assert consent_pending(user) == []
        newer = publish(Space.BENEFITS)
        assert consent_pending(user) == [newer]

    def test_inactive_memberships_do_not_count(self):
        user = member("cooperator")
        Membership.objects.filter(user=user).update(is_active=False)
        publish(Space.BENEFITS)
        assert consent_pending(user) == []

    def test_pending_is_one_query(self, django_assert_num_queries):
        user = member("cooperator")
        memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
        for _ in range(3):
            publish(Space.BENEFITS)
        with django_assert_num_queries(1):
            consent_pending(user, memberships)


class TestAcceptance:
    def test_acceptance_records_version_time_address_and_logs(self, rf):
        user = member("cooperator")
        text = publish(Space.BENEFITS)
        request = rf.post("/", REMOTE_ADDR="203.0.113.7")
        request.user = user
        consent_accept(user=user, texts=[text], request=request)
        acceptance = ConsentAcceptance.objects.get(user=user)
        assert acceptance.text == text and acceptance.ip_address == "203.0.113.7"
        assert acceptance.accepted_at is not None and acceptance.health_data is False
        event = SecurityEvent.objects.get(user=user, kind=SecurityEventKind.CONSENT_ACCEPTED)
        assert event.detail["version"] == 1 and event.detail["space"] == "benefits"

    def test_accepting_twice_records_once(self):
        user = member("cooperator")
        text = publish(Space.BENEFITS)
        consent_accept(user=user, texts=[text])
        consent_accept(user=user, texts=[text])
        assert ConsentAcceptance.objects.filter(user=user).count() == 1

    @pytest.mark.parametrize(
        ("identifier", "expected"),
        [("123456RH", True), ("123456rh", True), ("12345RH", False), ("123456RHX", False), ("a@b.fr", False)],
    )
    def test_caregiver_identifier_format(self, identifier, expected):
        user = member("organisme_user", identifier=identifier)
        assert is_caregiver_account(user) is expected
        assert bool(consent_extras_for(user, [publish(Space.HABILITATIONS)])) is expected
        assert consent_extras_for(user, [publish(Space.INTERIM)]) == []

    def test_the_health_data_box_is_mandatory_for_caregiver_accounts(self):
        user = member("organisme_user", identifier="654321RH")
        text = publish(Space.HABILITATIONS)
        with pytest.raises(ValueError):
            consent_accept(user=user, texts=[text], extras=())
        consent_accept(user=user, texts=[text], extras={"health_data"})
        assert ConsentAcceptance.objects.get(user=user).health_data is True


class TestGateAndPage:
    def test_first_login_goes_to_consent_until_accepted(self, client):
        user = member("cooperator")
        text = publish(Space.BENEFITS, title="Charte de confidentialité", body="Nous traitons vos données.")
        client.force_login(user)
        assert client.get(reverse("portal:dashboard")).url == reverse("accounts:consent")
        page = client.get(reverse("accounts:consent"))
        html = page.content.decode()
        assert "Charte de confidentialité" in html and "Nous traitons vos données." in html
        assert "J&#x27;ai lu et j&#x27;accepte" in html or "J'ai lu et j'accepte" in html
        assert "health_data" not in page.context["form"].fields

        refused = client.post(reverse("accounts:consent"), {"texts": str(text.pk)})
        assert refused.status_code == 200 and "accept" in refused.context["form"].errors
        assert not ConsentAcceptance.objects.filter(user=user).exists()

        accepted = client.post(reverse("accounts:consent"), {"texts": str(text.pk), "accept": "on"})
        assert accepted.url == reverse("portal:dashboard")
        assert client.get(reverse("portal:dashboard")).status_code == 200

    def test_a_new_version_asks_again(self, client):
        user = member("cooperator")
        consent_accept(user=user, texts=[publish(Space.BENEFITS)])
        client.force_login(user)
        assert client.get(reverse("portal:dashboard")).status_code == 200
        publish(Space.BENEFITS, title="Version 2")
        assert client.get(reverse("portal:dashboard")).url == reverse("accounts:consent")

    def test_a_version_published_while_reading_is_shown_before_recording(self, client):
        user = member("cooperator")
        first = publish(Space.BENEFITS)
        client.force_login(user)
        publish(Space.BENEFITS, title="Nouvelle version")
        response = client.post(reverse("accounts:consent"), {"texts": str(first.pk), "accept": "on"})
        assert response.status_code == 200 and "Nouvelle version" in response.content.decode()
        assert not ConsentAcceptance.objects.filter(user=user).exists()

    def test_caregiver_accounts_must_tick_the_health_data_box(self, client):
        organisme = OrganisationFactory(kind="organisme", code="123456")
        user = member("organisme_user", organisation=organisme, identifier="123456RH")
        text = publish(Space.HABILITATIONS)
        client.force_login(user)
        page = client.get(reverse("accounts:consent"))
        assert "health_data" in page.context["form"].fields
        missing = client.post(reverse("accounts:consent"), {"texts": str(text.pk), "accept": "on"})
        assert "health_data" in missing.context["form"].errors
        assert missing.context["form"].data["accept"] == "on"  # nothing lost
        assert not ConsentAcceptance.objects.exists()
        client.post(reverse("accounts:consent"), {"texts": str(text.pk), "accept": "on", "health_data": "on"})
        assert ConsentAcceptance.objects.get(user=user).health_data is True

    def test_other_habilitations_accounts_have_no_health_box(self, client):
        user = member("organisme_user", identifier="agent@cpam.example")
        publish(Space.HABILITATIONS)
        client.force_login(user)
        assert "health_data" not in client.get(reverse("accounts:consent")).context["form"].fields

    def test_every_space_of_the_user_is_accepted_at_once(self, client):
        user = member("cooperator")
        MembershipFactory(user=user, role="temp_worker")
        texts = [publish(Space.BENEFITS, title="Prestations"), publish(Space.INTERIM, title="Intérim")]
        client.force_login(user)
        html = client.get(reverse("accounts:consent")).content.decode()
        assert "Prestations" in html and "Intérim" in html
        client.post(reverse("accounts:consent"), {"texts": ",".join(str(t.pk) for t in texts), "accept": "on"})
        assert ConsentAcceptance.objects.filter(user=user).count() == 2

    def test_nothing_pending_leaves_the_page(self, client):
        client.force_login(member("cooperator"))
        assert client.get(reverse("accounts:consent")).url == reverse("portal:dashboard")

    def test_consent_comes_after_the_second_factor(self, client):
        client.force_login(member("union_officer"))
        publish(Space.BENEFITS)
        assert client.get(reverse("portal:dashboard")).url == reverse("accounts:otp_enrol")
