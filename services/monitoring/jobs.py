"""The scheduled jobs: what each does, when, which period a run covers, and which jobs'
periods must be done before it may run.

The order of the jobs is a property of the jobs, not of the process that runs them: a job
``depends_on`` other jobs, and its run for a day waits until each of them has done its
period of that day (the digest of a week, sent on a Monday, needs that Monday's monitor).
Until then it is not claimed (its period stays open) and a later round runs it: the
process that finishes the dependency, or the hourly catch-up."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session

from models import JobPeriod
from services.monitoring.digest import week_period, write_digests
from services.monitoring.sweep import sweep
from services.notify import signals as urgent
from services.notify.events import action_reminders
from services.privacy.retention import apply_retention
from services.privacy.roleless import deactivate_roleless

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def monitor(session: Session, today: date, now: datetime, disclosure=None, base_url="",
            **_) -> dict:
    """The sweep, then the urgent signals it raised by mail at once (in the same
    transaction: a rerun finds the period done, a signal found again is not raised)."""
    raised: list = []
    counts = sweep(session, today, now, disclosure, raised)
    counts["told_at_once"] = urgent.tell(session, raised, today=today, base_url=base_url)
    return counts


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    run: Callable[..., dict]            # (session, today, now, **context) -> counts
    cron: dict = field(default_factory=dict)   # APScheduler cron trigger arguments
    period_of: Callable[[date], str] = date.isoformat
    period_start_of: Callable[[date], date] = lambda today: today   # noqa: E731
    #: jobs whose period of the same day must be done (committed) before this one runs
    depends_on: tuple[str, ...] = ()

    def period(self, today: date) -> str:
        return self.period_of(today)

    def trigger(self) -> CronTrigger:
        return CronTrigger(**self.cron, timezone=AMSTERDAM)

    def first_run(self, today: date) -> datetime | None:
        """The first scheduled time in the period of ``today`` (Amsterdam time)."""
        start = datetime.combine(self.period_start_of(today), time(), tzinfo=AMSTERDAM)
        return self.trigger().get_next_fire_time(None, start)

    def is_due(self, now: datetime) -> tuple[bool, date]:
        """Whether the current period's scheduled time has passed at ``now`` (so a run
        that is not done was missed or failed, and is caught up), and the day it is."""
        local = now.astimezone(AMSTERDAM)
        first = self.first_run(local.date())
        return first is not None and first <= local, local.date()


JOBS: dict[str, Job] = {job.name: job for job in (
    Job("monitor", "Alle signaleringsregels op alle locaties", monitor,
        cron={"hour": 6, "minute": 0}),
    # the open signals as of the day's sweep: never before it, or the week's new
    # signals (or, on a fresh database, all of them) are missing from the e-mail
    Job("digest", "Wekelijkse e-mail met open signalen per persoon",
        lambda session, today, now, base_url="", **_: write_digests(session, today, now,
                                                                    base_url),
        cron={"day_of_week": "mon", "hour": 7, "minute": 0}, period_of=week_period,
        period_start_of=week_start, depends_on=("monitor",)),
    Job("actions", "E-mail over actiepunten die bijna of net verlopen zijn",
        lambda session, today, now, base_url="", **_: action_reminders(session, today, now,
                                                                        base_url),
        cron={"hour": 7, "minute": 30}),
    # depends on nothing and nothing on it: anonymising keeps every row, date and figure
    # the rules read, and no signal or digest holds a resident's personal data
    Job("privacy", "Persoonsgegevens anonimiseren na de bewaartermijn (AVG)",
        lambda session, today, now, **_: {
            **apply_retention(session, today, now),
            "accounts_deactivated": deactivate_roleless(session, today, now)},
        cron={"hour": 3, "minute": 30}),
)}
# E-mail (the digest's, the association's reminders) is sent by the outbox, which is no
# job with periods: it sends only committed messages, so it comes after the work that
# wrote them by construction.


def get(name: str) -> Job:
    try:
        return JOBS[name]
    except KeyError:
        raise KeyError(f"unknown job {name!r}; known: {', '.join(sorted(JOBS))}") from None


def period_done(session: Session, name: str, period: str) -> bool:
    """Whether the period's work is committed (its claim row exists)."""
    return session.scalar(sa.select(JobPeriod.id).where(JobPeriod.job == name,
                                                        JobPeriod.period == period)) is not None


def waiting_for(session: Session, job: Job, today: date) -> list[tuple[str, str]]:
    """The (job, period) of each dependency whose period of ``today`` is not done yet:
    ``job`` may run for ``today`` only when there are none. A done period stays done, so
    once this is empty the dependencies' work is committed and visible to the run."""
    periods = [(name, get(name).period(today)) for name in job.depends_on]
    return [(name, period) for name, period in periods
            if not period_done(session, name, period)]


def in_order(jobs: dict[str, Job] | None = None) -> list[Job]:
    """The jobs with each one after the jobs it depends on (otherwise as listed), for a
    round that runs them all, such as the catch-up."""
    jobs = JOBS if jobs is None else jobs
    ordered: dict[str, Job] = {}
    visiting: set[str] = set()

    def visit(job: Job) -> None:
        if job.name in ordered:
            return
        if job.name in visiting:
            raise ValueError(f"job {job.name!r} depends on itself")
        visiting.add(job.name)
        for name in job.depends_on:
            if name not in jobs:
                raise ValueError(f"job {job.name!r} depends on unknown job {name!r}")
            visit(jobs[name])
        visiting.discard(job.name)
        ordered[job.name] = job

    for job in jobs.values():
        visit(job)
    return list(ordered.values())


def dependents(name: str) -> list[Job]:
    """The jobs that wait for ``name``, in the order they run."""
    return [job for job in in_order() if name in job.depends_on]


def lock_key(name: str, period: str) -> int:
    """A stable signed 64-bit key for the period's advisory lock."""
    digest = hashlib.blake2b(f"noaber-job:{name}:{period}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def try_lock(session: Session, name: str, period: str) -> bool:
    """Take the period's lock for the rest of the transaction, without waiting; False
    when another process holds it.

    On PostgreSQL a transaction-level advisory lock (released at commit or rollback, and
    when the process dies). SQLite has no such lock and needs none: the claim's write
    takes the database-wide write lock until commit, so a second process cannot write
    and gets "database is locked" after the busy timeout."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(
        lock_key(name, period)))))


def run_job(session: Session, job: Job, today: date, now: datetime, **context) -> dict:
    """The job's work (the caller claims the period, commits or rolls back)."""
    return job.run(session, today, now, **context)
