"""Permission rules of the shell, answered by accounts' MembershipPermissionBackend."""

from django.conf import settings

from accounts.perms import rule


@rule("portal.view_components")
def can_view_components(user, obj=None):
    """The components demo page: anyone signed in while developing, staff in production."""
    return settings.DEBUG or user.is_staff
