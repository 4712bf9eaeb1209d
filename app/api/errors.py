"""One error body for the whole API: a Dutch message and a machine-readable code.

``{"error": {"status": 404, "code": "not_found", "message": "...", "fields": {...}}}``;
``fields`` only for invalid input, by location (``query``, ``json``) and field name.
"""
from __future__ import annotations

import marshmallow as ma
from flask import jsonify
from werkzeug.exceptions import HTTPException

from models import db
from services.errors import RuleViolation

CODES = {
    400: ("bad_request", "Het verzoek kon niet worden gelezen."),
    401: ("unauthorized", "Geef een geldig API-token mee (Authorization: Bearer ...)."),
    403: ("forbidden", "U hebt geen toegang tot deze gegevens."),
    404: ("not_found", "Deze gegevens bestaan niet (meer)."),
    405: ("method_not_allowed", "Deze methode is hier niet toegestaan."),
    406: ("not_acceptable", "Deze API antwoordt alleen in JSON."),
    409: ("conflict", "Dit botst met wat er al is vastgelegd."),
    413: ("too_large", "Het verzoek is te groot."),
    415: ("unsupported_media_type", "Stuur de gegevens als JSON."),
    422: ("invalid_input", "Controleer de invoer."),
    429: ("rate_limited", "Te veel verzoeken. Wacht even en probeer het dan opnieuw."),
    500: ("server_error", "Er ging iets mis aan onze kant. Probeer het later opnieuw."),
}

#: marshmallow's English field messages, in Dutch
FIELD_MESSAGES = {
    "Missing data for required field.": "Dit veld is verplicht.",
    "Not a valid integer.": "Vul een geheel getal in.",
    "Not a valid number.": "Vul een getal in.",
    "Not a valid date.": "Vul een datum in als JJJJ-MM-DD.",
    "Not a valid datetime.": "Vul een tijdstip in als JJJJ-MM-DDTUU:MM.",
    "Not a valid string.": "Vul tekst in.",
    "Not a valid boolean.": "Vul true of false in.",
    "Unknown field.": "Onbekend veld.",
    "Field may not be null.": "Dit veld mag niet leeg zijn.",
    "Invalid input type.": "Ongeldig soort invoer.",
}


class ErrorDetailSchema(ma.Schema):
    status = ma.fields.Integer(required=True, metadata={"description": "HTTP-status"})
    code = ma.fields.String(required=True, metadata={"description": "vaste code, bv. not_found"})
    message = ma.fields.String(required=True, metadata={"description": "uitleg in het Nederlands"})
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(),
                            metadata={"description": "fouten per plaats en veld"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema, required=True)


def _dutch(messages):
    if isinstance(messages, dict):
        return {str(k): _dutch(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [_dutch(m) for m in messages]
    if isinstance(messages, str):
        if messages in FIELD_MESSAGES:
            return FIELD_MESSAGES[messages]
        if messages.startswith(("Must be greater", "Must be less", "Length must")):
            return "Waarde buiten het toegestane bereik (" + messages + ")"
        if messages.startswith("Must be one of"):
            return "Kies een van de toegestane waarden (" + messages + ")"
    return messages


def body(status: int, code: str | None = None, message: str | None = None,
         fields: dict | None = None):
    """The JSON response for an error."""
    default_code, default_message = CODES.get(status, ("error", "Er ging iets mis."))
    detail = {"status": status, "code": code or default_code,
              "message": message or default_message}
    if fields:
        detail["fields"] = _dutch(fields)
    response = jsonify({"error": detail})
    response.status_code = status
    return response


def from_http_exception(error: HTTPException):
    """An HTTP error raised anywhere under /api (webargs' 422 carries the field errors)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    response = body(status, data.get("code"), data.get("message"),
                    data.get("errors") or data.get("messages"))
    for name in ("Allow", "Retry-After", "WWW-Authenticate"):
        value = error.get_response().headers.get(name) if status != 500 else None
        if value:
            response.headers[name] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="noaber"')
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def from_rule_violation(error: RuleViolation):
    """A domain rule the request breaks: 422 with the service's Dutch message; nothing
    of the request is kept."""
    db.session.rollback()
    fields = {"json": {error.field: [str(error)]}} if error.field else None
    return body(422, "rule_violation", str(error), fields)
