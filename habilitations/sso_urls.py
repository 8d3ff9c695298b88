"""The OpenID Connect provider's endpoints (mounted under /o/, namespace oauth2_provider as the toolkit
expects): authorisation (with Guichet's refusal of a user without the right), token, revocation,
introspection, discovery, JWKS, userinfo."""

from django.urls import path, re_path
from oauth2_provider import views

from .sso import GuichetAuthorizationView

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", GuichetAuthorizationView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", views.IntrospectTokenView.as_view(), name="introspect"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", views.UserInfoView.as_view(), name="user-info"),
]
