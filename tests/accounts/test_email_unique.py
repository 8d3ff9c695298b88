"""An e-mail that signs in belongs to one account, whatever the case, checked wherever one is set."""

import pytest
from django.core.exceptions import ValidationError

from accounts.enums import Role
from accounts.models import EMAIL_UNAVAILABLE, User
from accounts.services.credentials import account_create_with_temporary_password
from tests.accounts.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("taken_as", ["email", "identifier"])
def test_creating_an_account_with_someone_elses_address_is_refused_neutrally(taken_as):
    UserFactory(
        **{"identifier": "worker@example.test", "email": "worker@example.test"}
        if taken_as == "identifier"
        else {"identifier": "F000001AA", "email": "Worker@example.test"}
    )
    partner = OrganisationFactory(kind="partner")
    creator = member(Role.PARTNER_USER, organisation=partner)
    with pytest.raises(ValidationError) as refused:
        account_create_with_temporary_password(
            identifier="nouveau01",
            email="worker@EXAMPLE.test",
            first_name="A",
            last_name="B",
            organisation=partner,
            role=Role.PARTNER_USER,
            created_by=creator,
        )
    assert refused.value.message_dict["email"] == [str(EMAIL_UNAVAILABLE)]
    assert "déjà" not in str(EMAIL_UNAVAILABLE)
    assert not User.objects.filter(identifier="nouveau01").exists()


def test_the_model_validation_refuses_a_duplicate_address():
    UserFactory(identifier="A1", email="famille@example.test")
    with pytest.raises(ValidationError) as refused:
        User(identifier="A2", email="FAMILLE@example.test").validate_constraints()
    assert str(EMAIL_UNAVAILABLE) in str(refused.value)
