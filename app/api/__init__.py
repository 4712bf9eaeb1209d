"""The JSON API under /api/v1 (flask-smorest): OpenAPI 3 at /api/v1/openapi.json, a
readable reference at /api/v1/docs, personal tokens, the same access policy as the pages.
"""
from __future__ import annotations

from flask import Flask, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from app.api.errors import ErrorSchema, from_http_exception

API_PREFIX = "/api/v1"

DESCRIPTION = """Noaber's API for the systems of housing corporations and care organisations.

Authenticate every call with a personal API token (made on your profile page):
`Authorization: Bearer nbr_...`. You see what your roles show on the pages, no more:
individual care data only where the sociaal_beheerder or the resident's own care
organisation would see it. Reads of care data are written to the audit log.

Lists are paginated (`page`, `per_page`, at most 100) and answer
`{"items": [...], "page", "per_page", "total", "pages"}`; dates are `YYYY-MM-DD`, and
`from`/`to` filter by date (both inclusive). Errors always answer
`{"error": {"status", "code", "message", "fields"}}` with a Dutch message.
"""


class NoaberApi(Api):
    """flask-smorest's Api with Noaber's error body; the app's own error handlers answer
    for /api paths (app/__init__.py hands those to :mod:`app.api.errors`)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """No app-wide HTTPException handler: the pages keep their HTML errors."""


def init_api(app: Flask) -> NoaberApi:
    """One Api (and OpenAPI document) per app; the blueprints are set up at import."""
    from app.api import docs, governance, hours, imo, monitoring, registry, rooms, writes

    app.config.setdefault("API_TITLE", "Noaber API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_RATE_LIMIT", "300 per minute")
    api = NoaberApi(app, spec_kwargs={
        "info": {"description": DESCRIPTION},
        "security": [{"bearerAuth": []}],
    })
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "Een persoonlijk API-token van uw profielpagina."})
    for module in (registry, writes, imo, hours, governance, monitoring, rooms):
        api.register_blueprint(module.blp)
    app.extensions["noaber_api"] = api
    app.register_blueprint(docs.bp)

    @app.errorhandler(HTTPException)
    def api_errors(error: HTTPException):
        """Statuses without a page of their own: JSON under /api, else Flask's."""
        if request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX:
            return from_http_exception(error)
        return error

    return api
