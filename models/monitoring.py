"""Monitoring: scheduled job runs, the per-period claim that makes a rerun a no-op,
persisted signals, the e-mail outbox and the scheduler's heartbeat."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.user import User


class JobRun(db.Model):
    """One attempt to run a job for a period, as shown on the admin page. A run left at
    ``running`` was interrupted (the process died); its work was rolled back."""

    __tablename__ = "job_runs"
    __table_args__ = (sa.CheckConstraint(
        "outcome IN ('running', 'ok', 'failed', 'skipped')", name="outcome_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(60), index=True)
    period: Mapped[str] = mapped_column(sa.String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.String(10), default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[Optional[str]] = mapped_column(sa.Text)
    worker: Mapped[Optional[str]] = mapped_column(sa.String(120))


class JobPeriod(db.Model):
    """The claim of a job period. It is written in the same transaction as the job's
    work, so a period is done exactly when its work is committed; a second scheduler
    that tries the same period hits the unique key and skips."""

    __tablename__ = "job_periods"
    __table_args__ = (sa.UniqueConstraint("job", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(60))
    period: Mapped[str] = mapped_column(sa.String(20))
    run_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("job_runs.id"))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Signal(db.Model):
    """A persisted finding of a monitoring rule. The key (rule, site, subject, period)
    makes reruns idempotent. A signal about the installation itself (the scheduler, the
    outbox) has no site and the audience "admin"; its key is (rule, subject, period)."""

    __tablename__ = "signals"
    __table_args__ = (
        sa.UniqueConstraint("rule", "site_id", "subject", "period"),
        sa.Index("uq_signals_installation", "rule", "subject", "period", unique=True,
                 sqlite_where=sa.text("site_id IS NULL"),
                 postgresql_where=sa.text("site_id IS NULL")),
        sa.CheckConstraint("severity IN ('info', 'warning', 'critical')", name="severity_valid"),
        sa.CheckConstraint("state IN ('open', 'acknowledged', 'resolved')", name="state_valid"),
        sa.Index("ix_signals_site_state", "site_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(40))
    #: None: a signal about the installation (audience "admin")
    site_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("sites.id"))
    subject: Mapped[str] = mapped_column(sa.String(60))
    period: Mapped[str] = mapped_column(sa.String(20))
    severity: Mapped[str] = mapped_column(sa.String(10))
    #: who may see it: "site" (every role on the site), "management", "care:<org id>", ...
    #: or "admin" (the administrators only)
    audience: Mapped[str] = mapped_column(sa.String(30), default="site")
    title: Mapped[str] = mapped_column(sa.String(200))
    explanation: Mapped[str] = mapped_column(sa.Text)
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    link: Mapped[Optional[str]] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(14), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    acknowledge_note: Mapped[Optional[str]] = mapped_column(sa.String(500))
    resolved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    #: None with a ``resolved_at``: resolved automatically when the condition cleared
    resolved_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    resolve_note: Mapped[Optional[str]] = mapped_column(sa.String(500))

    acknowledged_by: Mapped[Optional[User]] = relationship(foreign_keys=[acknowledged_by_id])
    resolved_by: Mapped[Optional[User]] = relationship(foreign_keys=[resolved_by_id])


class OutgoingMail(db.Model):
    """The outbox: a digest is written here in the job's transaction and sent after it.
    The unique key (recipient, kind, period) makes a second run write nothing. A failed
    attempt is retried at ``next_attempt_at``, ever later (services.monitoring.mail)."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        sa.UniqueConstraint("recipient_id", "kind", "period"),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')",
                           name="status_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: somebody without an account (an external party that asked for the room)
    recipient_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    period: Mapped[str] = mapped_column(sa.String(20))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    #: the display name of From ("Noaber · <site>"); None: plain "Noaber"
    sender_name: Mapped[Optional[str]] = mapped_column(sa.String(120))
    #: where an answer goes (the site's contact); None: no Reply-To
    reply_to: Mapped[Optional[str]] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    #: an HTML alternative of ``body`` (account mails); None: plain text only
    html_body: Mapped[Optional[str]] = mapped_column(sa.Text)
    #: a calendar attachment (text/calendar, its METHOD inside); None: no attachment
    ics: Mapped[Optional[str]] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when sent; while ``status`` is "sending": when it was claimed (a stale claim is
    #: given back by services.monitoring.mail.release_stale)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[Optional[str]] = mapped_column(sa.Text)
    #: while pending after a failed attempt: not before this moment (None: at once)
    next_attempt_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class SchedulerHeartbeat(db.Model):
    """One row per scheduler process (``host:pid``), rewritten every minute while it
    runs: /readyz and the admins' signal read the newest beat."""

    __tablename__ = "scheduler_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker: Mapped[str] = mapped_column(sa.String(120), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
