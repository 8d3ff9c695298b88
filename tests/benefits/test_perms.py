"""Rules that are not tied to one object: decided by has_perm, not by role checks in views."""

import pytest

from accounts.enums import Role
from accounts.perms import Acting
from tests.accounts.factories import member
from tests.benefits.factories import cooperative_of

pytestmark = pytest.mark.django_db


def test_only_a_cooperator_of_the_organisation_has_a_family_page():
    manager = member(Role.COOP_MANAGER)
    organisation = manager.memberships.get().organisation
    cooperative_of(manager.memberships.get())
    cooperator = member(Role.COOPERATOR, organisation=organisation)
    here = Acting.of(cooperator.memberships.get())
    assert cooperator.has_perm("benefits.view_own_family", here)
    assert not manager.has_perm("benefits.view_own_family", Acting.of(manager.memberships.get()))
    assert not manager.has_perm("benefits.view_own_family", here)
    assert not cooperator.has_perm("benefits.view_own_family", Acting(organisation.pk + 1000, Role.COOPERATOR))
