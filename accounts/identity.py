"""The identity snapshot: what a signed-in request knows of its user, kept in the cache across requests.

The user row (password hash included: the session auth hash is checked against it), their active
memberships with their organisations (perms.active_memberships), and the facts the rules remember
(perms.memo, for the namespaces declared with perms.remembered) are stored together under the
generations they were read under (accounts/generations.py: identity(pk), ACCESS). The session's user
is loaded with ONE cache round trip that reads the snapshot and every generation of the request (the
gates' too), and the snapshot is trusted only while its generations are unchanged:

    backends.IdentifierBackend.get_user(pk) -> identity.load_user(pk)   # a snapshot, else the queries
    middleware.CurrentOrganisationMiddleware -> identity.remember(request)   # stores what was read

Invalidation (exact): `watch(model, users=...)` bumps the identity generation of the users a saved or
deleted row concerns (User, Membership: accounts/signals.py), `watch(model)` the ACCESS generation
(a row many users' facts read: Organisation, and the models declared next to the rules with
perms.remembered). Bulk paths: MembershipQuerySet/OrganisationQuerySet.update() bump too; other
services call `changed(user_ids)`. Nothing that changes with time without a save is kept: a fact
with a validity keeps its bounds, checked against now by the rule at each request.

Without a cache, or a lost key, the snapshot is not found: everything queries as before.
"""

import hashlib

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.utils.functional import empty

from . import generations, sessions

SNAPSHOT_SECONDS = 24 * 3600


def _schema():
    """A short digest of the stored columns: a deployment that changes them reads no older snapshot."""
    from .models import Membership, Organisation

    names = [f.attname for model in (get_user_model(), Membership, Organisation) for f in model._meta.concrete_fields]
    return hashlib.blake2s(" ".join(names).encode(), digest_size=4).hexdigest()


_SCHEMA = []


def snapshot_key(pk):
    if not _SCHEMA:
        _SCHEMA.append(_schema())
    return f"guichet:identity:{_SCHEMA[0]}:{pk}"


class State:
    """What this request read of its user, to store at its end (`remember`)."""

    __slots__ = ("stamp", "user_values", "memberships", "facts", "dirty")

    def __init__(self, stamp, user_values, memberships=None, facts=None, dirty=True):
        self.stamp = stamp
        self.user_values = user_values
        self.memberships = memberships
        self.facts = facts if facts is not None else {}
        self.dirty = dirty


def _values(obj):
    return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def _build(model, values):
    return model.from_db("default", [f.attname for f in model._meta.concrete_fields], values)


def keys_for(pk):
    """The cache keys a signed-in request reads for its user: the snapshot, then the generations."""
    return [
        snapshot_key(pk),
        generations.CONSENT_TEXTS,
        generations.user(pk),
        generations.identity(pk),
        generations.ACCESS,
    ]


def load_user(user_id):
    """The active or inactive user `user_id` (None if there is none), from the snapshot when its
    generations are unchanged; the request's generations (gates included) are read with it."""
    User = get_user_model()
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    keys = keys_for(pk)
    found = sessions.prefetched_for(pk)  # read with the session (accounts/sessions.py), else now
    if found is None:
        found = cache.get_many(keys)
    consent, gates, ident, access = generations.complete(found, keys[1:])
    stamp = (ident, access)
    user = None
    snapshot = found.get(keys[0])
    if snapshot is not None and snapshot[0] == stamp:
        try:
            user = _restore(snapshot)
        except (TypeError, ValueError, AttributeError):  # a snapshot that does not fit the code: read again
            user = None
    if user is None:
        try:
            user = User._default_manager.get(pk=pk)
        except User.DoesNotExist:
            return None
        user._identity = State(stamp, _values(user))
    user._guichet_generations = (pk, (consent, gates))
    return user


def _restore(snapshot):
    from .models import Membership, Organisation

    stamp, user_values, memberships, facts = snapshot
    user = _build(get_user_model(), user_values)
    user._identity = State(stamp, user_values, memberships, dict(facts), dirty=False)
    if memberships is not None:
        rows = []
        for membership_values, organisation_values in memberships:
            membership = _build(Membership, membership_values)
            Membership.organisation.field.set_cached_value(membership, _build(Organisation, organisation_values))
            Membership.user.field.set_cached_value(membership, user)
            rows.append(membership)
        user._active_memberships = rows
    user._perms_memo = dict(facts)
    return user


def memberships_read(user, memberships):
    """Called by perms.active_memberships after its query: kept for the snapshot."""
    state = getattr(user, "_identity", None)
    if state is not None:
        state.memberships = [(_values(m), _values(m.organisation)) for m in memberships]
        state.dirty = True


def fact_computed(user, key, value):
    """Called by perms.memo for a remembered namespace: kept for the snapshot."""
    state = getattr(user, "_identity", None)
    if state is not None:
        state.facts[key] = value
        state.dirty = True


def remember(request):
    """At the end of a request: stores the snapshot if this request read something it did not hold."""
    user = request.__dict__.get("user")
    if user is None:
        return
    wrapped = getattr(user, "_wrapped", user)  # the session's user (SimpleLazyObject), if it was read
    if wrapped is empty:
        return
    state = getattr(wrapped, "_identity", None)
    if state is None or not state.dirty or state.memberships is None:
        return
    state.dirty = False
    cache.set(
        snapshot_key(wrapped.pk),
        (state.stamp, state.user_values, state.memberships, state.facts),
        SNAPSHOT_SECONDS,
    )


def changed(user_ids=None):
    """The identity snapshots of `user_ids` (all of them: None) are stale."""
    if user_ids is None:
        generations.bump(generations.ACCESS, after_commit=True)
    else:
        generations.bump(*{generations.identity(pk) for pk in user_ids if pk is not None}, after_commit=True)


def watch(model, *, users=None, fields=None, creations=True, created_users=None, uid=None):
    """A saved or deleted `model` row makes stale the snapshots of `users(row)` (user ids), or, without
    `users`, every snapshot. `fields`: a save naming only other fields (update_fields) changes nothing.
    `creations=False`: a new row is in no snapshot yet (an organisation: its memberships will bump).
    `created_users(row)`: for a new row, the user ids it concerns (a new cooperative: its organisation's
    members), instead of `users`. `model`: a class or its label ("partners.Convention")."""
    if isinstance(model, str):
        model = apps.get_model(model)
    own = {f.name: f for f in model._meta.concrete_fields}  # (fields named for several models: this one's)
    watched = frozenset(name for f in fields or () if f in own for name in (own[f].name, own[f].attname))

    def receiver(sender, instance, **kwargs):
        if kwargs.get("created"):
            if not creations:
                return
            if created_users is not None:
                changed(created_users(instance))
                return
        update_fields = kwargs.get("update_fields")
        if watched and update_fields and not (watched & set(update_fields)):
            return
        changed(None if users is None else users(instance))

    uid = uid or f"accounts.identity.{model._meta.label}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.delete")
