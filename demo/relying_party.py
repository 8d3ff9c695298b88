"""A tiny relying party for Guichet's OpenID Connect provider (demo only, not part of the portal).

Authorisation code with PKCE (S256), a confidential client, the ID token's signature checked against the
provider's JWKS (RS256), its issuer, audience, expiry and nonce checked, then userinfo read with the
access token. One WSGI callable (`make_app`) so that the test suite can run it in a thread.

    python demo/relying_party.py [--issuer http://localhost:8000/o] [--port 8001]
"""

import argparse
import base64
import hashlib
import html
import json
import secrets
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from wsgiref.simple_server import make_server

from jwcrypto import jwk, jwt

DEFAULTS = {
    "issuer": "http://localhost:8000/o",
    "client_id": "demo-rp",
    "client_secret": "demo-rp-secret-2026",
    "redirect_uri": "http://localhost:8001/callback",
}


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _http(url, data=None, headers=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 - demo: http(s) only
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def _page(title, body, status="200 OK"):
    content = (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    ).encode()
    return status, [("Content-Type", "text/html; charset=utf-8")], content


def make_app(*, issuer, client_id, client_secret, redirect_uri):
    """The relying party as a WSGI application (sessions in memory)."""
    issuer = issuer.rstrip("/")
    pending = {}  # state -> (verifier, nonce)
    sessions = {}  # session id -> claims

    def discovery():
        return _http(f"{issuer}/.well-known/openid-configuration")

    def login():
        config = discovery()
        state, nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(16), secrets.token_urlsafe(48)
        pending[state] = (verifier, nonce)
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid profile email habilitations",
                "state": state,
                "nonce": nonce,
                "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
                "code_challenge_method": "S256",
            }
        )
        return "302 Found", [("Location", f"{config['authorization_endpoint']}?{query}")], b""

    def callback(params):
        state = params.get("state", [""])[0]
        if "error" in params or state not in pending:
            return _page(
                "Connexion refusée", f"<p>{html.escape(params.get('error', ['état inconnu'])[0])}</p>", "403 Forbidden"
            )
        verifier, nonce = pending.pop(state)
        config = discovery()
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        tokens = _http(
            config["token_endpoint"],
            {
                "grant_type": "authorization_code",
                "code": params["code"][0],
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            {"Authorization": f"Basic {basic}"},
        )
        keys = jwk.JWKSet.from_json(json.dumps(_http(config["jwks_uri"])))
        token = jwt.JWT(jwt=tokens["id_token"], key=keys, algs=["RS256"])
        claims = json.loads(token.claims)
        audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if claims["iss"] != config["issuer"] or client_id not in audience or claims["exp"] < time.time():
            return _page("Jeton refusé", "<p>Émetteur, audience ou expiration incorrects.</p>", "403 Forbidden")
        if claims.get("nonce") != nonce:
            return _page("Jeton refusé", "<p>Nonce incorrect.</p>", "403 Forbidden")
        userinfo = _http(config["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
        sid = secrets.token_urlsafe(16)
        sessions[sid] = {"id_token": claims, "userinfo": userinfo}
        return (
            "302 Found",
            [("Location", "/"), ("Set-Cookie", f"rp_session={sid}; HttpOnly; Path=/; SameSite=Lax")],
            b"",
        )

    def home(cookie):
        session = sessions.get(cookie.get("rp_session").value) if cookie.get("rp_session") else None
        if session is None:
            return _page("Application de démonstration", '<p><a href="/login">Se connecter avec Guichet</a></p>')
        claims = session["id_token"]
        rights = claims.get("habilitations", {})
        organismes = "".join(
            f"<li>{html.escape(o['name'])} ({html.escape(o['code'])}) : {html.escape(o['role'])}</li>"
            for o in claims.get("organismes", [])
        )
        body = (
            f"<p>Bonjour {html.escape(claims.get('name', ''))}, vous êtes connecté par Guichet.</p>"
            f"<h2>Vos organismes</h2><ul>{organismes}</ul>"
            f"<h2>Vos droits sur l'application {html.escape(str(rights.get('application')))}</h2>"
            f'<pre id="claims">{html.escape(json.dumps(rights, ensure_ascii=False, indent=2))}</pre>'
            f"<p>Jeton valable jusqu'à {time.strftime('%H:%M:%S', time.localtime(claims['exp']))}.</p>"
        )
        return _page("Application de démonstration", body)

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        if path == "/login":
            status, headers, body = login()
        elif path == "/callback":
            status, headers, body = callback(params)
        else:
            status, headers, body = home(cookie)
        start_response(status, headers)
        return [body]

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, value in DEFAULTS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", default=value)
    parser.add_argument("--port", type=int, default=8001)
    options = parser.parse_args()
    app = make_app(
        issuer=options.issuer,
        client_id=options.client_id,
        client_secret=options.client_secret,
        redirect_uri=options.redirect_uri,
    )
    print(f"Application de démonstration sur http://localhost:{options.port}/ (fournisseur : {options.issuer})")
    make_server("", options.port, app).serve_forever()


if __name__ == "__main__":
    main()
