"""Permission rules answered by MembershipPermissionBackend.

Each space registers its rules with `rule("app.perm")`: a function (user, obj) -> bool that
reads the user's active memberships. `obj` is either a domain object, or `Acting` (the membership
the user is acting for: a permission asked without an object means "may do this in the
organisation I am acting for"; `core.access.require(request, perm)` passes `request.acting`).

Object-level grants that are not a consequence of a role (e.g. the right to use one application)
are django-guardian's: declare such a permission with `grant("app.perm")`, and only those are
asked of guardian (GrantBackend), so that a refused membership rule costs no query.
"""

from dataclasses import dataclass

from django.utils.functional import LazyObject, empty

_RULES = {}
_GRANTS: set[str] = set()


@dataclass(frozen=True)
class Acting:
    """The object of a role-level check: "acting for this organisation, in this role"."""

    organisation_id: int
    role: str
    is_admin: bool = False

    @classmethod
    def of(cls, membership):
        if membership is None:
            return None
        return cls(organisation_id=membership.organisation_id, role=membership.role, is_admin=membership.is_admin)


def acting_as(obj, *roles):
    """True when `obj` is an Acting in one of `roles` (the role-level half of most rules)."""
    return isinstance(obj, Acting) and obj.role in roles


def rule(perm):
    def register(func):
        _RULES[perm] = func
        return func

    return register


def grant(perm):
    """Declares `perm` a per-object grant held in django-guardian (asked of guardian, and only it)."""
    _GRANTS.add(perm)
    return perm


def is_grant(perm):
    return perm in _GRANTS


def check(user, perm, obj=None):
    func = _RULES.get(perm)
    if func is None:
        return False
    return bool(func(user, obj))


def unwrapped(user):
    """The user object behind request.user's lazy wrappers (read once, then plain attribute access)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def allowed(user, perm, obj):
    """`user.has_perm(perm, obj)` for an object (an Acting, a domain object), without walking the
    authentication backends: superusers as Django answers; the grants asked of guardian through
    has_perm; every other permission from its rule (MembershipPermissionBackend). The other backends
    (identifier, temporary password, passkeys, axes) grant nothing with an object."""
    if not user.is_active or user.is_anonymous:
        return False
    if user.is_superuser:
        return True
    if is_grant(perm):
        return user.has_perm(perm, obj)
    return check(user, perm, obj)


def members_of(organisation_id):
    """The ids of the users with a membership (active or not) of the organisation: `created_users` of a
    fact about an organisation (accounts/identity.py)."""
    from .models import Membership

    return set(Membership.objects.filter(organisation_id=organisation_id).values_list("user_id", flat=True))


def active_memberships(user):
    """The user's active memberships with their organisations, read once per request, and kept across
    requests in the identity snapshot for the session's user (accounts/identity.py)."""
    cached = getattr(user, "_active_memberships", None)
    if cached is None:
        from django.db.models import F

        from . import identity
        from .models import Membership

        cached = list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("organisation")
            .order_by(F("last_selected_at").desc(nulls_last=True), "pk")
        )
        for membership in cached:
            Membership.user.field.set_cached_value(membership, user)
        user._active_memberships = cached
        identity.memberships_read(user, cached)
    return cached


_REMEMBERED: set[str] = set()


def remembered(namespace, *, watch, fields=None, users=None, created_users=None):
    """Declares that `memo` keys of `namespace` (`(namespace, ...)`) are kept across requests in the
    identity snapshot, until a row of a `watch` model is saved or deleted (`fields`: only when a save
    may change one of them; `users(row)`: the user ids whose facts it changes, else everybody's;
    `created_users(row)`: those of a new row, if fewer).

    Declare it next to the rule, with every model its computation reads. A fact that changes with
    time (a delegation until a date) keeps its bounds, compared with now by the rule at each request.
    A bulk update() of a watched model must call `accounts.identity.changed()`.
    """
    from . import identity

    _REMEMBERED.add(namespace)
    for model in watch:
        label = model if isinstance(model, str) else model._meta.label
        identity.watch(
            model,
            users=users,
            fields=fields,
            created_users=created_users,
            uid=f"accounts.identity.{namespace}.{label}",
        )
    return namespace


def memo(user, key, compute):
    """`compute()` once per request for this user: what a rule reads beyond the memberships (a fact
    of the organisation acted for, say), kept beside them on the user object, so that a menu asking
    several rules the same thing costs one query. A key `(namespace, ...)` of a namespace declared
    with `remembered` is also kept across requests (the identity snapshot): its value must be plain
    data (picklable, never a queryset)."""
    cache = getattr(user, "_perms_memo", None)
    if cache is None:
        cache = user._perms_memo = {}
    if key not in cache:
        value = cache[key] = compute()
        if (key[0] if isinstance(key, tuple) else key) in _REMEMBERED:
            from . import identity

            identity.fact_computed(user, key, value)
    return cache[key]


def has_role(user, *roles, organisation=None):
    return any(
        m.role in roles and (organisation is None or m.organisation_id == getattr(organisation, "pk", organisation))
        for m in active_memberships(user)
    )


def is_org_admin(user, organisation):
    org_id = getattr(organisation, "pk", organisation)
    return any(m.organisation_id == org_id and m.is_admin for m in active_memberships(user))


@rule("accounts.view_security_events")
def can_view_security_events(user, organisation):
    """Admins of an organisation see its security events."""
    return organisation is not None and is_org_admin(user, organisation)


@rule("accounts.publish_consent")
def can_publish_consent(user, space):
    """Admins holding one of the roles the space declares (core.spaces consent_publishers)."""
    from core import spaces as space_registry

    if isinstance(space, Acting) or space is None:
        return False
    declaration = space_registry.find(space)
    roles = set(declaration.consent_publishers) if declaration else set()
    return any(m.is_admin and m.role in roles for m in active_memberships(user))  # roles belong to one space


def admin_organisation_ids(user):
    return {m.organisation_id for m in active_memberships(user) if m.is_admin}


@rule("accounts.process_erasure")
def can_process_erasure(user, erasure=None):
    """The admins of the organisations an erasure request is addressed to (the person's own in the
    space, and those the space declares) process it; without a request: any organisation's admin."""
    if isinstance(erasure, Acting):  # acting for an organisation: its admins
        return erasure.is_admin
    ids = admin_organisation_ids(user)
    if erasure is None:
        return bool(ids)
    return erasure.organisations.filter(pk__in=ids).exists()
