"""Security log pages: the user's own log, the organisation's log for its admins."""

import pytest
from django.urls import reverse

from accounts.enums import SecurityEventKind
from accounts.models import Membership, SecurityEvent
from accounts.selectors import describe_event, security_events_for_organisation
from accounts.services.security_log import log_event
from accounts.views.security import REAUTH_SESSION_KEY
from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory, member
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def login(client, user):
    """Signs in, then forgets the login event that signing in writes (the tests count their own)."""
    sign_in(client, user)
    SecurityEvent.objects.all().delete()


def events(user, n, kind=SecurityEventKind.LOGIN, **fields):
    SecurityEvent.objects.bulk_create(SecurityEvent(user=user, kind=kind, **fields) for _ in range(n))


class TestOwnLog:
    def test_the_user_sees_their_own_events_only(self, client):
        user, other = member("cooperator"), member("cooperator")
        log_event(SecurityEventKind.LOGIN_FAILED, user=user)
        log_event(SecurityEventKind.PASSWORD_CHANGED, user=other)
        client.force_login(user)
        response = client.get(reverse("accounts:security"))
        html = response.content.decode()
        assert "Échec de connexion" in html and "Mot de passe modifié" not in html
        assert "INVALID_TEMPLATE_VARIABLE" not in html

    def test_twenty_per_page(self, client):
        user = member("cooperator")
        login(client, user)
        events(user, 45)
        first = client.get(reverse("accounts:security"))
        assert len(first.context["rows"]) == 20 and first.context["page"].paginator.num_pages == 3
        last = client.get(reverse("accounts:security"), {"page": 3})
        assert len(last.context["rows"]) == 5
        assert "Page 3 sur 3" in last.content.decode()

    def test_constant_queries(self, client):
        user = member("cooperator")
        client.force_login(user)
        assert_constant_queries(client, reverse("accounts:security"), lambda n: events(user, n), few=1, more=15)

    def test_precise_labels(self):
        user = member("cooperator")
        removed = log_event(SecurityEventKind.OTP_ENROLLED, user=user, action="removed")
        enrolled = log_event(SecurityEventKind.OTP_ENROLLED, user=user, action="enrolled")
        assert describe_event(removed) == "Double authentification désactivée"
        assert describe_event(enrolled) == "Double authentification activée"


class TestOrganisationLog:
    def setup_org(self):
        organisation = OrganisationFactory(kind="cooperative")
        admin = MembershipFactory(role="coop_manager", organisation=organisation, is_admin=True).user
        staff = member("cooperator", organisation=organisation)
        outsider = member("cooperator")
        return organisation, admin, staff, outsider

    def test_the_pages_keep_the_type_filter(self, client):
        organisation, admin, staff, _outsider = self.setup_org()
        login(client, admin)
        events(staff, 25, kind=SecurityEventKind.LOGIN_FAILED, organisation=organisation)
        events(staff, 3, kind=SecurityEventKind.LOGIN, organisation=organisation)
        url = reverse("accounts:security_organisation")
        html = client.get(url, {"type": "login_failed"}).content.decode()
        assert 'href="?type=login_failed&amp;page=2"' in html
        second = client.get(url, {"type": "login_failed", "page": 2})
        assert {event.kind for event, _label in second.context["rows"]} == {"login_failed"}
        assert len(second.context["rows"]) == 5

    def test_admins_see_their_organisations_events(self, client):
        organisation, admin, staff, outsider = self.setup_org()
        login(client, admin)
        log_event(SecurityEventKind.ROLE_CHANGED, user=staff, organisation=organisation, actor=admin)
        log_event(SecurityEventKind.LOGIN_FAILED, user=staff)  # no organisation: a member's login failure
        log_event(SecurityEventKind.LOGIN, user=outsider)
        log_event(SecurityEventKind.LOCKED_OUT, user=staff, organisation=OrganisationFactory())  # elsewhere
        response = client.get(reverse("accounts:security_organisation"))
        assert response.status_code == 200
        shown = {event.kind for event, _label in response.context["rows"]}
        assert shown == {"role_changed", "login_failed"}
        html = response.content.decode()
        assert staff.identifier in html and outsider.identifier not in html
        assert "INVALID_TEMPLATE_VARIABLE" not in html

    def test_filter_by_type(self, client):
        organisation, admin, staff, _ = self.setup_org()
        login(client, admin)
        log_event(SecurityEventKind.ROLE_CHANGED, user=staff, organisation=organisation)
        log_event(SecurityEventKind.LOGIN, user=staff, organisation=organisation)
        response = client.get(reverse("accounts:security_organisation"), {"type": "login"})
        assert [event.kind for event, _ in response.context["rows"]] == ["login"]
        unknown = client.get(reverse("accounts:security_organisation"), {"type": "nope"})
        assert len(unknown.context["rows"]) == 2

    def test_former_members_are_not_followed(self, client):
        organisation, admin, staff, _ = self.setup_org()
        Membership.objects.filter(user=staff).update(is_active=False)
        login(client, admin)
        log_event(SecurityEventKind.LOGIN, user=staff)
        assert client.get(reverse("accounts:security_organisation")).context["rows"] == []

    @pytest.mark.parametrize("role", ["cooperator", "coop_manager", "temp_worker", "partner_user"])
    def test_non_admins_get_403(self, client, role):
        client.force_login(member(role))
        assert client.get(reverse("accounts:security_organisation")).status_code == 403

    def test_the_selector_gives_nothing_to_non_admins(self):
        organisation, admin, staff, _ = self.setup_org()
        log_event(SecurityEventKind.LOGIN, user=staff, organisation=organisation)
        non_admin = Membership.objects.get(user=staff)
        assert not security_events_for_organisation(non_admin).exists()
        assert security_events_for_organisation(Membership.objects.get(user=admin)).count() == 1

    def test_paginated_with_constant_queries(self, client):
        organisation, admin, staff, _ = self.setup_org()
        client.force_login(admin)
        events(staff, 25, organisation=organisation, actor=admin)
        assert len(client.get(reverse("accounts:security_organisation")).context["rows"]) == 20

        def more_rows(n):
            for _ in range(n):
                events(member("cooperator", organisation=organisation), 1, organisation=organisation, actor=admin)

        assert_constant_queries(client, reverse("accounts:security_organisation"), more_rows)


class TestReauthPage:
    def test_the_page_renders(self, client):
        client.force_login(member("cooperator"))
        response = client.get(reverse("accounts:reauth"), {"next": reverse("accounts:profile_contact")})
        html = response.content.decode()
        assert response.status_code == 200 and 'name="password"' in html
        assert "INVALID_TEMPLATE_VARIABLE" not in html

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
    def test_an_outside_next_is_ignored(self, client, target):
        client.force_login(member("cooperator"))
        response = client.post(reverse("accounts:reauth"), {"password": DEFAULT_PASSWORD, "next": target})
        assert response.status_code == 302 and response.url == reverse("accounts:profile")

    def test_wrong_passwords_lock_the_page_like_the_login(self, client):
        client.force_login(member("cooperator"))
        url = reverse("accounts:reauth")
        for _ in range(5):
            client.post(url, {"password": "pas-le-bon"})
        response = client.post(url, {"password": DEFAULT_PASSWORD})
        assert response.status_code == 429
        assert REAUTH_SESSION_KEY not in client.session
