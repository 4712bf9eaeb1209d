"""``Idempotency-Key`` for the API's POSTs, and the one commit of a write.

A write view changes the session and returns; :func:`write` commits it, together with
the answer stored under the caller's key when one was sent. A retry with the same key
and the same request gets the stored answer again (``Idempotent-Replayed: true``)
instead of making a second record; the same key with another request is refused (422).
Two calls racing with one key: the second one's commit fails on the key's unique
constraint, its changes are rolled back and it answers what the first stored.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import wraps

import sqlalchemy as sa
from flask import Response, request
from flask_smorest import abort

from models import IdempotencyKey, db

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,200}$")

PARAMETER = {
    "in": "header", "name": HEADER, "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200,
               "pattern": "^[\\x21-\\x7e]{1,200}$"},
    "description": "Een eigen sleutel per bedoelde wijziging (bv. een UUID). Een herhaald "
                   "verzoek met dezelfde sleutel maakt niets dubbel: het krijgt hetzelfde "
                   "antwoord (met Idempotent-Replayed: true). Dezelfde sleutel bij een ander "
                   "verzoek geeft 422 (idempotency_key_reused).",
}


def _request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _stored(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(sa.select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))


def _replay(row: IdempotencyKey, request_hash: str) -> Response:
    if row.request_hash != request_hash:
        abort(422, code="idempotency_key_reused",
              message="Deze Idempotency-Key is al gebruikt voor een ander verzoek.",
              errors={"headers": {HEADER: ["Gebruik een nieuwe sleutel voor een nieuw "
                                           "verzoek."]}})
    response = Response(row.response_body, status=row.status_code,
                        mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def write(view):
    """Wrap a write view (under ``@blp.route``, above ``@blp.arguments``)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        from app.api.auth import current_user

        key = request.headers.get(HEADER)
        user_id = current_user().id
        if key is not None:
            if not KEY.match(key):
                abort(422, code="invalid_idempotency_key",
                      message="Een Idempotency-Key is 1 tot 200 zichtbare tekens (ASCII).",
                      errors={"headers": {HEADER: ["1 tot 200 zichtbare tekens (ASCII)."]}})
            request_hash = _request_hash()
            found = _stored(user_id, key)
            if found is not None:
                return _replay(found, request_hash)
        response = view(*args, **kwargs)
        if not 200 <= response.status_code < 300:
            db.session.rollback()
            return response
        if key is not None:
            db.session.add(IdempotencyKey(user_id=user_id, key=key, request_hash=request_hash,
                                          status_code=response.status_code,
                                          response_body=response.get_data(as_text=True)))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            found = _stored(user_id, key) if key is not None else None
            if found is None:
                raise
            return _replay(found, request_hash)
        return response

    return wrapper


def body_of(response: Response) -> dict:
    return json.loads(response.get_data(as_text=True))
