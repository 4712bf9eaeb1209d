"""Logging (request ids, the user on every record, redacted tokens, JSON lines, a
replacement configuration, the log mail backend, gunicorn's access log) and the health
endpoints /healthz and /readyz (each failing check by name only)."""
from __future__ import annotations

import io
import json
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app import create_app, logs
from config import TestConfig
from models import OutgoingMail, SchedulerHeartbeat, db, utcnow
from services.monitoring import mail
from tests.conftest import PASSWORD, ROLE_EMAILS

ROOT = Path(__file__).resolve().parents[2]
FEED_TOKEN = "Zx9-feedSECRETtoken_abc"


def fresh_app(database_url, **more):
    """An app of its own (routes can still be added to it), on the tests' database."""
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_url, **more})


@pytest.fixture
def log_stream():
    """Apply the app's logging configuration with its console handler writing to a
    buffer; the previous root handlers come back afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()

    def configure(**settings):
        config = logs.logging_config(settings)
        config["handlers"]["console"]["stream"] = stream
        logging.config.dictConfig(config)
        return stream

    yield configure
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_every_record_of_a_request_has_its_id_and_the_user(app, world, database_url,
                                                           log_stream):
    stream = log_stream()
    web = fresh_app(database_url)

    @web.route("/_log")
    def write_log():
        logging.getLogger("noaber.test").info("page for %s", "someone")
        return "ok"

    client = web.test_client()
    anonymous = client.get("/_log", headers={"X-Request-ID": "req-0123456789"})
    assert anonymous.headers["X-Request-ID"] == "req-0123456789"
    client.post("/login", data={"email": ROLE_EMAILS["communitycoach"],
                                "password": PASSWORD})
    # an incoming id that does not look like one is replaced by a fresh one
    logged_in = client.get("/_log", headers={"X-Request-ID": "bad id <script>"})
    fresh = logged_in.headers["X-Request-ID"]
    assert fresh != "bad id <script>" and len(fresh) == 32
    lines = [line for line in stream.getvalue().splitlines() if "page for someone" in line]
    assert len(lines) == 2
    assert "[req-0123456789 user=-]" in lines[0]
    assert f"[{fresh} user={world.users['communitycoach']}]" in lines[1]
    # two requests without an id get different ones
    assert client.get("/_log").headers["X-Request-ID"] != \
        client.get("/_log").headers["X-Request-ID"]


def test_tokens_are_redacted_in_the_logs(log_stream):
    stream = log_stream()
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /agenda/%s.ics HTTP/1.1" 200 -',
                                       FEED_TOKEN)
    logging.getLogger("noaber.test").warning(
        "call with Authorization: Bearer nbr_abcDEF123_xyz and /api/x?token=t0psecret&y=1")
    try:
        raise ValueError(f"feed /agenda/{FEED_TOKEN}.ics broke")
    except ValueError:
        logging.getLogger("noaber.test").exception("failed")
    text = stream.getvalue()
    assert FEED_TOKEN not in text and "nbr_abcDEF123_xyz" not in text
    assert "t0psecret" not in text
    assert "/agenda/[redacted].ics" in text and "Bearer [redacted]" in text
    assert "token=[redacted]&y=1" in text and "ValueError: feed /agenda/[redacted].ics" in text


def test_json_lines(log_stream):
    stream = log_stream(LOG_FORMAT="json")
    logging.getLogger("noaber.test").info("fetched /agenda/%s.ics", FEED_TOKEN)
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert record["message"] == "fetched /agenda/[redacted].ics"
    assert (record["level"], record["logger"]) == ("INFO", "noaber.test")
    assert record["request_id"] == "-" and record["user_id"] == "-" and record["time"]


def test_a_wrong_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logs.logging_config({"LOG_FORMAT": "xml"})


def test_a_logging_config_file_replaces_the_configuration(tmp_path):
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    target = tmp_path / "noaber.log"
    config = {"version": 1, "disable_existing_loggers": False,
              "filters": {"redact": {"()": "app.logs.RedactFilter"}},
              "formatters": {"plain": {"format": "OWN %(levelname)s %(message)s"}},
              "handlers": {"file": {"class": "logging.FileHandler", "filename": str(target),
                                    "formatter": "plain", "filters": ["redact"]}},
              "root": {"level": "WARNING", "handlers": ["file"]}}
    path = tmp_path / "logging.json"
    path.write_text(json.dumps(config))
    try:
        logs.configure({"LOGGING_CONFIG_FILE": str(path), "LOG_FORMAT": "json"})
        logging.getLogger("noaber.test").info("not at this level")
        logging.getLogger("noaber.test").warning("kept /agenda/%s.ics", FEED_TOKEN)
        for handler in logging.getLogger().handlers:
            handler.flush()
    finally:
        for handler in logging.getLogger().handlers:
            handler.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert target.read_text().splitlines() == ["OWN WARNING kept /agenda/[redacted].ics"]


def test_the_log_mail_backend_writes_the_message(log_stream):
    stream = log_stream()
    mail.deliver(mail.MailSettings(backend="log"), "vera@bewoner.example",
                 "Herinnering contributie", "Beste Vera,\nEr staat nog iets open.")
    text = stream.getvalue()
    assert "INFO noaber.mail" in text and "mail to vera@bewoner.example" in text
    assert "Herinnering contributie" in text and "Er staat nog iets open." in text


def test_gunicorns_access_log_redacts_tokens():
    from gunicorn.config import Config

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["logger_class"] == "app.logs.GunicornLogger"
    logger = logs.GunicornLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/agenda/{FEED_TOKEN}.ics?token=abc123",
               "PATH_INFO": f"/agenda/{FEED_TOKEN}.ics", "QUERY_STRING": "token=abc123",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": f"https://noaber.example/agenda/{FEED_TOKEN}.ics",
               "HTTP_USER_AGENT": "agenda-app"}
    response = SimpleNamespace(status="200 OK", sent=120,
                               headers=[("X-Request-ID", "rid-0123456789")])
    request = SimpleNamespace(headers=[("AUTHORIZATION", "Bearer nbr_secretpart")])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))
    line = settings["access_log_format"] % logger.atoms_wrapper_class(atoms)
    assert FEED_TOKEN not in line and "abc123" not in line
    assert '"GET /agenda/[redacted].ics?token=[redacted] HTTP/1.1" 200 120' in line
    assert line.endswith("rid=rid-0123456789")
    assert "nbr_secretpart" not in str(atoms)


# --- /healthz and /readyz --------------------------------------------------------------

def beat(minutes_ago: float = 0) -> None:
    db.session.add(SchedulerHeartbeat(worker="test:1", beat_at=utcnow() - timedelta(
        minutes=minutes_ago)))
    db.session.commit()


def ready(client):
    response = client.get("/readyz")
    return response.status_code, response.get_json()


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_ok_when_every_check_passes(app, client):
    with app.app_context():
        beat(1)
    assert ready(client) == (200, {"status": "ok", "checks": ["database", "migrations",
                                                               "scheduler", "outbox"]})


@pytest.mark.parametrize("minutes_ago", [None, 30])
def test_readyz_fails_without_a_recent_heartbeat(app, client, minutes_ago):
    if minutes_ago is not None:
        with app.app_context():
            beat(minutes_ago)
    assert ready(client) == (503, {"status": "unavailable", "failed": ["scheduler"]})


def test_readyz_fails_when_the_outbox_is_stuck(app, client, world):
    with app.app_context():
        beat()
        old = utcnow() - timedelta(hours=2)
        # waiting for its retry in an hour: not stuck
        db.session.add(OutgoingMail(recipient_id=world.users["admin"], kind="digest",
                                    period="W1", to_address="a@b.example", subject="s",
                                    body="b", created_at=old, attempts=3,
                                    next_attempt_at=utcnow() + timedelta(hours=1)))
        db.session.commit()
    assert ready(client)[0] == 200
    with app.app_context():
        db.session.add(OutgoingMail(recipient_id=world.users["admin"], kind="digest",
                                    period="W2", to_address="a@b.example", subject="s",
                                    body="b", created_at=old))
        db.session.commit()
    assert ready(client) == (503, {"status": "unavailable", "failed": ["outbox"]})


def test_readyz_fails_when_the_database_is_behind_the_code(app, client):
    with app.app_context():
        beat()
        head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'a1c3e5f70b21'"))
        db.session.commit()
    try:
        assert ready(client) == (503, {"status": "unavailable", "failed": ["migrations"]})
    finally:
        with app.app_context():
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"),
                               {"v": head})
            db.session.commit()
    assert ready(client)[0] == 200


def test_readyz_fails_without_a_database_and_says_no_more(tmp_path):
    web = fresh_app(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    response = web.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable",
                                   "failed": ["database", "migrations", "scheduler", "outbox"]}
    body = response.get_data(as_text=True)
    for leak in ("sqlite", "OperationalError", "missing", "unable", "version"):
        assert leak not in body


def test_readyz_checks_can_be_chosen(app, database_url):
    web = fresh_app(database_url, READYZ_CHECKS=("database", "migrations"))
    assert ready(web.test_client()) == (200, {"status": "ok",
                                              "checks": ["database", "migrations"]})


def test_health_endpoints_are_not_rate_limited(app, database_url):
    from app.extensions import limiter

    # the limiter is one object for every app: its default limit is taken off afterwards
    try:
        web = fresh_app(database_url, READYZ_CHECKS=("database",),
                        RATELIMIT_DEFAULT="3 per minute", RATELIMIT_ENABLED=True)
        client = web.test_client()
        answers = [client.get(path).status_code for path in ("/healthz", "/readyz") * 5]
        assert answers == [200] * 10
        # the control: a page under the same default limit is refused after three
        limited = [client.get("/login").status_code for _ in range(5)]
        assert 429 in limited
    finally:
        limiter.limit_manager.set_default_limits([])
        limiter.reset()
