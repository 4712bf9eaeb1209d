"""Configuration classes, read from the environment.

The default database is a SQLite file in ``instance/`` so a newcomer needs no set-up;
production sets ``DATABASE_URL`` to a PostgreSQL URL (``postgresql+psycopg://...``; a
plain ``postgresql://`` URL is accepted and mapped to psycopg 3).
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def normalise_database_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` URLs onto the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# Signs the session cookies. Public in the repository, so only for debug and the tests:
# anywhere else the app refuses to start with it (app.check_settings).
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"
MIN_SECRET_KEY_LENGTH = 32


def secret_setting(name: str) -> str | None:
    """A secret from the environment (``NAME``) or from the file named by ``NAME_FILE``
    (the container-secrets convention); the file's content without its final newline."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    return None


def _secret_key() -> str:
    """``SECRET_KEY`` / ``SECRET_KEY_FILE``; else the key ``make run`` made once in
    ``instance/secret_key``; else the development key."""
    local = BASE_DIR / "instance" / "secret_key"
    key = secret_setting("SECRET_KEY")
    if key:
        return key
    if local.is_file():
        return local.read_text(encoding="utf-8").strip()
    return DEVELOPMENT_SECRET_KEY


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'noaber.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # A login lasts at most this long (seconds), and ends after SESSION_IDLE_MINUTES
    # without a request; both are checked on the server (app/sessions.py).
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_LIFETIME_HOURS", "8")) * 3600
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Rate limits (Flask-Limiter notation). memory:// counts per worker process; with more
    # than one worker or host set redis://host:6379 so that all of them share the counts.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Keys in the storage start with this (several installations on one Redis).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "noaber")
    # A moving window: "10 per minute" is at most 10 in any 60 seconds (a fixed window
    # lets 20 through around the turn of a minute).
    RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "moving-window")
    RATELIMIT_HEADERS_ENABLED = True
    # Login attempts per address and per e-mail address (app/auth/limits.py) ...
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # ... and per e-mail address over a longer period (OWASP ASVS 2.2.1: at most 100 failed
    # attempts per hour on one account).
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "100 per hour")

    # Number of reverse proxies in front of the app (X-Forwarded-For etc.); 0 = none.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "noaber-demo")

    # Largest request body (uploads such as bank files, forms, API calls): 413 beyond it.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "5")) * 2**20
    # Calls per minute per API token (Flask-Limiter notation).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")

    # `make bench`: X-SQL-Count and X-Server-Time on every response (app/bench.py).
    BENCH_HEADERS = _env_bool("NOABER_BENCH", False)

    # Published mix figures for those who may not see care data per person
    # (services/registry/disclosure.py): the smallest cell shown, the rounding of the
    # begeleid count, the changes needed before a published figure moves.
    DISCLOSURE_MIN_CELL = int(os.environ.get("DISCLOSURE_MIN_CELL", "10"))
    DISCLOSURE_ROUNDING = int(os.environ.get("DISCLOSURE_ROUNDING", "5"))
    DISCLOSURE_BATCH = int(os.environ.get("DISCLOSURE_BATCH", "3"))

    # Where links in e-mails point to.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # E-mail: "log" writes messages to the log (development), "smtp" sends them.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "noaber@localhost")

    # Accounts: invitations, forgotten passwords, e-mail changes and the second factor.
    # An invitation link lives this many days, a password-reset link this many minutes,
    # an e-mail confirmation link this many hours (every link works once).
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    EMAIL_CHANGE_HOURS = int(os.environ.get("EMAIL_CHANGE_HOURS", "24"))
    # "Wachtwoord vergeten?" requests per address and per e-mail address.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour")
    # Who must set up two-factor authentication (TOTP) before doing anything else: a
    # comma-separated list of roles ("admin" for the global administrators).
    TOTP_REQUIRED_ROLES = tuple(r.strip() for r in os.environ.get(
        "TOTP_REQUIRED_ROLES", "admin,sociaal_beheerder,begeleider").split(",") if r.strip())
    TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "Noaber")
    # Minutes between the password and the code of a two-step login.
    LOGIN_CODE_MINUTES = int(os.environ.get("LOGIN_CODE_MINUTES", "5"))


class TestConfig(Config):
    """Used by the test-suite; the database URL comes from the fixture."""

    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    LOGIN_RATE_LIMIT = "1000 per minute"  # tests log in often; a few lower them
    LOGIN_ACCOUNT_RATE_LIMIT = "100000 per hour"
    PASSWORD_RESET_RATE_LIMIT = "1000 per minute"
    TOTP_REQUIRED_ROLES: tuple = ()  # the two-factor tests switch it on
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
