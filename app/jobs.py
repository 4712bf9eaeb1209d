"""Running jobs: the thin wrapper around the job functions, the scheduler process and
the ``flask jobs`` / ``flask scheduler`` commands.

Every run opens an app context, claims the job's period by inserting a ``JobPeriod`` row
in the same transaction as the work, and commits once. So:

* a second scheduler process (started by mistake) hits the period's unique key and skips;
* a run that dies half-way leaves nothing: its transaction is rolled back, its job-run
  row stays at "running" (shown as interrupted), and the next start catches up;
* a failing job is rolled back, recorded with its error, and does not stop the others.

E-mail is written to an outbox inside the job and sent afterwards, each message claimed
by one process, so a rerun or a second scheduler sends nothing twice.
"""
from __future__ import annotations

import logging
import os
import socket
import traceback
from dataclasses import dataclass
from datetime import date, datetime

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError, OperationalError

from app.clock import today as local_today
from models import JobPeriod, JobRun, db, utcnow
from services.monitoring import jobs as job_registry
from services.monitoring import mail

log = logging.getLogger("noaber.jobs")


@dataclass(frozen=True)
class RunResult:
    """What a run did, readable after its session is gone."""

    job: str
    period: str
    outcome: str
    counts: dict
    error: str | None

    @classmethod
    def of(cls, run: JobRun) -> "RunResult":
        return cls(run.job, run.period, run.outcome, dict(run.counts or {}), run.error)


def mail_settings(app: Flask) -> mail.MailSettings:
    c = app.config
    return mail.MailSettings(backend=c["MAIL_BACKEND"], host=c["MAIL_SERVER"],
                             port=c["MAIL_PORT"], use_tls=c["MAIL_USE_TLS"],
                             username=c["MAIL_USERNAME"], password=c["MAIL_PASSWORD"],
                             sender=c["MAIL_FROM"])


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(app: Flask, name: str, today: date | None = None,
            now: datetime | None = None) -> RunResult | None:
    """Run one job for the period of ``today``; returns its run record (None when the
    period was already done)."""
    job = job_registry.get(name)
    with app.app_context():
        session = db.session
        today = today or local_today()
        period = job.period(today)
        try:
            if session.scalar(sa.select(JobPeriod.id).where(JobPeriod.job == name,
                                                            JobPeriod.period == period)):
                return None
            run = JobRun(job=name, period=period, started_at=now or utcnow(), worker=_worker())
            session.add(run)
            session.commit()
            run_id = run.id
            session.add(JobPeriod(job=name, period=period, run_id=run_id))
            session.flush()  # the claim: waits for, then fails against, a concurrent claim
            counts = job_registry.run_job(session, job, today, now or utcnow(),
                                          base_url=app.config["BASE_URL"])
            run.counts, run.outcome, run.finished_at = counts, "ok", utcnow()
            session.commit()
        except IntegrityError:
            session.rollback()
            return _close(session, run_id, "skipped", "de periode is al door een ander proces "
                                                      "uitgevoerd")
        except Exception:  # noqa: BLE001 - a failing job is recorded, never fatal
            session.rollback()
            error = traceback.format_exc()
            log.error("job %s failed for %s:\n%s", name, period, error)
            if "run_id" not in locals():
                return None
            return _close(session, run_id, "failed", error)
        finally:
            send_outbox(app)
        return RunResult.of(session.get(JobRun, run_id))


def _close(session, run_id: int, outcome: str, error: str) -> RunResult:
    run = session.get(JobRun, run_id)
    run.outcome, run.finished_at, run.error = outcome, utcnow(), error[-4000:]
    session.commit()
    return RunResult.of(run)


def send_outbox(app: Flask) -> int:
    """Send what is waiting in the outbox; each message is claimed by one process."""
    settings = mail_settings(app)
    sent = 0
    session = db.session
    for mail_id in mail.pending_ids(session):
        try:
            claimed = mail.claim(session, mail_id)
            session.commit()
        except OperationalError:
            session.rollback()
            continue
        if not claimed:
            continue
        message = session.get(mail.OutgoingMail, mail_id)
        error = None
        try:
            mail.deliver(settings, message.to_address, message.subject, message.body)
            sent += 1
        except Exception as exc:  # noqa: BLE001 - retried on the next run
            error = f"{type(exc).__name__}: {exc}"
        mail.finish(session, mail_id, utcnow(), error)
        session.commit()
    return sent


def run_due(app: Flask) -> None:
    """At start-up: run every job whose current period is not done yet (catch-up)."""
    for name in job_registry.JOBS:
        run_job(app, name)


jobs_cli = AppGroup("jobs", help="Geplande taken.")
scheduler_cli = AppGroup("scheduler", help="Het planningsproces.")


@jobs_cli.command("list")
def list_jobs() -> None:
    """The jobs, their schedule and their last run."""
    for job in job_registry.JOBS.values():
        last = db.session.scalar(sa.select(JobRun).where(JobRun.job == job.name)
                                 .order_by(JobRun.id.desc()).limit(1))
        when = f"{last.period} {last.outcome}" if last else "nog niet gedraaid"
        click.echo(f"{job.name:<10} {job.cron}  {job.description}  (laatst: {when})")


@jobs_cli.command("run")
@click.argument("name")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
def run_command(name: str, today) -> None:
    """Run a job by hand, the same way the scheduler does."""
    if name not in job_registry.JOBS:
        raise click.ClickException(f"Onbekende taak {name}; bekend: "
                                   f"{', '.join(job_registry.JOBS)}")
    run = run_job(current_app._get_current_object(), name,
                  today=today.date() if today else None)
    if run is None:
        click.echo(f"{name}: deze periode is al uitgevoerd.")
    else:
        click.echo(f"{name} {run.period}: {run.outcome} {run.counts or ''}")
        if run.outcome == "failed":
            raise click.ClickException(run.error.strip().splitlines()[-1])


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Start the scheduler (its own process; never inside the web server)."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    app = current_app._get_current_object()
    scheduler = BlockingScheduler(timezone="Europe/Amsterdam")
    for job in job_registry.JOBS.values():
        scheduler.add_job(run_job, CronTrigger(**job.cron, timezone="Europe/Amsterdam"),
                          args=[app, job.name], id=job.name, name=job.description,
                          coalesce=True, max_instances=1, misfire_grace_time=3600,
                          replace_existing=True)
    scheduler.add_job(send_outbox, "interval", minutes=5, args=[app], id="outbox",
                      coalesce=True, max_instances=1, misfire_grace_time=300)
    click.echo("Planner gestart; taken: " + ", ".join(job_registry.JOBS))
    run_due(app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


def register(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
    app.cli.add_command(scheduler_cli)
