"""Mes données: ZIP download of one's own data, erasure requests and their processing."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import SecurityEventKind, Space
from accounts.models import ErasureRequest, Membership, SecurityEvent
from accounts.services import gdpr
from accounts.services.consent import consent_accept, consent_text_publish
from accounts.services.security_log import log_event
from core.models import Transition
from tests.accounts.factories import MembershipFactory, OrganisationFactory, member, totp_device
from tests.utils.clients import sign_in, signed_in_client
from tests.utils.queries import assert_constant_queries
from tests.utils.race import race

pytestmark = pytest.mark.django_db


def read_zip(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert set(archive.namelist()) == {"data.json", "LISEZMOI.txt"}
        return json.loads(archive.read("data.json"))


def streamed(response):
    return b"".join(response.streaming_content)


class TestDownload:
    def test_the_zip_holds_the_users_own_data(self, client):
        user = member("cooperator", identifier="F004217MD", first_name="Marie", phone="+33612345678")
        consent_accept(user=user, texts=[consent_text_publish(space=Space.BENEFITS, title="Charte", body="…")])
        log_event(SecurityEventKind.LOGIN, user=user)
        other = member("cooperator")
        log_event(SecurityEventKind.LOGIN, user=other)
        client.force_login(user)

        response = client.post(reverse("accounts:data_download"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-guichet-')
        data = read_zip(streamed(response))
        assert data["profile"]["identifier"] == "F004217MD" and data["profile"]["phone"] == "+33612345678"
        assert [m["role"] for m in data["memberships"]] == ["cooperator"]
        assert data["consents"][0]["title"] == "Charte" and data["consents"][0]["version"] == 1
        kinds = [e["event"] for e in data["security_events"]]
        assert "login" in kinds and "consent_accepted" in kinds and "data_exported" in kinds
        assert all(e["event"] != "login" or e["date"] for e in data["security_events"])
        assert other.identifier not in json.dumps(data)
        assert isinstance(data["notification_preferences"], list)

    def test_download_is_a_post_and_is_logged(self, client):
        user = member("cooperator")
        client.force_login(user)
        assert client.get(reverse("accounts:data_download")).status_code == 405
        streamed(client.post(reverse("accounts:data_download")))
        assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.DATA_EXPORTED).count() == 1

    def test_a_long_security_log_is_written_row_by_row(self):
        user = member("cooperator")
        SecurityEvent.objects.bulk_create(SecurityEvent(user=user, kind="login") for _ in range(1200))
        with gdpr.user_data_zip(user) as archive:
            data = read_zip(archive.read())
        assert len(data["security_events"]) == 1200

    def test_the_page_lists_consents_and_requests(self, client):
        user = member("cooperator")
        consent_accept(user=user, texts=[consent_text_publish(space=Space.BENEFITS, title="Charte", body="…")])
        client.force_login(user)
        html = client.get(reverse("accounts:my_data")).content.decode()
        assert "Charte (version 1)" in html
        assert "INVALID_TEMPLATE_VARIABLE" not in html


class TestErasureRequest:
    def test_a_request_per_space_one_pending_at_a_time(self, client):
        user = member("cooperator")
        client.force_login(user)
        response = client.post(reverse("accounts:erasure_request"), {"space": "benefits", "confirm": "on"})
        assert response.url == reverse("accounts:my_data")
        erasure = ErasureRequest.objects.get(user=user)
        assert erasure.space == "benefits" and erasure.status == "pending" and user.identifier in erasure.user_label
        assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.ERASURE_REQUESTED).exists()

        again = client.post(reverse("accounts:erasure_request"), {"space": "benefits", "confirm": "on"})
        assert again.status_code == 200
        assert "déjà en attente" in again.context["erasure_form"].errors["space"][0]
        assert ErasureRequest.objects.filter(user=user).count() == 1

    def test_only_the_users_spaces_and_a_confirmation(self, client):
        client.force_login(member("cooperator"))
        other_space = client.post(reverse("accounts:erasure_request"), {"space": "interim", "confirm": "on"})
        assert "space" in other_space.context["erasure_form"].errors
        unconfirmed = client.post(reverse("accounts:erasure_request"), {"space": "benefits"})
        assert "confirm" in unconfirmed.context["erasure_form"].errors
        assert not ErasureRequest.objects.exists()


@pytest.fixture
def coop():
    return OrganisationFactory(kind="cooperative")


@pytest.fixture
def hr_admin(client, coop):
    """An admin of the cooperative the people asking belong to: processes their requests."""
    admin = MembershipFactory(role="coop_manager", organisation=coop, is_admin=True).user
    sign_in(client, admin, second_factor=True)
    return admin


def pending_request(role="cooperator", space=Space.BENEFITS, organisation=None):
    user = member(role, organisation=organisation)
    return gdpr.erasure_request_create(user=user, space=space)


class TestProcessing:
    def test_done_anonymises_the_account_and_records_history(self, client, hr_admin, coop):
        erasure = pending_request(organisation=coop)
        user = erasure.user
        totp_device(user)
        user_id = user.pk
        # The person is signed in elsewhere: that session ends.
        other = signed_in_client(user)

        response = client.post(
            reverse("accounts:erasure_process", args=[erasure.pk]), {"decision": "done", "confirmed": "1"}
        )
        assert response.url == reverse("accounts:erasure_list")
        user.refresh_from_db()
        assert user.identifier == f"supprime-{user_id}"
        assert (user.email, user.first_name, user.last_name, user.phone) == ("", "", "", "")
        assert not user.has_usable_password() and not user.is_active
        assert not Membership.objects.filter(user=user, is_active=True).exists()
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert SESSION_KEY not in other.session
        assert other.get(reverse("portal:dashboard")).status_code == 302

        erasure.refresh_from_db()
        assert erasure.status == "done" and erasure.decided_by == hr_admin and erasure.decided_at
        assert erasure.user_label == f"supprime-{user_id}"
        transition = Transition.objects.get(object_id=str(erasure.pk))
        assert (transition.from_state, transition.to_state, transition.actor) == ("pending", "done", hr_admin)

    def test_refused_needs_a_reason_which_the_person_sees(self, client, hr_admin, coop):
        erasure = pending_request(organisation=coop)
        url = reverse("accounts:erasure_process", args=[erasure.pk])
        missing = client.post(url, {"decision": "refused", "reason": " "})
        assert "reason" in missing.context["form"].errors
        client.post(url, {"decision": "refused", "reason": "Dossier de prestation en cours", "confirmed": "1"})
        erasure.refresh_from_db()
        assert erasure.status == "refused" and erasure.decision_reason == "Dossier de prestation en cours"
        assert erasure.user.is_active
        assert Transition.objects.get(object_id=str(erasure.pk)).reason == "Dossier de prestation en cours"

        client.force_login(erasure.user)
        assert "Dossier de prestation en cours" in client.get(reverse("accounts:my_data")).content.decode()

    def test_a_processed_request_cannot_be_processed_again(self, hr_admin, coop):
        erasure = pending_request(organisation=coop)
        gdpr.erasure_request_process(erasure=erasure, actor=hr_admin, accept=False, reason="Non")
        with pytest.raises(ValidationError, match="Rechargez la page"):
            gdpr.erasure_request_process(erasure=erasure, actor=hr_admin, accept=True)
        assert Transition.objects.filter(object_id=str(erasure.pk)).count() == 1

    def test_the_list_shows_pending_requests_of_the_space_with_constant_queries(self, client, hr_admin, coop):
        pending_request(role="temp_worker", space=Space.INTERIM)  # another space: not shown
        done = pending_request(organisation=coop)
        gdpr.erasure_request_process(erasure=done, actor=hr_admin, accept=False, reason="Non")
        shown = pending_request(organisation=coop)
        html = client.get(reverse("accounts:erasure_list")).content.decode()
        assert shown.user_label in html and done.user_label not in html
        assert "INVALID_TEMPLATE_VARIABLE" not in html
        assert_constant_queries(
            client, reverse("accounts:erasure_list"), lambda n: [pending_request(organisation=coop) for _ in range(n)]
        )

    @pytest.mark.parametrize("role", ["cooperator", "coop_manager", "temp_worker", "partner_user", "organisme_user"])
    def test_people_who_administer_nothing_get_403(self, client, role, coop):
        erasure = pending_request(organisation=coop)
        client.force_login(member(role))
        assert client.get(reverse("accounts:erasure_list")).status_code == 403
        assert client.get(reverse("accounts:erasure_process", args=[erasure.pk])).status_code == 404

    @pytest.mark.parametrize("role", ["union_officer", "national_admin", "coop_manager", "agency_staff"])
    def test_an_admin_of_another_organisation_gets_404(self, client, role, coop):
        """Space-wide roles no longer see every request of their space: only their organisations'."""
        erasure = pending_request(organisation=coop)
        sign_in(client, MembershipFactory(role=role, is_admin=True).user, second_factor=True)
        assert client.get(reverse("accounts:erasure_list")).status_code == 200
        assert client.get(reverse("accounts:erasure_process", args=[erasure.pk])).status_code == 404
        assert (
            client.post(reverse("accounts:erasure_process", args=[erasure.pk]), {"decision": "done"}).status_code == 404
        )

    def test_agency_admins_see_only_their_agencys_people(self, client):
        agency, other_agency = OrganisationFactory(kind="agency"), OrganisationFactory(kind="agency")
        mine = pending_request("temp_worker", Space.INTERIM, organisation=agency)
        theirs = pending_request("temp_worker", Space.INTERIM, organisation=other_agency)
        sign_in(
            client, MembershipFactory(role="agency_staff", organisation=agency, is_admin=True).user, second_factor=True
        )
        assert client.get(reverse("accounts:erasure_process", args=[mine.pk])).status_code == 200
        assert client.get(reverse("accounts:erasure_process", args=[theirs.pk])).status_code == 404

    def test_the_union_of_the_cooperators_file_processes_it_too(self, client):
        from tests.benefits.factories import cooperator_with_account

        cooperator = cooperator_with_account()
        erasure = gdpr.erasure_request_create(user=cooperator.user, space=Space.BENEFITS)
        union = cooperator.cooperative.union
        assert set(erasure.organisations.all()) == {cooperator.cooperative.organisation, union}
        officer = MembershipFactory(role="union_officer", organisation=union, is_admin=True).user
        sign_in(client, officer, second_factor=True)
        assert client.get(reverse("accounts:erasure_process", args=[erasure.pk])).status_code == 200

    def test_an_erasure_for_one_space_keeps_the_other_spaces(self, hr_admin, coop, client):
        user = member("cooperator", organisation=coop)
        MembershipFactory(user=user, role="temp_worker")
        erasure = gdpr.erasure_request_create(user=user, space=Space.BENEFITS)
        assert erasure.whole_account is False
        html = client.get(reverse("accounts:erasure_process", args=[erasure.pk])).content.decode()
        assert "données de cet espace seulement" in html
        gdpr.erasure_request_process(erasure=erasure, actor=hr_admin, accept=True)
        erasure.user.refresh_from_db()
        assert erasure.user.is_active and erasure.user.email
        assert list(Membership.objects.filter(user=erasure.user, is_active=True).values_list("role", flat=True)) == [
            "temp_worker"
        ]

    def test_the_request_form_says_whether_the_whole_account_goes(self, client, coop):
        user = member("cooperator", organisation=coop)
        client.force_login(user)
        html = client.get(reverse("accounts:my_data")).content.decode()
        assert "efface tout votre compte" in html
        MembershipFactory(user=user, role="temp_worker")
        client.force_login(user)
        html = client.get(reverse("accounts:my_data")).content.decode()
        assert "votre compte reste actif pour vos autres espaces" in html
        assert "Ce qui est conservé malgré l'effacement" in html and "L123-22" in html

    def test_the_decision_is_emailed_to_the_address_the_person_had(self, hr_admin, coop):
        from core.models import OutboundMessage

        done, refused = pending_request(organisation=coop), pending_request(organisation=coop)
        done_email, refused_email = done.user.email, refused.user.email
        gdpr.erasure_request_process(erasure=done, actor=hr_admin, accept=True)
        gdpr.erasure_request_process(erasure=refused, actor=hr_admin, accept=False, reason="Dossier en cours")
        sent = OutboundMessage.objects.get(recipient=done_email)
        assert "effectuée" in sent.subject and "compte Guichet entier" in sent.body and "L123-22" in sent.body
        refusal = OutboundMessage.objects.get(recipient=refused_email)
        assert "refusée" in refusal.subject and "Dossier en cours" in refusal.body


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks exist on PostgreSQL only; SQLite serialises whole write transactions.",
)
def test_two_admins_processing_at_once_cannot_both_win():
    coop = OrganisationFactory(kind="cooperative")
    admins = [MembershipFactory(role="coop_manager", organisation=coop, is_admin=True).user for _ in range(2)]
    erasure = pending_request(organisation=coop)
    results = race(
        lambda: gdpr.erasure_request_process(erasure=erasure, actor=admins[0], accept=False, reason="Non"),
        lambda: gdpr.erasure_request_process(erasure=erasure, actor=admins[1], accept=True),
    )
    assert results["first"] == "won"
    assert isinstance(results["second"], ValidationError)
    erasure.refresh_from_db()
    assert erasure.status == "refused" and erasure.user.is_active
    assert Transition.objects.filter(object_id=str(erasure.pk)).count() == 1
