"""core.fragments: a fragment is kept while its page, user and watched tables are the same, never longer."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.template import engines
from django.test import RequestFactory

from core import fragments
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATE = engines["django"].from_string(
    '{% load guichet %}{% fragment "test" extra watch="accounts.Organisation" %}[{{ n }}]{% endfragment %}'
)
CSRF = engines["django"].from_string('{% load guichet %}{% fragment "form" %}{% csrf_token %}{% endfragment %}')


def _request(path="/liste/", user=None):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return request


def render(n, request=None, extra=""):
    return TEMPLATE.render({"n": n, "extra": extra}, request or _request())


def test_kept_until_a_watched_table_is_written():
    assert render(1) == "[1]"
    assert render(2) == "[1]"  # kept: nothing it watches changed
    OrganisationFactory()
    assert render(3) == "[3]"
    assert render(4) == "[3]"


def test_a_bulk_update_and_raw_sql_are_seen():
    organisation = OrganisationFactory()
    assert render(1) == "[1]"
    type(organisation).objects.filter(pk=organisation.pk).update(name="Autre nom")
    assert render(2) == "[2]"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_organisation SET name = %s WHERE id = %s", ["Encore", organisation.pk])
    assert render(3) == "[3]"


def test_reads_and_other_tables_do_not_change_it():
    assert render(1) == "[1]"
    list(type(OrganisationFactory.build()).objects.all())
    UserFactory()
    assert render(2) == "[1]"


@pytest.mark.django_db(transaction=True)
def test_a_commit_changes_the_generation_again(monkeypatch):
    seen = []
    monkeypatch.setattr(fragments, "bump", lambda names: seen.append(sorted(names)))
    with transaction.atomic():
        OrganisationFactory()
        OrganisationFactory()
        assert len(seen) == 2  # at once, at each write
    assert seen[2:] == [["accounts_organisation"]]  # and once after the commit
    with transaction.atomic():
        list(type(OrganisationFactory.build()).objects.all())
    assert len(seen) == 3  # a transaction that wrote nothing renews nothing


@pytest.mark.django_db(transaction=True)
def test_a_rollback_forgets_what_was_pending(monkeypatch):
    seen = []
    monkeypatch.setattr(fragments, "bump", lambda names: seen.append(sorted(names)))
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganisationFactory()
        raise RuntimeError
    with transaction.atomic():
        UserFactory.build()  # no write
    assert seen == [["accounts_organisation"]]  # the write's own, none after the rollback


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "accounts_organisation" ("name") VALUES (%s)', ("accounts_organisation",)),
        ('UPDATE "benefits_benefitrequest" SET "state" = %s', ("benefits_benefitrequest",)),
        ("delete from public.accounts_membership where id = 1", ("accounts_membership",)),
        ('SELECT "id" FROM "accounts_organisation"', ()),
        ("  select 1", ()),
    ],
)
def test_written_tables(sql, tables):
    assert tuple(fragments._written(sql)) == tables


def test_a_write_named_otherwise_bumps_every_table_it_mentions():
    written = fragments._written("WITH gone AS (DELETE FROM accounts_membership RETURNING id) SELECT 1")
    assert "accounts_membership" in written


def test_the_key_changes_with_the_page_the_values_and_the_user():
    assert render(1, _request("/liste/")) == "[1]"
    assert render(2, _request("/liste/?page=2")) == "[2]"
    assert render(3, _request("/liste/"), extra="autre organisation") == "[3]"
    user = UserFactory()
    user._identity = type("State", (), {"stamp": ("a", "b")})()
    assert render(4, _request(user=user)) == "[4]"
    assert render(5, _request(user=user)) == "[4]"
    user._identity.stamp = ("changed", "b")  # a membership, a role, a remembered fact changed
    assert render(6, _request(user=user)) == "[6]"


def test_a_user_without_identity_snapshot_is_never_served_a_kept_copy():
    user = UserFactory()
    assert render(1, _request(user=user)) == "[1]"
    assert render(2, _request(user=user)) == "[2]"


def test_without_a_cache_nothing_is_kept(monkeypatch):
    monkeypatch.setattr(fragments.cache, "get_many", lambda keys: {})
    monkeypatch.setattr(fragments.cache, "add", lambda *args, **kwargs: False)
    assert render(1) == "[1]"
    assert render(2) == "[2]"


def test_each_request_gets_its_own_csrf_token():
    first, second = _request(), _request()
    html_first = CSRF.render({}, first)
    html_second = CSRF.render({}, second)
    assert fragments.CSRF_MARK not in html_first + html_second
    token_first = html_first.split('value="')[1].split('"')[0]
    token_second = html_second.split('value="')[1].split('"')[0]
    assert first.META["CSRF_COOKIE"] != second.META["CSRF_COOKIE"]
    from django.middleware.csrf import _unmask_cipher_token

    assert _unmask_cipher_token(token_first) == first.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(token_second) == second.META["CSRF_COOKIE"]


def test_the_local_copies_stay_within_their_budget(monkeypatch):
    monkeypatch.setattr(fragments._local, "limit", 100)
    for n in range(10):
        fragments._local.set(f"k{n}", "x" * 30)
    assert fragments._local.used <= 100
    assert fragments._local.get("k9") == "x" * 30
    assert fragments._local.get("k0") is None
