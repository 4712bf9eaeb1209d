"""Error reports to Sentry (or a service that speaks its protocol), only when
``SENTRY_DSN`` is set, with personal and care data taken out before an event leaves.

What is removed (:func:`scrub_event`, after sentry's own ``EventScrubber``):

* request bodies, cookies, query strings and the WSGI environment; of the headers only
  harmless ones are kept; the URL keeps its path with any token redacted;
* the user: only the account id is kept (no e-mail, name or IP address);
* local variables named like personal or care fields (the scrubber's extended denylist);
* every string anywhere in the event (messages, exception values, breadcrumbs, local
  variables) that equals or contains an e-mail address, or a name, e-mail address, phone
  number or care value of a resident, candidate, member or account that the failing
  request had loaded (the database session's objects and the failing frames' locals),
  or a value the request sent (form fields, query values, a JSON body's strings).
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from flask import Flask, has_app_context

from app.logs import redact

FILTERED = "[Filtered]"
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")

#: attributes and local-variable names that hold personal data
PERSONAL_FIELDS = ("name", "first_name", "last_name", "email", "to_address", "phone",
                   "date_of_birth", "address", "iban", "household_name")
#: attributes and names that hold care data (never in an error report)
CARE_FIELDS = ("support_status", "care_organisation", "care_organisation_id",
               "indicated_hours", "motivation", "problem_severity", "accepts_support",
               "fallback_place", "special_conditions", "woonzorgovereenkomst", "support",
               "support_periods", "begeleid", "care", "care_hours", "contribution_notes",
               "talents", "conditions", "reasoning", "advice", "note", "notes")
#: headers that may stay in a report
SAFE_HEADERS = {"accept", "accept-language", "content-length", "content-type", "host",
                "user-agent", "x-request-id"}
#: the models whose loaded objects' personal and care values are scrubbed
PERSONAL_MODELS = ("Resident", "Candidate", "User", "AssociationMember", "SupportPeriod",
                   "DuesReminder", "OutgoingMail", "RoomRequest", "Booking")


#: the frames whose locals are read for personal values (not those of the libraries)
OWN_MODULES = ("app", "services", "models", "tests")


def denylist() -> list[str]:
    from sentry_sdk.scrubber import DEFAULT_DENYLIST

    return [*DEFAULT_DENYLIST, *PERSONAL_FIELDS, *CARE_FIELDS, "body", "form", "data",
            "cookies", "query_string"]


def init(app: Flask) -> bool:
    """Start sentry when ``SENTRY_DSN`` is set; True if it was started. The tests pass
    ``SENTRY_TRANSPORT`` (a callable or transport) so that nothing leaves the machine."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.scrubber import EventScrubber

    options: dict[str, Any] = {}
    if app.config.get("SENTRY_TRANSPORT") is not None:
        options["transport"] = app.config["SENTRY_TRANSPORT"]
    sentry_sdk.init(
        dsn=dsn, environment=app.config.get("SENTRY_ENVIRONMENT"),
        integrations=[FlaskIntegration(), LoggingIntegration()],
        send_default_pii=False, max_request_body_size="never", include_local_variables=True,
        event_scrubber=EventScrubber(denylist=denylist(), recursive=True),
        before_send=scrub_event, before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=0.0, **options)
    return True


#: per model, further columns that are care data (a support period is care data whole)
CARE_COLUMNS = {"SupportPeriod": ("status", "valid_from")}


def _values_of(obj: Any, found: set[str]) -> None:
    """The personal and care values an object holds (only what is already loaded)."""
    if type(obj).__name__ in PERSONAL_MODELS and hasattr(obj, "__table__"):
        loaded = vars(obj)
        for key in (*PERSONAL_FIELDS, *CARE_FIELDS, *CARE_COLUMNS.get(type(obj).__name__, ())):
            _add(loaded.get(key), found)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name in PERSONAL_FIELDS or f.name in CARE_FIELDS:
                _add(getattr(obj, f.name, None), found)
            else:
                value = getattr(obj, f.name, None)
                if dataclasses.is_dataclass(value) and not isinstance(value, type):
                    _values_of(value, found)


def _add(value: Any, found: set[str]) -> None:
    if value is None or isinstance(value, bool):
        return
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        found.add(value.value)
    text = str(value).strip()
    if len(text) >= 3:
        found.add(text)


def _request_values() -> set[str]:
    """What the failing request sent (form fields, query values, a JSON body's strings):
    free text that can hold anything, so never in a report, wherever it turns up."""
    from flask import has_request_context, request

    found: set[str] = set()
    if not has_request_context():
        return found
    for _key, value in [*request.args.items(multi=True), *request.form.items(multi=True)]:
        _add(value, found)
    document = request.get_json(silent=True) if request.is_json else None
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            if isinstance(item, str):
                _add(item, found)
    return found


def personal_values(hint: dict | None = None) -> set[str]:
    """The personal and care values in play: the session's loaded objects and the locals
    of the failing frames."""
    found: set[str] = set()
    if has_app_context():
        from models import db

        session = db.session()
        loaded = [*session.identity_map.values(), *session.new]
        care_organisations = set()
        for obj in loaded:
            _values_of(obj, found)
            if type(obj).__name__ in PERSONAL_MODELS:
                care_organisations.add(vars(obj).get("care_organisation_id"))
        # the name of a care organisation that a loaded person is linked to tells their
        # care status
        for obj in loaded:
            if type(obj).__name__ == "Organisation" and vars(obj).get("id") in \
                    care_organisations - {None}:
                _add(vars(obj).get("name"), found)
    found |= _request_values()
    exc_info = (hint or {}).get("exc_info")
    tb = exc_info[2] if exc_info else None
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if not module.startswith(OWN_MODULES):
            tb = tb.tb_next
            continue
        for key, value in tb.tb_frame.f_locals.items():
            if key in PERSONAL_FIELDS or key in CARE_FIELDS:
                _add(value, found)
            else:
                _values_of(value, found)
        tb = tb.tb_next
    return found


def _clean(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        text = EMAIL.sub(FILTERED, redact(value))
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, FILTERED)
        return text
    if isinstance(value, dict):
        return {k: _clean(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, secrets) for v in value]
    return value


def _clean_request(request: dict) -> dict:
    kept = {"method": request.get("method")}
    if request.get("url"):
        kept["url"] = redact(str(request["url"]).split("?", 1)[0])
    headers = request.get("headers") or {}
    if isinstance(headers, dict):
        kept["headers"] = {k: v for k, v in headers.items() if k.lower() in SAFE_HEADERS}
    return kept


def _account_id() -> str | None:
    """The id of the account of the failing request, if it was logged in (loaded)."""
    from flask import g, has_request_context

    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.id)


def scrub_event(event: dict, hint: dict) -> dict:
    """``before_send``: the event without request data, user details and personal or
    care values (see the module docstring)."""
    if isinstance(event.get("request"), dict):
        event["request"] = _clean_request(event["request"])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    account = _account_id()
    if account is not None:
        event["user"] = {"id": account}
    # longest first, so a full name goes before a part of it
    secrets = sorted(personal_values(hint), key=len, reverse=True)
    return _clean(event, secrets)


def scrub_breadcrumb(crumb: dict, hint: dict) -> dict:
    return _clean(crumb, [])
