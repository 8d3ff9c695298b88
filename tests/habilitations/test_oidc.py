"""Single sign-on: the whole authorisation code flow with PKCE against Guichet's OpenID Connect
provider, the claims (organismes, rights on that application only), expiry, and revocation."""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.test import Client
from jwcrypto import jwk, jwt

from habilitations import selectors, services
from habilitations.models import Right
from tests.utils.clients import sign_in

from .factories import ApplicationFactory, RightFactory, correspondent, organisme_user, ucanss_admin

pytestmark = pytest.mark.django_db

REDIRECT = "https://rp.example.test/callback"


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def setup():
    membership = organisme_user()
    application = ApplicationFactory()
    right = RightFactory(user=membership.user, application=application, organisme=membership.organisation)
    RightFactory(user=membership.user, organisme=membership.organisation)  # another application: not in the token
    client_app, secret = services.oidc_client_register(application=application, redirect_uris=[REDIRECT])
    return membership, application, right, client_app, secret


def _authorize(browser, client_app, *, pkce=True):
    verifier = secrets.token_urlsafe(48)
    params = {
        "response_type": "code",
        "client_id": client_app.client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid profile email habilitations",
        "state": "etat-1",
        "nonce": "nonce-1",
    }
    if pkce:
        params.update(code_challenge=_b64(hashlib.sha256(verifier.encode()).digest()), code_challenge_method="S256")
    return browser.get("/o/authorize/?" + urlencode(params)), verifier


def _token(client_app, secret, code, verifier):
    basic = base64.b64encode(f"{client_app.client_id}:{secret}".encode()).decode()
    return Client().post(
        "/o/token/",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def _sign_in_through_sso(browser, client_app, secret):
    response, verifier = _authorize(browser, client_app)
    assert response.status_code == 302, response.content[:500]
    location = urlparse(response.url)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["etat-1"]
    token_response = _token(client_app, secret, query["code"][0], verifier)
    assert token_response.status_code == 200, token_response.content
    return token_response.json()


def test_authorisation_code_with_pkce_gives_the_rights_on_that_application_only(client, setup):
    membership, application, right, client_app, secret = setup
    sign_in(client, membership.user)
    tokens = _sign_in_through_sso(client, client_app, secret)
    assert tokens["expires_in"] <= 300
    keys = jwk.JWKSet.from_json(json.dumps(Client().get("/o/.well-known/jwks.json").json()))
    claims = json.loads(jwt.JWT(jwt=tokens["id_token"], key=keys, algs=["RS256"]).claims)
    assert claims["aud"] == client_app.client_id and claims["nonce"] == "nonce-1"
    # 300 s, computed by the library from two readings of the clock: allow a slow (loaded) machine
    assert 290 <= claims["exp"] - claims["iat"] <= 330
    assert claims["email"] == membership.user.email
    assert claims["organismes"] == [
        {"code": membership.organisation.code, "name": membership.organisation.name, "role": "organisme_user"}
    ]
    assert claims["habilitations"]["application"] == application.slug
    assert [r["organisme"] for r in claims["habilitations"]["rights"]] == [membership.organisation.code]
    discovery = Client().get("/o/.well-known/openid-configuration").json()
    assert discovery["issuer"] == claims["iss"]
    userinfo = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert userinfo.status_code == 200
    assert userinfo.json()["habilitations"]["application"] == application.slug


def test_pkce_is_required(client, setup):
    membership, _application, _right, client_app, _secret = setup
    sign_in(client, membership.user)
    response, _verifier = _authorize(client, client_app, pkce=False)
    assert "code=" not in response.get("Location", "")


def test_a_user_without_the_right_is_refused(client, setup):
    _membership, _application, _right, client_app, _secret = setup
    sign_in(client, organisme_user().user)
    response, _verifier = _authorize(client, client_app)
    assert response.status_code == 403
    assert "Vous n’avez pas accès à cette application" in response.content.decode()


def test_revoking_the_right_revokes_the_tokens_and_stops_the_next_sign_in(client, setup):
    membership, _application, right, client_app, secret = setup
    validator = correspondent(membership.organisation)
    sign_in(client, membership.user)
    tokens = _sign_in_through_sso(client, client_app, secret)
    services.right_revoke(
        right_id=right.pk, actor=validator.user, scope=selectors.rights_for(validator), reason="Départ"
    )
    userinfo = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert userinfo.status_code == 401
    response, _verifier = _authorize(client, client_app)
    assert response.status_code == 403
    assert not Right.objects.filter(pk=right.pk, state="active").exists()


def test_central_admin_registers_a_client_and_sees_the_secret_once(client):
    admin = ucanss_admin()
    application = ApplicationFactory()
    sign_in(client, admin.user)
    url = "/organismes/administration/applications/client/"
    bad = client.post(url, {"id": application.pk, "redirect_uris": "pas une adresse"})
    assert "n’est pas une adresse valide" in bad.content.decode()
    response = client.post(url, {"id": application.pk, "redirect_uris": REDIRECT})
    application.refresh_from_db()
    html = response.content.decode()
    assert application.oauth_client.client_id in html
    secret = html.split("<dt>Secret (client_secret)</dt><dd><code>")[1].split("</code>")[0]
    assert secret and application.oauth_client.client_secret != secret  # stored hashed
    assert secret not in client.get(url + f"?id={application.pk}").content.decode()


def test_central_admin_pages_are_for_central_admins_only(client):
    sign_in(client, correspondent().user)
    for url in ("/organismes/administration/applications/", "/organismes/administration/organismes/"):
        assert client.get(url).status_code == 403
    client.logout()
    sign_in(client, ucanss_admin().user)
    for url in (
        "/organismes/administration/applications/",
        "/organismes/administration/organismes/",
        "/organismes/administration/organismes/fiche/",
        "/organismes/administration/applications/fiche/",
    ):
        assert client.get(url).status_code == 200
    response = client.post("/organismes/administration/organismes/fiche/", {"code": "12A", "name": "CPAM"})
    assert "Le code d’un organisme comprend 6 chiffres" in response.content.decode()
