"""The OpenID Connect provider's endpoints (django-oauth-toolkit, mounted by habilitations/sso_urls.py):
not pages for a browser, protected by the protocol; tests/habilitations/test_oidc.py checks them."""

from tests.isolation import TECHNICAL

ROUTES = {
    f"oauth2_provider:{name}": TECHNICAL
    for name in (
        "authorize",
        "token",
        "revoke-token",
        "introspect",
        "oidc-connect-discovery-info",
        "jwks-info",
        "user-info",
    )
}
