"""The scheduled jobs: what each does, when, and which period a run covers."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from sqlalchemy.orm import Session

from services.monitoring.digest import week_period, write_digests
from services.monitoring.sweep import sweep
from services.privacy.retention import apply_retention


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    run: Callable[..., dict]            # (session, today, now, **context) -> counts
    cron: dict = field(default_factory=dict)   # APScheduler cron trigger arguments
    period_of: Callable[[date], str] = date.isoformat

    def period(self, today: date) -> str:
        return self.period_of(today)


JOBS: dict[str, Job] = {job.name: job for job in (
    Job("monitor", "Alle signaleringsregels op alle locaties",
        lambda session, today, now, **_: sweep(session, today, now),
        cron={"hour": 6, "minute": 0}),
    Job("digest", "Wekelijkse e-mail met open signalen per persoon",
        lambda session, today, now, base_url="", **_: write_digests(session, today, now,
                                                                    base_url),
        cron={"day_of_week": "mon", "hour": 7, "minute": 0}, period_of=week_period),
    Job("privacy", "Persoonsgegevens anonimiseren na de bewaartermijn (AVG)",
        lambda session, today, now, **_: apply_retention(session, today, now),
        cron={"hour": 3, "minute": 30}),
)}


def get(name: str) -> Job:
    try:
        return JOBS[name]
    except KeyError:
        raise KeyError(f"unknown job {name!r}; known: {', '.join(sorted(JOBS))}") from None


def run_job(session: Session, job: Job, today: date, now: datetime, **context) -> dict:
    """The job's work (the caller claims the period, commits or rolls back)."""
    return job.run(session, today, now, **context)
