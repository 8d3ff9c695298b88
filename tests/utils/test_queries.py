import pytest

from accounts.models import Organisation
from tests.accounts.factories import OrganisationFactory
from tests.utils.queries import assert_constant_queries, constant_queries, count_queries


def _names_constant():
    return [o.name for o in Organisation.objects.all()]


def _parents_n_plus_one():
    return [o.parent.name if o.parent else "" for o in Organisation.objects.all()]


def _make(n):
    OrganisationFactory.create_batch(n, kind="fund")  # each fund gets its own regime parent


@pytest.mark.django_db
def test_constant_view_passes():
    assert assert_constant_queries(_names_constant, make_rows=_make) == 1


@pytest.mark.django_db
def test_growing_view_fails():
    with pytest.raises(AssertionError, match="grows with the rows"):
        assert_constant_queries(_parents_n_plus_one, make_rows=_make)


@pytest.mark.django_db
def test_with_client_and_url(client):
    assert_constant_queries(client, "/", make_rows=_make)
    assert count_queries(client, "/") == []


@pytest.mark.django_db
def test_context_manager_style():
    with pytest.raises(AssertionError, match="changed between runs"), constant_queries() as measure:
        _make(1)
        with measure():
            _parents_n_plus_one()
        _make(3)
        with measure():
            _parents_n_plus_one()
