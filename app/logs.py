"""Logging: one configuration for the web app, the scheduler and gunicorn.

``configure(settings)`` applies a ``logging.config.dictConfig`` made from the settings:

* ``LOG_FORMAT``: ``text`` (default, for people) or ``json`` (one JSON object per line,
  for a log collector);
* ``LOG_LEVEL``: the root level (default ``INFO``);
* ``LOGGING_CONFIG_FILE``: a file that replaces the configuration wholesale, a JSON
  document for ``dictConfig`` (``.json``) or an ``.ini`` file for ``fileConfig``. Its
  handlers may use the filters ``app.logs.ContextFilter`` and ``app.logs.RedactFilter``.

Every record gets ``request_id`` and ``user_id`` (``-`` outside a request or when nobody
is logged in): :func:`register` gives each request an id, the incoming ``X-Request-ID``
when it looks like one, else a new one, and returns it as a response header. Secrets in
URLs (the calendar feed's token, API tokens) are replaced by ``[redacted]`` in every
record and in gunicorn's access log (:class:`GunicornLogger`). No module logs care data:
a record names ids, never a resident's status, organisation or hours.
"""
from __future__ import annotations

import json
import logging
import logging.config
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, g, has_request_context, request

REDACTED = "[redacted]"
#: (pattern, replacement) for the secrets that can appear in a request line or message
SECRET_PATTERNS = (
    # the calendar feed: /agenda/<token>.ics (app/rooms/public_routes.py)
    (re.compile(r"(/agenda/)[^/?#\s\"']+(\.ics)"), rf"\1{REDACTED}\2"),
    # API tokens (services/api_tokens.py) wherever they turn up
    (re.compile(r"\bnbr_[A-Za-z0-9_\-]+"), f"nbr_{REDACTED}"),
    (re.compile(r"(?i)\b(bearer\s+)[^\s\"']+"), rf"\1{REDACTED}"),
    # a token, key or password passed in a query string
    (re.compile(r"(?i)([?&](?:token|api_key|key|password|secret)=)[^&\s\"'#]+"),
     rf"\1{REDACTED}"),
)
#: an incoming X-Request-ID is kept only when it looks like an id
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")

TEXT_FORMAT = ("%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] "
               "%(message)s")
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s"


def redact(text: str) -> str:
    """``text`` with every known kind of secret replaced by ``[redacted]``."""
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` to every record (``-`` when there is none).
    The user is read only if Flask-Login already loaded it for this request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = user_id = "-"
        if has_request_context():
            request_id = getattr(g, "request_id", None) or "-"
            user = g.get("_login_user")
            if user is not None and getattr(user, "is_authenticated", False):
                user_id = str(getattr(user, "id", "-"))
        if not hasattr(record, "request_id") or record.request_id in (None, "-"):
            record.request_id = request_id
        if not hasattr(record, "user_id") or record.user_id in (None, "-"):
            record.user_id = user_id
        return True


class RedactFilter(logging.Filter):
    """Replaces secrets in the record's message (and its exception text) before any
    handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logged as it is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level",
                                                     "name": "logger"})


def logging_config(settings: Mapping) -> dict:
    """The ``dictConfig`` for ``LOG_FORMAT`` and ``LOG_LEVEL``."""
    form = (settings.get("LOG_FORMAT") or "text").lower()
    if form not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT: 'text' or 'json', not {form!r}")
    level = (settings.get("LOG_LEVEL") or "INFO").upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}, "redact": {"()": RedactFilter}},
        "formatters": {"text": {"format": TEXT_FORMAT},
                       "json": {"()": json_formatter}},
        "handlers": {"console": {"class": "logging.StreamHandler",
                                 "stream": "ext://sys.stderr", "formatter": form,
                                 "filters": ["context", "redact"]}},
        "root": {"level": level, "handlers": ["console"]},
        # werkzeug's development server logs each request itself: through the root,
        # so it is redacted like the rest
        "loggers": {"werkzeug": {"level": "INFO", "handlers": [], "propagate": True},
                    # the scheduler's own "job executed" lines, every minute (heartbeat,
                    # outbox): only its warnings and errors; noaber.jobs logs the runs
                    "apscheduler": {"level": "WARNING", "handlers": [], "propagate": True}},
    }


def configure(settings: Mapping) -> None:
    """Apply the logging configuration (``LOGGING_CONFIG_FILE`` if set)."""
    path = settings.get("LOGGING_CONFIG_FILE")
    if path:
        file = Path(path)
        if file.suffix.lower() == ".json":
            logging.config.dictConfig(json.loads(file.read_text(encoding="utf-8")))
        else:
            logging.config.fileConfig(file, disable_existing_loggers=False)
        return
    logging.config.dictConfig(logging_config(settings))


def register(app: Flask) -> None:
    """Configure logging for the app (not in the tests unless asked: pytest captures the
    logs itself) and give every request its id."""
    if not app.testing or app.config.get("LOG_CONFIGURE_IN_TESTS"):
        configure(app.config)

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def return_request_id(response):
        if getattr(g, "request_id", None):
            response.headers["X-Request-ID"] = g.request_id
        return response


# --- gunicorn ------------------------------------------------------------------------------

try:
    from gunicorn.glogging import Logger as _GunicornBase
except ImportError:  # pragma: no cover - gunicorn is a dependency; the app runs without it
    _GunicornBase = object  # type: ignore[assignment,misc]


class GunicornLogger(_GunicornBase):  # type: ignore[misc,valid-type]
    """Gunicorn's logger with the secrets taken out of the access log's request line,
    path, query, referer and headers, and with the app's JSON lines when
    ``LOG_FORMAT=json`` (``gunicorn.conf.py`` names it as ``logger_class``)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value
                for key, value in atoms.items()}

    def setup(self, cfg):
        super().setup(cfg)
        if (os.environ.get("LOG_FORMAT") or "text").lower() == "json":
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(json_formatter())
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactFilter())
