"""Authentication of API calls by personal token, and the site access of its owner.

The API reads no session cookie: every call carries ``Authorization: Bearer <token>``.
That is why its blueprints are exempt from CSRF (a forged cross-site request carries
the victim's cookies, never their token); a call without a token is answered 401
before any view runs, also when the browser sends a logged-in session cookie.
"""
from __future__ import annotations

from typing import Callable

import hashlib

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort

from app.api.errors import CODES, from_rule_violation
from app.clock import now as clock_now
from app.extensions import csrf, limiter
from models import Site, User, db, utcnow
from services import api_tokens, service_accounts
from services.access import SiteAccess
from services.accounts import site_access
from services.errors import RuleViolation


def authenticate() -> None:
    """``before_request`` of every API blueprint (ids out of range were already
    answered 404 by :mod:`app.hardening`)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, code="token_missing", message=CODES[401][1])
    user = api_tokens.user_for_secret(db.session, secret.strip(), now=utcnow(),
                                      clock=clock_now())
    if user is None:
        abort(401, code="token_invalid",
              message="Dit API-token is onbekend of ingetrokken, of het account is niet actief.")
    account = service_accounts.account_of(db.session, user)
    if account is not None and account.revoked_at is not None:
        abort(401, code="token_invalid",
              message="Dit API-token is onbekend of ingetrokken, of het account is niet actief.")
    db.session.commit()  # the token's last-used time
    g.api_user, g.service_account = user, account


def service_account():
    """The service account making the call, or None for a person's token."""
    return g.get("service_account")


def current_user() -> User:
    return g.api_user


def site_for(site_id: int, permission: Callable[[SiteAccess], bool]) -> tuple[Site, SiteAccess]:
    """The site and the caller's access to it: 404 for an unknown site, 403 when the
    caller lacks ``permission`` (the same policy object as the pages)."""
    site = db.session.get(Site, site_id)
    if site is None:
        abort(404)
    account = service_account()
    access = service_accounts.site_access(account, site_id) if account is not None \
        else site_access(current_user(), site_id)
    if not permission(access):
        abort(403)
    if account is not None and request.method not in service_accounts.SAFE_METHODS:
        scope = service_accounts.scope_on(account, site_id)
        if scope is None or not scope.can_write:
            abort(403, code="read_only",
                  message="Dit token mag op deze locatie alleen lezen.")
    return site, access


def on_site(model, record_id: int, site_id: int):
    """A record of ``model`` (which has a ``site_id``) on the site, else 404."""
    record = db.session.get(model, record_id)
    if record is None or record.site_id != site_id:
        abort(404)
    return record


def rate_key() -> str:
    """Calls are counted per token (hashed: the limiter's storage never holds a token),
    and per address for calls without one."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "ip:" + get_remote_address()


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A blueprint of the API: token authentication before every view, no CSRF (see the
    module docstring), the API's rate limit, and a service's rule violation as 422."""
    blueprint = Blueprint(name, import_name, url_prefix="/api/v1", description=description)
    blueprint.before_request(authenticate)
    blueprint.register_error_handler(RuleViolation, from_rule_violation)
    csrf.exempt(blueprint)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key)(blueprint)
    return blueprint
