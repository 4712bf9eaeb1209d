"""Guards against hostile input that would otherwise reach the database as an error:
ids beyond the databases' INTEGER range (404) and NUL characters, which PostgreSQL
refuses in text (400), in the path, query string, form fields or a JSON body; and, in a
JSON body, strings that no database can store as text: a lone surrogate (``"\\ud800"``
is valid JSON but not UTF-8) or a control character other than tab and line breaks
(422, per field in the API's error format)."""
from __future__ import annotations

import json
import re

from flask import Flask, abort, request

MAX_ID = 2**31 - 1


def _has_nul() -> bool:
    if "\x00" in request.path or b"%00" in request.query_string or \
            "\x00" in request.query_string.decode("latin-1"):
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        if request.mimetype == "application/json":
            body = request.get_data(cache=True)
            return b"\\u0000" in body or b"\x00" in body
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in key or "\x00" in value
                       for key, value in request.form.items(multi=True))
    return False


# C0 controls but tab, LF and CR; DEL; and the UTF-16 surrogates, which only a lone
# \\uD800-style escape can bring into a decoded JSON string
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSTORABLE_MESSAGE = ("Deze tekst bevat een teken dat niet kan worden opgeslagen (een "
                      "stuurteken of een losse surrogaat-code). Haal het weg en probeer het "
                      "opnieuw.")


def unstorable_fields(value, path: str = "") -> dict[str, list[str]]:
    """The fields of a decoded JSON document whose text cannot be stored, by dotted
    path (``title``, ``entries.2.note``; a bad key counts for its own path)."""
    found: dict[str, list[str]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if UNSTORABLE.search(str(key)):
                found[where] = [UNSTORABLE_MESSAGE]
            found |= unstorable_fields(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found |= unstorable_fields(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, str) and UNSTORABLE.search(value):
        found[path or "body"] = [UNSTORABLE_MESSAGE]
    return found


def _refuse_unstorable_json():
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return None
    try:
        document = json.loads(request.get_data(cache=True))
    except ValueError:
        return None  # not JSON at all: the API's own parsing answers that
    fields = unstorable_fields(document)
    if not fields:
        return None
    from app.api.errors import body
    return body(422, message="Controleer de invoer.", fields={"json": fields})


def init_hardening(app: Flask) -> None:
    @app.before_request
    def refuse_hostile_input():
        for value in (request.view_args or {}).values():
            if isinstance(value, int) and value > MAX_ID:
                abort(404)
        refused = _refuse_unstorable_json()
        if refused is not None:
            return refused
        if _has_nul():
            abort(400)
