"""Shared bits of the partners views."""

from django.conf import settings
from django.utils.translation import gettext as _

from accounts import ratelimit

# (requests, seconds) per client address for the public forms (pre-registration, contact).
DEFAULT_PUBLIC_LIMIT = (10, 15 * 60)


def public_form_allowed(request, scope):
    limit, window = getattr(settings, "RATELIMIT_PARTNERS_PUBLIC", DEFAULT_PUBLIC_LIMIT)
    return ratelimit.hit(f"partners-{scope}", ratelimit.client_address(request), limit=limit, window=window)


def rate_limited(form):
    limit, window = getattr(settings, "RATELIMIT_PARTNERS_PUBLIC", DEFAULT_PUBLIC_LIMIT)
    form.add_error(
        None,
        _("Trop de demandes ont été faites depuis votre connexion. Réessayez dans %(minutes)d minutes.")
        % {"minutes": max(1, window // 60)},
    )
