"""The session and its user's identity read in one cache round trip (accounts/sessions.py)."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from accounts import identity, sessions
from accounts.enums import Role
from accounts.models import Membership, User
from tests.accounts.factories import MembershipFactory, member
from tests.utils.clients import sign_in

pytestmark = pytest.mark.django_db

BARE = "/bench/baseline/"


@pytest.fixture(autouse=True)
def cached_sessions(settings):
    settings.SESSION_ENGINE = "accounts.sessions"


@pytest.fixture
def reads(monkeypatch):
    """The keys of each cache read (get, get_many) while the test runs."""
    calls = []
    inside = []  # a read made by another (the local memory cache's get_many calls get) is not one more
    store = caches["default"]
    for name in ("get", "get_many"):
        original = getattr(store, name)

        def counting(keys, *args, _original=original, **kwargs):
            if not inside:
                calls.append(list(keys) if isinstance(keys, list | tuple) else [keys])
            inside.append(True)
            try:
                return _original(keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(store, name, counting)
    return calls


def session_reads(calls):
    return [keys for keys in calls if any(str(key).startswith(sessions.SessionStore.cache_key_prefix) for key in keys)]


def test_a_known_session_reads_its_user_in_the_same_round_trip(client, reads):
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    assert client.get(BARE).status_code == 200  # this process learns whose session it is
    reads.clear()
    response = client.get(BARE)
    assert response.status_code == 200 and response.wsgi_request.user.pk == user.pk
    assert len(reads) == 1, reads  # the session, the snapshot and the generations together
    assert set(identity.keys_for(user.pk)) <= set(reads[0])


def test_a_session_seen_for_the_first_time_reads_as_before(client, reads):
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    client.get(BARE)
    sessions.forget_hints()  # another process: it has not seen this session yet
    reads.clear()
    response = client.get(BARE)
    assert response.wsgi_request.user.pk == user.pk
    assert len(session_reads(reads)) == 1 and len(reads) == 2  # the session, then the identity


def test_the_session_decides_whose_identity_is_read(client, reads):
    user, other = member(Role.COOP_MANAGER), member(Role.UNION_OFFICER)
    sign_in(client, user)
    client.get(BARE)
    sessions._hints.set(client.session.session_key, str(other.pk))  # a wrong hint...
    response = client.get(BARE)
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == user.pk  # ...is not used: the session names its user
    assert [m.pk for m in response.wsgi_request.memberships] == [Membership.objects.get(user=user).pk]


def test_prefetched_values_serve_only_the_request_that_read_them(client):
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    client.get(BARE)
    client.get(BARE)
    assert sessions.prefetched_for(user.pk) is None  # the request is over


def test_a_change_is_seen_at_the_next_request(client):
    user = member(Role.COOP_MANAGER)
    other = MembershipFactory(user=user, role=Role.COOP_MANAGER)
    sign_in(client, user)
    client.get(BARE)
    assert other.pk in [m.pk for m in client.get(BARE).wsgi_request.memberships]
    other.is_active = False
    other.save()
    assert other.pk not in [m.pk for m in client.get(BARE).wsgi_request.memberships]
    stored = User.objects.get(pk=user.pk)
    stored.is_active = False
    stored.save()
    assert not client.get(BARE).wsgi_request.user.is_authenticated


def test_a_logged_out_session_is_not_read_from_its_hint(client):
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    client.get(BARE)
    key = client.session.session_key
    client.logout()
    sessions._hints.set(key, str(user.pk))
    response = client.get(BARE)
    assert not response.wsgi_request.user.is_authenticated


def test_the_request_user_is_the_user_itself(client):
    """Not the lazy objects around it: each attribute read through them cost two proxy calls."""
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    request = client.get(BARE).wsgi_request
    assert type(request.user) is User and request.user.pk == user.pk
    assert request.user.is_verified() in (True, False)  # django-otp's fields are on the user


def test_a_kept_page_reads_everything_it_needs_in_one_round_trip(client, reads):
    """The session, the identity and the generations the page's fragments watch (core/fragments.py):
    those its last visit read in this process come with the session."""
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    url = reverse("portal:dashboard")
    client.get(url)  # rendered: the generations read, the page's keys remembered
    client.get(url)
    reads.clear()
    response = client.get(url)
    assert response.status_code == 200
    assert len(reads) == 1, reads
    assert any(key.startswith("guichet:generation:table:") for key in reads[0])


def test_a_write_between_two_visits_is_seen_with_the_prefetched_generations(client):
    user = member(Role.COOP_MANAGER)
    sign_in(client, user)
    url = reverse("portal:dashboard")
    client.get(url)
    client.get(url)
    organisation = Membership.objects.get(user=user).organisation
    organisation.name = "Un nouveau nom"
    organisation.save()
    assert "Un nouveau nom" in client.get(url).content.decode()
