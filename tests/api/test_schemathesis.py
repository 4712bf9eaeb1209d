"""Schemathesis against the OpenAPI document, in-process on the WSGI app: generated and
hostile requests to every operation; no 5xx, every response matches the document.
Bounded (``max_examples``) so the suite stays fast on both databases.

The document is read from an app built at import (it needs no database); the calls go
to the test app of tests/conftest.py (``case.call_and_validate(app=...)``).
schemathesis' lazy ``from_fixture`` loader does not run under pytest 9.
"""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app import create_app
from tests.api.support import tokens  # noqa: F401
from tests.web.support import fresh_rate_limits  # noqa: F401

_document_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
with _document_app.test_client() as _client:
    schema = schemathesis.openapi.from_dict(_client.get("/api/v1/openapi.json").get_json())


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_answers_by_its_own_document(case, app, world, tokens):
    components = case.meta.components if case.meta else {}

    def negative(location: ParameterLocation) -> bool:
        return location in components and components[location].mode.is_negative

    # half of the valid calls hit the site that exists, so the views run past the 404
    site_id = (case.path_parameters or {}).get("site_id")
    if isinstance(site_id, int) and site_id % 2 == 0 and not negative(ParameterLocation.PATH):
        case.path_parameters["site_id"] = world.site
    # a case that leaves the token out on purpose goes without one (and must get 401)
    token_left_out = negative(ParameterLocation.HEADER) and \
        "Authorization" not in (case.headers or {})
    headers = {} if token_left_out else {"Authorization": f"Bearer {tokens['admin']}"}
    case.operation.schema.app = case.operation.app = app  # its probes go there too
    # Domain rules (no hours before the project start, ``from`` after ``to``) refuse some
    # requests the document allows, with a 422 and a Dutch message; every other check
    # (no 5xx, responses as documented, invalid input refused, auth enforced) stays on.
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
