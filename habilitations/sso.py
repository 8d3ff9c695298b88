"""Single sign-on to the catalogue's applications: Guichet is their OpenID Connect provider
(django-oauth-toolkit, authorisation code with PKCE, RS256 ID tokens, short-lived tokens).

- Each catalogue Application may have one OIDC client (`Application.oauth_client`), registered by a
  central admin (the secret is shown once; only its hash is stored).
- The authorisation endpoint refuses a user who lacks `habilitations.use_application` on the client's
  application (a revoked right stops the next sign-in); revoking a right revokes that application's
  tokens of the user at once (habilitations.oidc.tokens_revoke).
- The ID token and userinfo carry, besides the standard claims, the user's organismes and their rights
  on *that* application only (scope `habilitations`).
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.decorators import method_decorator
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView

from accounts.enums import OrganisationKind
from accounts.perms import active_memberships

from .enums import RightState
from .models import Application, Right

SCOPES = {
    "openid": "OpenID Connect",
    "profile": "Nom et prénom",
    "email": "Adresse e-mail",
    "habilitations": "Organismes et droits sur l’application",
}


def application_of_client(client):
    if client is None:
        return None
    return Application.objects.filter(oauth_client=client).first()


def habilitation_claims(user, application):
    """The user's organismes, and their rights on `application` only."""
    organismes = [
        {"code": m.organisation.code, "name": m.organisation.name, "role": m.role}
        for m in active_memberships(user)
        if m.organisation.kind == OrganisationKind.ORGANISME
    ]
    rights = []
    if application is not None:
        rights = [
            {"organisme": right.organisme.code, "since": right.granted_at.isoformat(), "tacit": right.tacit}
            for right in Right.objects.filter(
                user=user, application=application, state=RightState.ACTIVE
            ).select_related("organisme")
        ]
    return {
        "organismes": organismes,
        "habilitations": {
            "application": application.slug if application else None,
            "rights": rights,
            "manager": bool(application and user.has_perm("habilitations.manage_application", application)),
        },
    }


class GuichetOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "organismes": "habilitations",
        "habilitations": "habilitations",
    }

    def get_additional_claims(self, request):
        user = request.user
        claims = {
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": user.get_full_name(),
            "email": user.email,
            "preferred_username": user.identifier,
        }
        claims.update(habilitation_claims(user, application_of_client(request.client)))
        return claims

    def validate_user_match(self, id_token_hint, scopes, claims, request):
        return True


@method_decorator(login_not_required, name="dispatch")
class GuichetAuthorizationView(AuthorizationView):
    """The authorisation endpoint, refusing a user who may not use the client's application."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            client_id = request.GET.get("client_id") or request.POST.get("client_id") or ""
            client = get_application_model().objects.filter(client_id=client_id).first()
            application = application_of_client(client)
            if client is not None and (
                application is None
                or not application.is_active
                or not request.user.has_perm("habilitations.use_application", application)
            ):
                return render(
                    request,
                    "habilitations/sso_refused.html",
                    {"application": application, "client": client},
                    status=403,
                )
        return super().dispatch(request, *args, **kwargs)
