"""The login's rate limits: per address and per e-mail address each minute, and per e-mail
address each hour (``LOGIN_RATE_LIMIT``, ``LOGIN_ACCOUNT_RATE_LIMIT``). The login's second
step (the code) has the same limits, counted apart; "wachtwoord vergeten" has its own
(``PASSWORD_RESET_RATE_LIMIT``, per address and per e-mail address).

Every attempt is counted before its password is checked, by one atomic operation in the
limiter's storage, so the limits hold exactly also when attempts arrive at the same
moment on several workers (with Redis: on several hosts). A successful login counts too,
so failed attempts can never exceed a limit. An e-mail address is counted whether or not
it has an account, so a refusal tells nothing about which addresses exist; the storage
holds a hash of it, not the address.
"""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from limits import parse

from app.extensions import limiter


@dataclass(frozen=True)
class Refusal:
    """A login refused by a limit: the message to show and when to try again."""

    message: str
    retry_after: int  # seconds


def _address_message(minutes: int) -> str:
    return ngettext("Te veel inlogpogingen vanaf dit adres. Probeer het over %(num)s minuut "
                    "opnieuw.",
                    "Te veel inlogpogingen vanaf dit adres. Probeer het over %(num)s minuten "
                    "opnieuw.", minutes)


def _account_message(minutes: int) -> str:
    return ngettext("Te veel mislukte pogingen voor dit account. Probeer het over %(num)s "
                    "minuut opnieuw.",
                    "Te veel mislukte pogingen voor dit account. Probeer het over %(num)s "
                    "minuten opnieuw.", minutes)


def _account_key(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()


def _count(scope: str, checks) -> Refusal | None:
    """Hit each (name, limit setting, key, message) in turn; the first refusal, if any."""
    strategy = limiter.limiter
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "noaber"
    for name, setting, key, message in checks:
        item = parse(setting)
        keys = (prefix, scope, name, key)
        if not strategy.hit(item, *keys):
            reset_at, _remaining = strategy.get_window_stats(item, *keys)
            seconds = max(1, math.ceil(reset_at - time.time()))
            return Refusal(message(max(1, math.ceil(seconds / 60))), seconds)
    return None


def count_attempt(email: str) -> Refusal | None:
    """Count one login attempt for this request's address and ``email``; a refusal when it
    goes past a limit (the limits after that one do not count it), else None."""
    config = current_app.config
    account = _account_key(email)
    return _count("login", (
        ("address", config["LOGIN_RATE_LIMIT"], get_remote_address(), _address_message),
        ("account", config["LOGIN_RATE_LIMIT"], account, _account_message),
        ("account-long", config["LOGIN_ACCOUNT_RATE_LIMIT"], account, _account_message)))


def count_code_attempt(email: str) -> Refusal | None:
    """Count one attempt at a login's second step (the code), with the login's limits per
    address and per account; counted apart from the passwords."""
    config = current_app.config
    account = _account_key(email)
    return _count("login-code", (
        ("address", config["LOGIN_RATE_LIMIT"], get_remote_address(), _address_message),
        ("account", config["LOGIN_RATE_LIMIT"], account, _account_message),
        ("account-long", config["LOGIN_ACCOUNT_RATE_LIMIT"], account, _account_message)))


def _reset_message(minutes: int) -> str:
    return ngettext("Te veel aanvragen. Probeer het over %(num)s minuut opnieuw.",
                    "Te veel aanvragen. Probeer het over %(num)s minuten opnieuw.", minutes)


def count_reset_request(email: str) -> Refusal | None:
    """Count one "wachtwoord vergeten" request per address and per e-mail address
    (``PASSWORD_RESET_RATE_LIMIT``), whether or not the address has an account."""
    setting = current_app.config["PASSWORD_RESET_RATE_LIMIT"]
    return _count("password-reset", (
        ("address", setting, get_remote_address(), _reset_message),
        ("account", setting, _account_key(email), _reset_message)))
