"""Shared bits of the partners views."""

import math

from django.conf import settings
from django.utils.translation import ngettext

from accounts import ratelimit

# (requests, seconds) per client address for the public forms (pre-registration, contact).
DEFAULT_PUBLIC_LIMIT = (10, 15 * 60)


def _public_limit():
    return getattr(settings, "RATELIMIT_PARTNERS_PUBLIC", DEFAULT_PUBLIC_LIMIT)


def public_form_allowed(request, scope):
    """Whether this address may still send the public form `scope` in the current window (counts nothing)."""
    limit, window = _public_limit()
    return ratelimit.allowed(f"partners-{scope}", ratelimit.client_address(request), limit=limit, window=window)


def public_form_sent(request, scope):
    """Counts one send of the public form `scope` (a valid submission, or one caught as spam)."""
    limit, window = _public_limit()
    ratelimit.hit(f"partners-{scope}", ratelimit.client_address(request), limit=limit, window=window)


def rate_limited(form):
    _limit, window = _public_limit()
    minutes = max(1, math.ceil(ratelimit.seconds_left(window) / 60))
    form.add_error(
        None,
        ngettext(
            "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans %(minutes)d minute.",
            "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )
