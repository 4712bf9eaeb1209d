"""Configuration classes, read from the environment.

The default database is a SQLite file in ``instance/`` so a newcomer needs no set-up;
production sets ``DATABASE_URL`` to a PostgreSQL URL (``postgresql+psycopg://...``; a
plain ``postgresql://`` URL is accepted and mapped to psycopg 3).

Every setting is listed, with its meaning and default, in ``.env.example`` (and in
docs/configure.md). A secret can also come from a file: ``NAME_FILE`` names the file
(``secret_setting``). A value that cannot be used (a number that is none, a file that
cannot be read) does not stop the import: it is noted in ``SETTING_PROBLEMS``, and
``app.check_settings`` refuses to start with one line per problem.
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
# Where links in e-mails point in debug and the tests; anywhere else BASE_URL must be set.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"

# Setting name -> one line saying what is wrong with its value in the environment.
SETTING_PROBLEMS: dict[str, str] = {}


def secret_setting(name: str, problems: dict[str, str] = SETTING_PROBLEMS) -> str | None:
    """A secret from the environment (``NAME``) or from the file named by ``NAME_FILE``
    (the container-secrets convention); the file's content without its final newline.
    ``NAME`` wins when both are set."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeError) as error:
            reason = getattr(error, "strerror", None) or error.__class__.__name__
            problems[f"{name}_FILE"] = f"{name}_FILE: cannot read {path} ({reason})"
    return None


def _env_int(name: str, default: int, minimum: int = 0,
             problems: dict[str, str] = SETTING_PROBLEMS) -> int:
    """A whole number of at least ``minimum``; an unusable value is noted as a problem
    (and the default used until the app refuses to start)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        problems[name] = f"{name}: {raw!r} is not a whole number of at least {minimum}"
        return default
    return value


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


def _env_bool(name: str, default: bool, problems: dict[str, str] = SETTING_PROBLEMS) -> bool:
    """A yes/no; a value that is neither is noted as a problem."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    problems[name] = f"{name}: {value!r} is neither true (1, true, yes, on) nor false " \
                     "(0, false, no, off)"
    return default


SSO_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def sso_providers(listed: str, environ=os.environ,
                  problems: dict[str, str] = SETTING_PROBLEMS) -> tuple:
    """The OpenID Connect providers people may sign in with (docs/accounts.md).

    ``SSO_PROVIDERS`` (``listed``) lists short keys (``woonstad,keycloak``); per key ``SSO_<KEY>_ISSUER``
    (the issuer URL; its discovery document is ``<issuer>/.well-known/openid-configuration``
    unless ``SSO_<KEY>_METADATA_URL`` names another), ``SSO_<KEY>_CLIENT_ID``,
    ``SSO_<KEY>_CLIENT_SECRET`` (or ``SSO_<KEY>_CLIENT_SECRET_FILE``), ``SSO_<KEY>_LABEL``
    (the organisation's name on the button), ``SSO_<KEY>_DOMAINS`` (the e-mail domains
    it may vouch for), ``SSO_<KEY>_MFA`` (the provider enforces a second factor, so
    Noaber does not ask for its own; default no) and ``SSO_<KEY>_VERIFIED_CLAIM`` (the
    claim that must be true for a verified address; default ``email_verified``). One dict
    per provider."""
    providers = []
    keys = [k.strip().lower() for k in (listed or "").split(",") if k.strip()]
    for key in keys:
        if not set(key) <= SSO_KEY_CHARS or key in [p["key"] for p in providers]:
            problems["SSO_PROVIDERS"] = f"SSO_PROVIDERS: {key!r} is not a key of lower-case " \
                                        "letters and digits, or it is listed twice"
            continue
        prefix = f"SSO_{key.upper()}_"
        secret = environ.get(prefix + "CLIENT_SECRET")
        secret_file = environ.get(prefix + "CLIENT_SECRET_FILE")
        if not secret and secret_file:
            try:
                secret = Path(secret_file).read_text(encoding="utf-8").rstrip("\r\n")
            except (OSError, UnicodeError) as error:
                reason = getattr(error, "strerror", None) or error.__class__.__name__
                problems[prefix + "CLIENT_SECRET_FILE"] = \
                    f"{prefix}CLIENT_SECRET_FILE: cannot read {secret_file} ({reason})"
        mfa = environ.get(prefix + "MFA", "").strip().lower()
        if mfa not in ("", "1", "true", "yes", "on", "0", "false", "no", "off"):
            problems[prefix + "MFA"] = f"{prefix}MFA: {mfa!r} is neither true (1, true, yes, " \
                                       "on) nor false (0, false, no, off)"
        issuer = environ.get(prefix + "ISSUER", "").strip().rstrip("/")
        provider = {
            "key": key,
            "issuer": issuer,
            "metadata_url": environ.get(prefix + "METADATA_URL", "").strip()
            or (issuer + "/.well-known/openid-configuration" if issuer else ""),
            "client_id": environ.get(prefix + "CLIENT_ID", "").strip(),
            "client_secret": secret or "",
            "label": environ.get(prefix + "LABEL", "").strip(),
            "domains": tuple(d.strip().lower().lstrip("@") for d in environ.get(
                prefix + "DOMAINS", "").split(",") if d.strip()),
            "mfa": mfa in ("1", "true", "yes", "on"),
            "scope": environ.get(prefix + "SCOPE", "openid email profile").strip(),
            "verified_claim": environ.get(prefix + "VERIFIED_CLAIM", "").strip()
            or "email_verified",
        }
        for name, setting in (("issuer", "ISSUER"), ("client_id", "CLIENT_ID"),
                              ("client_secret", "CLIENT_SECRET"), ("label", "LABEL"),
                              ("domains", "DOMAINS")):
            if not provider[name] and prefix + setting + "_FILE" not in problems:
                problems[prefix + setting] = f"{prefix}{setting}: not set (provider {key!r} " \
                                             "in SSO_PROVIDERS needs it)"
        if issuer and not issuer.startswith(("https://", "http://")):
            problems[prefix + "ISSUER"] = f"{prefix}ISSUER: {issuer!r} is not an https:// " \
                                          "address"
        providers.append(provider)
    return tuple(providers)


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        secret_setting("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'noaber.db'}"
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
    PERMANENT_SESSION_LIFETIME = _env_int("SESSION_LIFETIME_HOURS", 8, minimum=1) * 3600
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30, minimum=1)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Rate limits (Flask-Limiter notation). memory:// counts per worker process; with more
    # than one worker or host set redis://host:6379 so that all of them share the counts.
    RATELIMIT_STORAGE_URI = secret_setting("RATELIMIT_STORAGE_URI") or "memory://"
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
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "noaber-demo")

    # Largest request body (uploads such as bank files, forms, API calls): 413 beyond it.
    MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_MB", 5, minimum=1) * 2**20
    # Calls per minute per API token (Flask-Limiter notation).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")

    # `make bench`: X-SQL-Count and X-Server-Time on every response (app/bench.py).
    BENCH_HEADERS = _env_bool("NOABER_BENCH", False)

    # Published mix figures for those who may not see care data per person
    # (services/registry/disclosure.py): the smallest cell shown, the rounding of the
    # begeleid count, the changes needed before a published figure moves.
    DISCLOSURE_MIN_CELL = _env_int("DISCLOSURE_MIN_CELL", 10, minimum=1)
    DISCLOSURE_ROUNDING = _env_int("DISCLOSURE_ROUNDING", 5, minimum=1)
    DISCLOSURE_BATCH = _env_int("DISCLOSURE_BATCH", 3, minimum=1)

    # Where links in e-mails point to (https://noaber.example.nl); required outside debug
    # and the tests, which use DEVELOPMENT_BASE_URL.
    BASE_URL = os.environ.get("BASE_URL", "").strip()
    # E-mail: "smtp" sends messages, "log" writes them to the log (development); outside
    # debug and the tests "log" needs MAIL_LOG_ALLOWED, so no installation loses its mail
    # by a forgotten setting.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log").strip()
    MAIL_LOG_ALLOWED = _env_bool("MAIL_LOG_ALLOWED", False)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _env_int("MAIL_PORT", 25, minimum=1)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = secret_setting("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "noaber@localhost")

    # --- Logs, error reports, health checks, the scheduler's heartbeat, mail transport
    # (docs/monitoring.md, docs/mail.md).
    # "text" (for people) or "json" (one object per line); LOGGING_CONFIG_FILE (a JSON
    # dictConfig or an .ini fileConfig) replaces the whole logging configuration.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    LOGGING_CONFIG_FILE = os.environ.get("LOGGING_CONFIG_FILE")
    # Error reports to Sentry (or a compatible service) when set; personal and care data
    # are scrubbed before an event leaves (app/error_reports.py).
    SENTRY_DSN = secret_setting("SENTRY_DSN")
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
    # /readyz: the checks it makes; a load balancer that should keep serving while the
    # scheduler is down can leave out "scheduler" and "outbox".
    READYZ_CHECKS = tuple(c.strip() for c in os.environ.get(
        "READYZ_CHECKS", "database,migrations,scheduler,outbox").split(",") if c.strip())
    # The scheduler writes a heartbeat this often; /readyz fails when the newest is older
    # than SCHEDULER_MAX_SILENCE_MINUTES, and admins get a signal after an hour without.
    SCHEDULER_HEARTBEAT_SECONDS = _env_int("SCHEDULER_HEARTBEAT_SECONDS", 60, minimum=1)
    SCHEDULER_MAX_SILENCE_MINUTES = _env_int("SCHEDULER_MAX_SILENCE_MINUTES", 5, minimum=1)
    # /readyz fails when a message has waited longer than this for its first attempt.
    OUTBOX_STUCK_MINUTES = _env_int("OUTBOX_STUCK_MINUTES", 60, minimum=1)
    # MAIL_USE_TLS: STARTTLS on a plain port (587); MAIL_USE_SSL: TLS from the first byte
    # (port 465). MAIL_CA_FILE: a CA bundle instead of the system's (a private server).
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_CA_FILE = os.environ.get("MAIL_CA_FILE")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 20, minimum=1)
    # Webhooks (docs/webhooks.md) to http://localhost and to hosts that resolve to private
    # or loopback addresses: refused unless this is set (or in debug and the tests).
    WEBHOOK_ALLOW_LOCAL = _env_bool("WEBHOOK_ALLOW_LOCAL", False)

    # Accounts: invitations, forgotten passwords, e-mail changes and the second factor.
    # An invitation link lives this many days, a password-reset link this many minutes,
    # an e-mail confirmation link this many hours (every link works once).
    INVITATION_DAYS = _env_int("INVITATION_DAYS", 7, minimum=1)
    PASSWORD_RESET_MINUTES = _env_int("PASSWORD_RESET_MINUTES", 60, minimum=1)
    EMAIL_CHANGE_HOURS = _env_int("EMAIL_CHANGE_HOURS", 24, minimum=1)
    # "Wachtwoord vergeten?" requests per address and per e-mail address.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour")
    # Who must set up two-factor authentication (TOTP) before doing anything else: a
    # comma-separated list of roles ("admin" for the global administrators).
    TOTP_REQUIRED_ROLES = tuple(r.strip() for r in os.environ.get(
        "TOTP_REQUIRED_ROLES", "admin,sociaal_beheerder,begeleider").split(",") if r.strip())
    TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "Noaber")
    # Minutes between the password and the code of a two-step login.
    LOGIN_CODE_MINUTES = _env_int("LOGIN_CODE_MINUTES", 5, minimum=1)
    # Single sign-on with OpenID Connect providers (sso_providers above); a local login
    # with password stays for everyone.
    SSO_PROVIDERS = sso_providers(os.environ.get("SSO_PROVIDERS", ""))


class TestConfig(Config):
    """Used by the test-suite; the database URL comes from the fixture."""

    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    LOGIN_RATE_LIMIT = "1000 per minute"  # tests log in often; a few lower them
    LOGIN_ACCOUNT_RATE_LIMIT = "100000 per hour"
    PASSWORD_RESET_RATE_LIMIT = "1000 per minute"
    TOTP_REQUIRED_ROLES: tuple = ()  # the two-factor tests switch it on
    SSO_PROVIDERS: tuple = ()  # the single sign-on tests add their own provider
    WEBHOOK_ALLOW_LOCAL = True  # the webhook tests receive on 127.0.0.1
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
