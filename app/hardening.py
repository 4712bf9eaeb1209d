"""Guards against hostile input that would otherwise reach the database as an error:
ids beyond the databases' INTEGER range (404) and NUL characters, which PostgreSQL
refuses in text (400), in the path, query string, form fields or a JSON body."""
from __future__ import annotations

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


def init_hardening(app: Flask) -> None:
    @app.before_request
    def refuse_hostile_input():
        for value in (request.view_args or {}).values():
            if isinstance(value, int) and value > MAX_ID:
                abort(404)
        if _has_nul():
            abort(400)
