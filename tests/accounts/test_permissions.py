"""One way to decide access: user.has_perm(perm, obj) answered by the membership backend and django-guardian."""

import pytest
from guardian.shortcuts import assign_perm, remove_perm

from accounts import perms
from accounts.enums import Role
from tests.accounts.factories import MembershipFactory, OrganisationFactory, member


@pytest.fixture
def view_organisation_is_a_grant(monkeypatch):
    monkeypatch.setattr(perms, "_GRANTS", {*perms._GRANTS, "accounts.view_organisation"})


@pytest.mark.django_db
def test_guardian_answers_explicit_object_grants(view_organisation_is_a_grant):
    user = member(Role.ORGANISME_USER)
    granted, other = OrganisationFactory(), OrganisationFactory()
    assert not user.has_perm("accounts.view_organisation", granted)
    assign_perm("accounts.view_organisation", user, granted)
    user = type(user).objects.get(pk=user.pk)  # permission caches live on the instance
    assert user.has_perm("accounts.view_organisation", granted)
    assert not user.has_perm("accounts.view_organisation", other)
    remove_perm("accounts.view_organisation", user, granted)
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("accounts.view_organisation", granted)


@pytest.mark.django_db
def test_membership_rules_answer_role_questions():
    admin = member(Role.PARTNER_USER)
    membership = admin.memberships.get()
    membership.is_admin = True
    membership.save()
    plain = member(Role.PARTNER_USER, organisation=membership.organisation)
    assert admin.has_perm("accounts.view_security_events", membership.organisation)
    assert not plain.has_perm("accounts.view_security_events", membership.organisation)
    assert not admin.has_perm("accounts.view_security_events", OrganisationFactory(kind=membership.organisation.kind))


@pytest.mark.django_db
def test_inactive_memberships_and_users_grant_nothing():
    membership = MembershipFactory(role=Role.PARTNER_USER, is_admin=True)
    user, organisation = membership.user, membership.organisation
    membership.is_active = False
    membership.save()
    assert not user.has_perm("accounts.view_security_events", organisation)
    membership.is_active = True
    membership.save()
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("accounts.view_security_events", organisation)
    user.is_active = False
    assert not user.has_perm("accounts.view_security_events", organisation)


@pytest.mark.django_db
def test_unknown_permission_is_refused():
    user = member(Role.UNION_OFFICER)
    assert not perms.check(user, "nowhere.do_anything", None)
    assert not user.has_perm("nowhere.do_anything")


@pytest.mark.django_db
def test_components_page_rule(settings):
    settings.DEBUG = False
    user = member(Role.COOPERATOR)
    assert not user.has_perm("portal.view_components")
    user.is_staff = True
    assert user.has_perm("portal.view_components")
    settings.DEBUG = True
    assert member(Role.COOPERATOR).has_perm("portal.view_components")


@pytest.mark.django_db
def test_guardian_is_asked_only_for_declared_grants(django_assert_num_queries):
    user = member(Role.ORGANISME_USER)
    organisation = OrganisationFactory()
    assign_perm("accounts.view_organisation", user, organisation)
    user = type(user).objects.get(pk=user.pk)
    perms.active_memberships(user)  # loaded once per request by the middleware
    with django_assert_num_queries(0):  # a membership rule refusing costs no guardian query
        assert not user.has_perm("accounts.view_security_events", organisation)
    # a grant held in guardian but not declared as one is not honoured
    assert not user.has_perm("accounts.view_organisation", organisation)


def test_acting_is_the_object_of_role_level_checks():
    acting = perms.Acting(organisation_id=3, role=Role.FUND_ADMIN)
    assert perms.acting_as(acting, Role.FUND_ADMIN, Role.NATIONAL_ADMIN)
    assert not perms.acting_as(acting, Role.PARTNER_USER)
    assert not perms.acting_as(None, Role.FUND_ADMIN)
