"""Permission rules of the shell, answered by accounts' MembershipPermissionBackend."""

from django.conf import settings

from accounts.perms import rule


@rule("portal.view_components")
def can_view_components(user, obj=None):
    """The components demo page: anyone signed in while developing, staff in production."""
    return settings.DEBUG or user.is_staff


@rule("portal.view_dev_outbox")
def can_view_dev_outbox(user, obj=None):
    """The development outbox (e-mails and SMS written under var/): DEBUG only, anyone signed in."""
    return bool(settings.DEBUG) and user.is_authenticated
