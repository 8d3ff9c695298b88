"""Random values used as field defaults (the migrations name them as interim.models.*)."""

import secrets


def new_token():
    return secrets.token_urlsafe(32)


def new_verification_code():
    """A code printed on the certificate page, typed on the public verification page."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
