"""Production: SECRET_KEY required, HTTPS everywhere. Passes `check --deploy` with no warning."""

import os

# Production sends real mail: SMTP on the local relay unless EMAIL_URL says otherwise.
os.environ.setdefault("GUICHET_DEFAULT_EMAIL_URL", "smtp://localhost:25")

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True

# Single sign-on (django-oauth-toolkit) as the OAuth 2.0 Security BCP (RFC 9700) asks: no implicit or
# password grant, S256 PKCE only, tokens never in the query string, `iss` in the authorisation response,
# tokens stored hashed, refresh-token replay detected, https redirect URIs only, exact matching.
from .base import OAUTH2_PROVIDER  # noqa: E402

OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "ALLOWED_REDIRECT_URI_SCHEMES": env.list("OIDC_REDIRECT_SCHEMES", default=["https"]),
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
