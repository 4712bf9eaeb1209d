"""Single sign-on with OpenID Connect (Authlib's Flask client, the code flow).

"Inloggen met <organisatie>" sends the person to their organisation's provider with a
fresh ``state`` and ``nonce`` (kept in this session by Authlib); the way back exchanges
the code for an ID token whose signature (the provider's JWKS), issuer, audience (our
client id), expiry and nonce are checked; :func:`services.sso.match_account` then finds
the existing account. A second factor of the account's own is still asked unless the
provider is configured as enforcing one (``SSO_<KEY>_MFA``).
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import (Blueprint, abort, current_app, flash, redirect, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from joserfc.errors import JoseError

from app.auth import mails
from app.auth.routes import complete_login, safe_next
from models import db
from services import sso
from services.errors import RuleViolation

bp = Blueprint("sso", __name__)
log = logging.getLogger(__name__)

#: how this session was opened: {"key", "id_token", "mfa"} (None: with a password)
SSO_SESSION = "_sso"
NEXT = "_sso_next"
TIMEOUT_S = 10


def configured() -> dict[str, sso.Provider]:
    return sso.providers(current_app.config)


def client_for(provider: sso.Provider) -> FlaskOAuth2App:
    """Authlib's client for ``provider``, one per app and configuration (its discovery
    document and keys are fetched once and kept)."""
    clients = current_app.extensions.setdefault("noaber_sso", {})
    client = clients.get(provider)
    if client is None:
        client = FlaskOAuth2App(
            FlaskIntegration(provider.key), provider.key, client_id=provider.client_id,
            client_secret=provider.client_secret, server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": provider.scope, "default_timeout": TIMEOUT_S})
        clients[provider] = client
    return client


def _provider_or_404(key: str) -> sso.Provider:
    provider = configured().get(key)
    if provider is None:
        abort(404)
    return provider


def _refuse(message: str):
    flash(message, "error")
    return redirect(url_for("auth.login"))


def _unreachable(provider: sso.Provider, error: Exception):
    log.warning("single sign-on: provider %s not reachable (%s)", provider.key,
                error.__class__.__name__)
    return _refuse(_("%(org)s is nu niet bereikbaar. Probeer het later opnieuw of log in "
                     "met uw wachtwoord.", org=provider.label))


@bp.route("/login/sso/<key>")
def start(key: str):
    provider = _provider_or_404(key)
    if current_user.is_authenticated:
        return redirect(url_for("sites.index"))
    session[NEXT] = safe_next(request.args.get("next"))
    try:
        return client_for(provider).authorize_redirect(
            mails.link("sso.callback", key=provider.key))
    except (requests.RequestException, ValueError, KeyError) as error:
        return _unreachable(provider, error)


@bp.route("/login/sso/<key>/terug")
def callback(key: str):
    provider = _provider_or_404(key)
    if request.args.get("error"):
        return _refuse(_("Inloggen via %(org)s is niet gelukt of afgebroken. Probeer het "
                         "opnieuw of log in met uw wachtwoord.", org=provider.label))
    try:
        token = client_for(provider).authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [provider.issuer]}},
            leeway=60)
    except MismatchingStateError:
        return _refuse(_("Het inloggen via %(org)s is verlopen of in een ander venster "
                         "begonnen. Probeer het opnieuw.", org=provider.label))
    except (OAuthError, JoseError, KeyError, ValueError) as error:
        log.warning("single sign-on: provider %s gave no valid ID token (%s)", provider.key,
                    error.__class__.__name__)
        return _refuse(_("%(org)s gaf geen geldig bewijs van uw identiteit; u bent niet "
                         "ingelogd. Probeer het opnieuw of log in met uw wachtwoord.",
                         org=provider.label))
    except requests.RequestException as error:
        return _unreachable(provider, error)
    claims = token.get("userinfo")
    if not claims:
        return _refuse(_("%(org)s gaf geen geldig bewijs van uw identiteit; u bent niet "
                         "ingelogd. Probeer het opnieuw of log in met uw wachtwoord.",
                         org=provider.label))
    try:
        user = sso.match_account(db.session, provider, claims)
    except RuleViolation as error:
        log.info("single sign-on: provider %s vouched for no usable account", provider.key)
        return _refuse(_(error.message, **error.params))
    next_url = session.pop(NEXT, None)
    opened = {"key": provider.key, "id_token": token.get("id_token"), "mfa": provider.mfa}
    if user.has_second_factor and not provider.mfa:
        from app.auth.account import begin_second_step
        return begin_second_step(user, next_url, sso_session=opened)
    response = complete_login(user, next_url, method=provider.method)
    session[SSO_SESSION] = opened
    return response


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def provider_origins() -> list[str]:
    """The origins the logout form may be redirected to (the CSP's form-action): each
    provider's issuer and, once its discovery document was read, its logout endpoint."""
    origins: set[str] = set()
    clients = current_app.extensions.get("noaber_sso", {})
    for provider in configured().values():
        origins.add(_origin(provider.issuer))
        client = clients.get(provider)
        metadata = getattr(client, "server_metadata", None) or {}
        origins.add(_origin(metadata.get("end_session_endpoint", "")))
    return sorted(o for o in origins if o)


def logout_redirect(opened) -> str | None:
    """Where a logout goes on to for a session opened by single sign-on: the provider's
    ``end_session_endpoint``, when its discovery document names one."""
    if not isinstance(opened, dict):
        return None
    provider = configured().get(str(opened.get("key")))
    if provider is None:
        return None
    try:
        end_session = client_for(provider).load_server_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError) as error:
        log.warning("single sign-on: provider %s not reachable for the logout (%s)",
                    provider.key, error.__class__.__name__)
        return None
    if not end_session:
        return None
    params = [("client_id", provider.client_id),
              ("post_logout_redirect_uri", mails.link("auth.login"))]
    if opened.get("id_token"):
        params.insert(0, ("id_token_hint", opened["id_token"]))
    return add_params_to_uri(end_session, params)
