"""The endpoint's secret at rest and the signature of a delivery.

The secret must be recoverable to sign with, so it is stored encrypted (Fernet: AES-128
in CBC mode with an HMAC-SHA256 tag) under a key derived from the installation's
``SECRET_KEY`` with HKDF-SHA256. Whoever has the database alone cannot read the secrets;
whoever has the database and ``SECRET_KEY`` can. Changing ``SECRET_KEY`` makes the
stored secrets unreadable: deliveries then fail until the endpoint is made again.

A delivery carries ``Noaber-Timestamp`` (Unix seconds), ``Noaber-Signature:
v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`` and ``Noaber-Event-Id``. A receiver
recomputes the HMAC over the raw body and refuses a timestamp more than
:data:`TOLERANCE_SECONDS` away from its clock (a replayed delivery).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted (SECRET_KEY changed)."""


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"noaber-webhooks",
               info=b"webhook endpoint secrets").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encrypt(secret: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def decrypt(token: str, secret_key: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("the webhook secret cannot be decrypted") from exc


def signature(secret: str, timestamp: int, body: str) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    message = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(secret: str, timestamp: int, body: str, event_id: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "User-Agent": "Noaber-Webhooks/1",
            "Noaber-Timestamp": str(timestamp), "Noaber-Event-Id": event_id,
            "Noaber-Signature": f"v1={signature(secret, timestamp, body)}"}


def verify(secret: str, header_timestamp: str, header_signature: str, body: str,
           now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (the example in docs/webhooks.md): a known scheme, a fresh
    timestamp and a matching HMAC, compared in constant time."""
    try:
        timestamp = int(header_timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = f"v1={signature(secret, timestamp, body)}"
    return hmac.compare_digest(expected, header_signature or "")
