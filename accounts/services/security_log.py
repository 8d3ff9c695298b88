"""The security log: one row per login, failure, lockout, password or rights change, consent..."""

from ..models import SecurityEvent


def client_ip(request):
    """The client's address, honouring the proxy setting that django-axes uses too."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


SECURITY_LOG_RETENTION_DAYS = 365  # the privacy page says: one year


def security_log_purge(*, now=None) -> int:
    """Deletes the security events older than one year (idempotent); returns how many."""
    from datetime import timedelta

    from django.utils import timezone

    limit = (now or timezone.now()) - timedelta(days=SECURITY_LOG_RETENTION_DAYS)
    deleted, _by_model = SecurityEvent.objects.filter(created_at__lt=limit).delete()
    return deleted


def log_event(kind, *, user=None, request=None, organisation=None, actor=None, identifier="", **detail):
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""
    if organisation is None and request is not None and user is not None and getattr(request, "user", None) == user:
        organisation = getattr(request, "organisation", None)
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        organisation=organisation,
        actor=actor,
        identifier=(identifier or getattr(user, "identifier", ""))[:150],
        ip_address=client_ip(request),
        user_agent=user_agent,
        detail=detail,
    )
