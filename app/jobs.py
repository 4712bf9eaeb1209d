"""Running jobs: the thin wrapper around the job functions, the scheduler process and
the ``flask jobs`` / ``flask scheduler`` commands.

Every run opens an app context, records its start (a ``JobRun`` row, committed), then in
one transaction takes the period's lock, claims the period by inserting a ``JobPeriod``
row, does the work and commits once. So:

* a second scheduler process (started by mistake) is refused while the first one works
  (PostgreSQL: a transaction-level advisory lock taken without waiting; SQLite: the
  database's write lock, "database is locked" after the busy timeout) and finds the
  period done afterwards; the claim's unique key is the backstop. Only that refusal is
  "skipped"; any other error, also an IntegrityError of the job's own work, is "failed";
* a run that dies half-way leaves nothing: its transaction is rolled back, its job-run
  row stays at "running" (shown as interrupted), and the catch-up (at start and hourly,
  :func:`run_due`) runs the period again once its scheduled time has passed;
* a failing job is rolled back, recorded with its error, and does not stop the others;
* a job that depends on others (``depends_on``: the digest on the day's monitor) is not
  started, nor its run recorded, while one of their periods of the day is not done: it is
  "waiting", its period stays open, and it runs in a later round. The process that
  finishes the dependency runs it right after (:func:`run_scheduled`), the catch-up runs
  the jobs in their order, and otherwise the hourly catch-up comes back to it. So which
  process runs what, and in which order the processes get there, cannot change what the
  digest contains.

E-mail is written to an outbox inside the job and sent afterwards, each message claimed
by one process, so a rerun or a second scheduler sends nothing twice; a failed attempt is
retried later and later over about a day (services/monitoring/mail.py).

Every minute each scheduler process writes its heartbeat and evaluates the installation's
own signals for the administrators: no heartbeat for an hour, e-mails given up
(services/monitoring/installation.py).
"""
from __future__ import annotations

import logging
import os
import socket
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError

from app.access import disclosure_rules
from app.clock import AMSTERDAM
from app.clock import now as clock_now
from app.clock import today as local_today
from models import JobPeriod, JobRun, db, utcnow
from services.monitoring import installation
from services.monitoring import jobs as job_registry
from services.monitoring import mail
from services.notify import signals as urgent
from services.webhooks import delivery as webhooks

log = logging.getLogger("noaber.jobs")


SKIP_LOCKED = "overgeslagen: een ander proces voert deze periode nu uit"
SKIP_DONE = "overgeslagen: de periode is al door een ander proces uitgevoerd"
WAITING = "wacht op {periods}: nog niet uitgevoerd"


#: a run's outcome on Beheer -> Geplande taken (the codes are the job-run table's)
OUTCOME_LABELS = {"running": _l("bezig of onderbroken"), "ok": _l("gelukt"),
                  "failed": _l("mislukt"), "skipped": _l("overgeslagen")}


def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


@dataclass(frozen=True)
class RunResult:
    """What a run did, readable after its session is gone. ``recorded`` is False when
    the database could not take the run's row (locked by another process, or down): the
    outcome is then only logged and returned."""

    job: str
    period: str
    outcome: str
    counts: dict
    error: str | None
    recorded: bool = True

    @classmethod
    def of(cls, run: JobRun) -> "RunResult":
        return cls(run.job, run.period, run.outcome, dict(run.counts or {}), run.error)


def mail_settings(app: Flask) -> mail.MailSettings:
    c = app.config
    return mail.MailSettings(backend=c["MAIL_BACKEND"], host=c["MAIL_SERVER"],
                             port=c["MAIL_PORT"], use_tls=c["MAIL_USE_TLS"],
                             username=c["MAIL_USERNAME"], password=c["MAIL_PASSWORD"],
                             sender=c["MAIL_FROM"], use_ssl=c.get("MAIL_USE_SSL", False),
                             ca_file=c.get("MAIL_CA_FILE"), timeout=c.get("MAIL_TIMEOUT", 20))


def webhooks_allow_local(app: Flask) -> bool:
    """Webhooks to http://localhost and to private addresses: in debug, in the tests
    (TestConfig) or with WEBHOOK_ALLOW_LOCAL=1; never otherwise (docs/webhooks.md)."""
    return bool(app.config.get("WEBHOOK_ALLOW_LOCAL") or app.debug)


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _locked(exc: Exception) -> bool:
    """SQLite's answer when another process holds the write lock past the busy timeout."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def run_job(app: Flask, name: str, today: date | None = None,
            now: datetime | None = None) -> RunResult | None:
    """Run one job for the period of ``today``; returns its run record (None when the
    period was already done; outcome "waiting", not recorded, when a job it depends on
    has not done its period of ``today`` yet)."""
    job = job_registry.get(name)
    with app.app_context():
        session = db.session
        today = today or local_today()
        period = job.period(today)
        try:
            try:
                if job_registry.period_done(session, name, period):
                    return None
                if waiting := job_registry.waiting_for(session, job, today):
                    session.rollback()
                    message = WAITING.format(periods=", ".join(
                        f"{dependency} {of}" for dependency, of in waiting))
                    log.info("job %s %s: %s", name, period, message)
                    return RunResult(name, period, "waiting", {}, message, recorded=False)
                run = JobRun(job=name, period=period, started_at=now or utcnow(),
                             worker=_worker())
                session.add(run)
                session.commit()
            except Exception as exc:  # noqa: BLE001 - reported, never mistaken for "done"
                session.rollback()
                if _locked(exc):
                    log.warning("job %s %s: %s", name, period, SKIP_LOCKED)
                    return RunResult(name, period, "skipped", {}, SKIP_LOCKED, recorded=False)
                error = traceback.format_exc()
                log.error("job %s could not start for %s:\n%s", name, period, error)
                return RunResult(name, period, "failed", {}, error, recorded=False)
            return _claim_and_run(app, session, job, run.id, today, now)
        finally:
            send_outbox(app)


def _claim_and_run(app: Flask, session, job, run_id: int, today: date,
                   now: datetime | None) -> RunResult:
    """Lock and claim the period, do the work and commit it with the claim. Only the
    claim's own refusal counts as "another process"; any other error is a failure."""
    name, period = job.name, job.period(today)
    try:
        if not job_registry.try_lock(session, name, period):
            session.rollback()
            return _close(session, run_id, name, period, "skipped", SKIP_LOCKED)
        if job_registry.period_done(session, name, period):
            session.rollback()
            return _close(session, run_id, name, period, "skipped", SKIP_DONE)
        session.add(JobPeriod(job=name, period=period, run_id=run_id))
        try:
            session.flush()  # the claim; the lock makes a concurrent claim rare
        except IntegrityError:
            session.rollback()
            return _close(session, run_id, name, period, "skipped", SKIP_DONE)
        counts = job_registry.run_job(session, job, today, now or utcnow(),
                                      base_url=app.config["BASE_URL"],
                                      disclosure=disclosure_rules())
        run = session.get(JobRun, run_id)
        run.counts, run.outcome, run.finished_at = counts, "ok", utcnow()
        session.commit()
        log.info("job %s %s: ok %s", name, period, counts)
    except Exception as exc:  # noqa: BLE001 - a failing job is recorded, never fatal
        session.rollback()
        if _locked(exc):
            return _close(session, run_id, name, period, "skipped", SKIP_LOCKED)
        error = traceback.format_exc()
        log.error("job %s failed for %s:\n%s", name, period, error)
        return _close(session, run_id, name, period, "failed", error)
    return RunResult.of(session.get(JobRun, run_id))


def _close(session, run_id: int, name: str, period: str, outcome: str,
           error: str) -> RunResult:
    """Record the end of a run that did no work; if even that cannot be written, the
    row stays "running" (shown as interrupted) and the result is only returned."""
    try:
        run = session.get(JobRun, run_id)
        run.outcome, run.finished_at, run.error = outcome, utcnow(), error[-4000:]
        session.commit()
        return RunResult.of(run)
    except Exception:  # noqa: BLE001
        session.rollback()
        log.exception("could not record the end of job run %s (%s)", run_id, outcome)
        return RunResult(name, period, outcome, {}, error, recorded=False)


def send_outbox(app: Flask) -> int:
    """Send what is waiting in the outbox; each message is claimed by one process, and a
    claim left by a process that died is given back first. A round that did anything is
    recorded in the job-run table as job "outbox". Opens its own app context: the
    scheduler calls it from a worker thread."""
    with app.app_context():
        return _send_outbox(app, db.session)


def _release_stale(session, queue) -> int | None:
    """Give back the claims of processes that died (``queue``: services.monitoring.mail
    or services.webhooks.delivery); None when SQLite says another process is writing."""
    try:
        released = queue.release_stale(session, utcnow())
        session.commit()
        return released
    except OperationalError:
        session.rollback()
        return None


def _claimed_ids(session, queue) -> Iterator[int]:
    """The ids due now in ``queue`` that this process claimed, each claim committed
    before it is yielded, so no other process sends the same one."""
    for item_id in queue.pending_ids(session, utcnow()):
        try:
            claimed = queue.claim(session, item_id, utcnow())
            session.commit()
        except OperationalError:
            session.rollback()
            continue
        if claimed:
            yield item_id


def _send_outbox(app: Flask, session) -> int:
    settings = mail_settings(app)
    counts, last_error, started = {"sent": 0, "failed": 0}, None, utcnow()
    counts["released"] = _release_stale(session, mail)
    if counts["released"] is None:      # SQLite: another process is writing; next round
        return 0
    for mail_id in _claimed_ids(session, mail):
        message = session.get(mail.OutgoingMail, mail_id)
        error = None
        try:
            mail.deliver(settings, message.to_address, message.subject, message.body,
                         message.html_body, message.ics, sender_name=message.sender_name,
                         reply_to=message.reply_to)
            counts["sent"] += 1
        except Exception as exc:  # noqa: BLE001 - retried on the next run
            error = last_error = f"{type(exc).__name__}: {exc}"
            counts["failed"] += 1
        mail.finish(session, mail_id, utcnow(), error)
        session.commit()
    last_error = _send_webhooks(app, session, counts) or last_error
    if any(counts.values()):
        log.info("outbox: %s", counts)
        _record_outbox(session, started, counts, last_error)
    return counts["sent"]


def _send_webhooks(app: Flask, session, counts: dict) -> str | None:
    """The webhook deliveries due now, each claimed by one process (as the e-mails);
    their counts join the round's when not zero. Returns the last error, if any."""
    last_error, done = None, {"webhooks_sent": 0, "webhooks_failed": 0}
    done["webhooks_released"] = _release_stale(session, webhooks)
    if done["webhooks_released"] is None:
        return None
    allow_local = webhooks_allow_local(app)
    for delivery_id in _claimed_ids(session, webhooks):
        delivery = session.get(webhooks.WebhookDelivery, delivery_id)
        attempt = webhooks.send(delivery, secret_key=app.config["SECRET_KEY"], now=utcnow(),
                                allow_local=allow_local)
        done["webhooks_sent" if attempt.ok else "webhooks_failed"] += 1
        if not attempt.ok:
            last_error = f"webhook {delivery.event_id}: {attempt.error}"
        webhooks.finish(session, delivery, utcnow(), attempt)
        session.commit()
    counts.update({key: value for key, value in done.items() if value})
    return last_error


def _record_outbox(session, started: datetime, counts: dict, error: str | None) -> None:
    try:
        session.add(JobRun(job="outbox", period=started.astimezone(AMSTERDAM).strftime(
            "%Y-%m-%dT%H:%M"), started_at=started, finished_at=utcnow(), worker=_worker(),
            outcome="failed" if error else "ok", counts=counts, error=error))
        session.commit()
    except OperationalError:
        session.rollback()
        log.warning("outbox round not recorded: %s", counts)


def check_installation(app: Flask, session, now: datetime) -> int:
    """The installation's signals for the administrators, the urgent ones mailed at once
    (queued in the caller's transaction); returns how many mails were queued."""
    raised: list = []
    installation.check(session, now, raised)
    return urgent.tell(session, raised, today=now.astimezone(AMSTERDAM).date(),
                       base_url=app.config["BASE_URL"])


def heartbeat(app: Flask, worker: str | None = None, now: datetime | None = None,
              starting: bool = False) -> bool:
    """The scheduler's heartbeat (every minute, and at start, when a gap of an hour or
    more since the last one is recorded as a signal), followed by the installation's
    signals for the administrators. False when the database did not take it."""
    with app.app_context():
        session = db.session
        now = now or utcnow()
        try:
            if starting:
                installation.record_start(session, worker or _worker(), now)
            else:
                installation.beat(session, worker or _worker(), now)
            check_installation(app, session, now)
            session.commit()
            return True
        except OperationalError:
            session.rollback()
            log.warning("scheduler heartbeat not written (database busy or down)")
            return False


def run_scheduled(app: Flask, name: str, today: date | None = None) -> list[RunResult]:
    """A job at its scheduled time (what the scheduler calls): the job for today, then, if
    it did its period, each job waiting for it that is due today by now, so a digest that
    found the day's monitor unfinished is sent by the process that finished it."""
    if today is None:
        with app.app_context():
            today = local_today()
    run = run_job(app, name, today=today)
    results = [run] if run is not None else []
    if run is not None and run.outcome == "ok":
        with app.app_context():
            now = clock_now()
        for job in job_registry.dependents(name):
            due, day = job.is_due(now)
            if due and day == today:
                results += run_scheduled(app, job.name, today)
    return results


def run_due(app: Flask, now: datetime | None = None) -> list[RunResult]:
    """Catch up (at start-up and every hour): run each job whose scheduled time in the
    current period has passed while the period is not done, i.e. it was missed (the
    scheduler was down) or failed. A job whose time has not come yet in this period is
    left to its schedule: starting on a Wednesday sends this week's digest only if the
    Monday one is missing, and a week's digest is never sent in the next week. The jobs
    run in their order (a job after those it depends on); one whose dependency is not
    done (another process is still at it, or it failed) waits for a later round."""
    now = now or clock_now()
    results = []
    for job in job_registry.in_order():
        due, today = job.is_due(now)
        if due and (run := run_job(app, job.name, today=today)) is not None:
            results.append(run)
    return results


jobs_cli = AppGroup("jobs", help="Geplande taken.")
scheduler_cli = AppGroup("scheduler", help="Het planningsproces.")


@jobs_cli.command("list")
def list_jobs() -> None:
    """The jobs, their schedule and their last run."""
    for job in job_registry.JOBS.values():
        last = db.session.scalar(sa.select(JobRun).where(JobRun.job == job.name)
                                 .order_by(JobRun.id.desc()).limit(1))
        when = f"{last.period} {last.outcome}" if last else "nog niet gedraaid"
        after = f"  na: {', '.join(job.depends_on)}" if job.depends_on else ""
        click.echo(f"{job.name:<10} {job.cron}  {job.description}{after}  (laatst: {when})")


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
        return
    click.echo(f"{name} {run.period}: {run.outcome} {run.counts or ''}")
    if run.outcome == "waiting":
        raise click.ClickException(f"{run.error}; voer die eerst uit.")
    if run.outcome == "skipped":
        click.echo(run.error)
    if not run.recorded:
        click.echo("(niet vastgelegd in de lijst van geplande taken)")
    if run.outcome == "failed":
        raise click.ClickException(run.error.strip().splitlines()[-1])


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Start the scheduler (its own process; never inside the web server)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()
    scheduler = BlockingScheduler(timezone="Europe/Amsterdam")
    for job in job_registry.JOBS.values():
        scheduler.add_job(run_scheduled, job.trigger(),
                          args=[app, job.name], id=job.name, name=job.description,
                          coalesce=True, max_instances=1, misfire_grace_time=3600,
                          replace_existing=True)
    # the outbox every minute: a first retry comes a minute after a failed attempt
    scheduler.add_job(send_outbox, "interval", minutes=1, args=[app], id="outbox",
                      coalesce=True, max_instances=1, misfire_grace_time=300)
    scheduler.add_job(run_due, "interval", hours=1, args=[app], id="catch-up",
                      coalesce=True, max_instances=1, misfire_grace_time=600)
    scheduler.add_job(heartbeat, "interval", seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"],
                      args=[app], id="heartbeat", coalesce=True, max_instances=1,
                      misfire_grace_time=60)
    click.echo("Planner gestart; taken: " + ", ".join(job_registry.JOBS))
    log.info("scheduler started as %s; jobs: %s", _worker(), ", ".join(job_registry.JOBS))
    heartbeat(app, starting=True)
    run_due(app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


@scheduler_cli.command("check")
def scheduler_check() -> None:
    """Evaluate the installation's signals (no heartbeat for an hour, failed e-mails)
    from outside the scheduler, e.g. from a timer; exits 1 while no scheduler runs. An
    urgent one is mailed to the administrators from here: no scheduler sends it."""
    app = current_app._get_current_object()
    now = utcnow()
    check_installation(app, db.session, now)
    db.session.commit()
    send_outbox(app)
    last = installation.latest_beat(db.session)
    if installation.silence_finding(last, now) is not None:
        raise click.ClickException("De planner draait niet (geen hartslag in het laatste uur).")
    click.echo(f"Planner: laatste hartslag {last.isoformat()}")


def register(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
    app.cli.add_command(scheduler_cli)
    app.add_template_filter(outcome_label, "job_outcome")
