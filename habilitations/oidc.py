"""Single sign-on: Guichet as the OpenID Connect provider of the catalogue's applications."""

from django.apps import apps


def tokens_revoke(*, user, application):
    """Revokes at once every token the user holds for the application's client (a right was withdrawn)."""
    if not apps.is_installed("oauth2_provider") or getattr(application, "oauth_client_id", None) is None:
        return 0
    from oauth2_provider.models import get_access_token_model, get_refresh_token_model

    revoked = 0
    for token in get_refresh_token_model().objects.filter(
        user=user, application_id=application.oauth_client_id, revoked__isnull=True
    ):
        token.revoke()
        revoked += 1
    for token in get_access_token_model().objects.filter(user=user, application_id=application.oauth_client_id):
        token.revoke()
        revoked += 1
    return revoked
