"""A small OpenID Connect provider for the single sign-on tests, served over HTTP on
127.0.0.1 (a free port) from a thread of its own.

It speaks the authorization-code flow as a real provider does: a discovery document, an
authorization page (a form where the person types the address they "are"; a test
client may pass ``login_hint`` and ``auto=1`` to skip it), a token endpoint that checks
the client's secret, the code and its redirect URI, a JWKS endpoint with the public half
of a freshly generated RSA key, and an end-session endpoint. ID tokens are built and
signed by Authlib (``authlib.oidc.core.grants.util.generate_id_token``, RS256).

``next_token`` lets a test bend the next ID token (another audience or issuer, an
expiry in the past, another nonce, ``email_verified`` false) to see the app refuse it.
"""
from __future__ import annotations

import html
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from authlib.oidc.core.grants.util import generate_id_token
from flask import Flask, abort, jsonify, redirect, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "noaber-test"
CLIENT_SECRET = "provider-test-secret"


@dataclass
class Provider:
    base_url: str
    key: RSAKey
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: claims or settings for the next ID token only: aud, iss, exp (seconds from now,
    #: negative for the past), nonce, email, email_verified, signing_key (a key the
    #: JWKS does not publish)
    next_token: dict[str, Any] = field(default_factory=dict)
    logouts: list[dict[str, str]] = field(default_factory=list)
    with_end_session: bool = True

    @property
    def issuer(self) -> str:
        return self.base_url

    def add_person(self, email: str, *, verified: bool = True, name: str = "Test") -> None:
        self.people[email] = {"email": email, "email_verified": verified, "name": name}

    def settings(self, key: str = "corp", *, label: str = "Woonstad", domains=("example.nl",),
                 mfa: bool = False, client_secret: str = CLIENT_SECRET) -> dict[str, Any]:
        """One entry of the app's SSO_PROVIDERS pointing at this provider."""
        return {"key": key, "issuer": self.issuer,
                "metadata_url": self.issuer + "/.well-known/openid-configuration",
                "client_id": CLIENT_ID, "client_secret": client_secret, "label": label,
                "domains": tuple(domains), "mfa": mfa, "scope": "openid email profile",
                "verified_claim": "email_verified"}


def _app(provider: Provider) -> Flask:
    app = Flask("test-oidc-provider")

    @app.get("/.well-known/openid-configuration")
    def discovery():
        document = {
            "issuer": provider.issuer,
            "authorization_endpoint": provider.base_url + "/authorize",
            "token_endpoint": provider.base_url + "/token",
            "jwks_uri": provider.base_url + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
        }
        if provider.with_end_session:
            document["end_session_endpoint"] = provider.base_url + "/logout"
        return jsonify(document)

    @app.get("/jwks")
    def jwks():
        return jsonify({"keys": [provider.key.as_dict(private=False)]})

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        args = request.values
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            abort(400)
        email = args.get("login_hint") if args.get("auto") else request.form.get("email")
        if email is None:
            hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" '
                             f'value="{html.escape(v)}">' for k, v in args.items())
            return (f'<!DOCTYPE html><html lang="en"><head><title>Test provider</title></head>'
                    f'<body><h1>Test identity provider</h1><form method="post">{hidden}'
                    f'<label>E-mail <input name="email" type="email"></label>'
                    f'<button type="submit">Sign in</button></form></body></html>')
        if email not in provider.people:
            return "unknown person", 403
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {"email": email, "nonce": args.get("nonce"),
                                "redirect_uri": args["redirect_uri"]}
        query = urlencode({"code": code, "state": args.get("state", "")})
        return redirect(f"{args['redirect_uri']}?{query}")

    @app.post("/token")
    def token():
        auth = request.authorization
        client_id, secret = (auth.username, auth.password) if auth else (
            request.form.get("client_id"), request.form.get("client_secret"))
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return jsonify({"error": "invalid_client"}), 401
        grant = provider.codes.pop(request.form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
            return jsonify({"error": "invalid_grant"}), 400
        bend, provider.next_token = provider.next_token, {}
        person = dict(provider.people[grant["email"]])
        person.update({k: bend[k] for k in ("email", "email_verified") if k in bend})
        access_token = secrets.token_urlsafe(24)
        id_token = generate_id_token(
            {"access_token": access_token}, {"sub": person["email"], **person},
            bend.get("signing_key", provider.key), iss=bend.get("iss", provider.issuer), aud=bend.get("aud", CLIENT_ID),
            exp=bend.get("exp", 300), nonce=bend.get("nonce", grant["nonce"]),
            kid=provider.key.kid)
        return jsonify({"access_token": access_token, "token_type": "Bearer",
                        "expires_in": 300, "id_token": id_token})

    @app.get("/logout")
    def logout():
        provider.logouts.append(dict(request.args))
        target = request.args.get("post_logout_redirect_uri")
        return redirect(target) if target else "signed out"

    return app


class ProviderServer:
    """Start with :meth:`start`, stop with :meth:`stop` (a fixture does both)."""

    def __init__(self) -> None:
        self.server = None
        self.thread = None
        self.provider: Provider | None = None

    def start(self) -> Provider:
        key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(4)},
                                  private=True)
        self.provider = Provider(base_url="", key=key)
        self.server = make_server("127.0.0.1", 0, _app(self.provider), threaded=True)
        self.provider.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       name="oidc-provider", daemon=True)
        self.thread.start()
        return self.provider

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)
