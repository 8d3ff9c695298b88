"""Authentication (identifier or e-mail; temporary passwords) and the membership permission backend."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import perms, ratelimit


def find_user_for_login(login):
    """The one user whose identifier, or else e-mail, matches `login` (case-insensitive)."""
    login = (login or "").strip()
    if not login:
        return None
    User = get_user_model()
    user = User.objects.filter(identifier__iexact=login).first()
    if user is None and "@" in login:
        matches = list(User.objects.filter(email__iexact=login)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


def lockout_username(request, credentials=None):
    """django-axes' AXES_USERNAME_CALLABLE: one lockout counter per account, whatever was typed.

    An identifier and the account's e-mail, in any case, count as the same username; an unknown
    login counts as itself (lower-cased), so that the answer is the same whether it exists or not.
    """
    if credentials:
        login = credentials.get("username")
    else:
        login = getattr(request, "POST", {}).get("username") if request is not None else None
    login = (login or "").strip()
    if not login:
        return None
    user = find_user_for_login(login)
    return (user.identifier if user is not None else login).lower()


class SnapshotUserMixin:
    """The session's user from the identity snapshot (accounts/identity.py): one cache round trip, no
    query, while nothing about the user changed."""

    def get_user(self, user_id):
        from . import identity

        user = identity.load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class IdentifierBackend(SnapshotUserMixin, ModelBackend):
    """Login by identifier or e-mail, case-insensitive. Permissions come from MembershipPermissionBackend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user_for_login(username)
        if user is None:
            # Same work as a real check, so that timing does not tell whether the account exists.
            get_user_model()().set_password(password)
            return None
        pause = ratelimit.account_pause_seconds(user)
        if pause:
            time.sleep(pause)  # many failures on this account, from any address: slowed
        if ratelimit.account_locked(user):
            get_user_model()().set_password(password)
            raise PermissionDenied  # the account's ceiling: no backend may accept a password now
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False


class TemporaryPasswordBackend(SnapshotUserMixin, ModelBackend):
    """Accepts a usable temporary password once, then forces a password change."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        from django.contrib.auth.hashers import check_password, make_password

        from .models import TemporaryPassword

        # Exactly one hash check whatever the case (unknown account, no pending temporary password, one
        # pending): a failed sign-in takes the same time, and tells nothing.
        user = find_user_for_login(username)
        if user is None or not self.user_can_authenticate(user):
            make_password(password)
            return None
        now = timezone.now()
        with transaction.atomic():
            temporary = (
                TemporaryPassword.objects.select_for_update()
                .filter(user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
                .order_by("-created_at", "-pk")
                .first()
            )
            if temporary is None:
                make_password(password)
                return None
            if check_password(password, temporary.password):
                temporary.used_at = now
                temporary.save(update_fields=["used_at"])
                user.must_change_password = True
                user.save(update_fields=["must_change_password"])
                # Read by the user_logged_in receiver (security log, session flag).
                user.used_temporary_password = temporary.pk
                return user
        return None

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def get_all_permissions(self, user_obj, obj=None):
        return set()


class MembershipPermissionBackend(BaseBackend):
    """Answers `user.has_perm(perm, obj)` from the user's active memberships and the rules of perms.py."""

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        return perms.check(user_obj, perm, obj)


class GrantBackend:
    """django-guardian, asked only for the permissions declared as per-object grants (perms.grant)."""

    def __init__(self):
        from guardian.backends import ObjectPermissionBackend

        self._guardian = ObjectPermissionBackend()

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None or not perms.is_grant(perm):
            return False
        return self._guardian.has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj, obj=None):
        return set()
