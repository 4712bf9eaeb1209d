"""Health endpoints for a load balancer or container runtime (no login, no rate limit,
no CSRF, JSON only):

* ``/healthz``: liveness, 200 ``{"status": "ok"}`` while the process answers at all;
* ``/readyz``: readiness, 200 when every check of ``READYZ_CHECKS`` passes, else 503 with
  the names of the failed checks only (no error text, versions or hosts):

  - ``database``: a ``SELECT 1`` succeeds;
  - ``migrations``: the database's Alembic revision is the code's head;
  - ``scheduler``: the newest scheduler heartbeat is younger than
    ``SCHEDULER_MAX_SILENCE_MINUTES``;
  - ``outbox``: no e-mail has been due for longer than ``OUTBOX_STUCK_MINUTES``.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, jsonify

from app.extensions import csrf, limiter
from models import db, utcnow
from services.monitoring import installation

log = logging.getLogger("noaber.health")
bp = Blueprint("health", __name__)
CHECK_ORDER = ("database", "migrations", "scheduler", "outbox")
def _database() -> bool:
    return db.session.execute(sa.text("SELECT 1")).scalar() == 1


def _migrations() -> bool:
    from app.release import CURRENT, database_state

    return database_state().status == CURRENT


def _scheduler() -> bool:
    last = installation.latest_beat(db.session)
    silence = timedelta(minutes=current_app.config["SCHEDULER_MAX_SILENCE_MINUTES"])
    return last is not None and utcnow() - last <= silence


def _outbox() -> bool:
    stuck = timedelta(minutes=current_app.config["OUTBOX_STUCK_MINUTES"])
    return installation.stuck_mail(db.session, utcnow(), stuck) == 0


CHECKS = {"database": _database, "migrations": _migrations, "scheduler": _scheduler,
          "outbox": _outbox}


def run_checks(names) -> dict[str, bool]:
    """Each check's outcome; an error counts as failed (logged here, never answered)."""
    results = {}
    for name in [n for n in CHECK_ORDER if n in names]:
        try:
            results[name] = bool(CHECKS[name]())
        except Exception:  # noqa: BLE001 - the answer names the check, the log the cause
            # a warning, not an error: a load balancer polls this every few seconds, and
            # errors become error reports
            log.warning("readiness check %s failed", name, exc_info=True)
            db.session.rollback()
            results[name] = False
        if name == "database" and not results[name]:
            # without a database the other checks can only fail too
            results.update({n: False for n in CHECK_ORDER if n in names and n != name})
            break
    return results


@bp.route("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz():
    results = run_checks(current_app.config["READYZ_CHECKS"])
    failed = [name for name, ok in results.items() if not ok]
    db.session.rollback()
    if failed:
        return jsonify(status="unavailable", failed=failed), 503
    return jsonify(status="ok", checks=list(results))


@bp.after_request
def not_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    limiter.exempt(bp)
    csrf.exempt(bp)
    app.register_blueprint(bp)
