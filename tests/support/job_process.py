"""Run one job, or a scheduler's start-up round, in its own process, for the process tests.

    python -m tests.support.job_process DATABASE_URL WHAT WHEN [options]

WHAT is a job's name, run for the day WHEN (YYYY-MM-DD) the way `flask jobs run` does, or
``scheduler``: what `flask scheduler run` does when it starts, catching up every job that
is due at WHEN (YYYY-MM-DDTHH:MM, Amsterdam time) in the jobs' order.

Options:

--hold JOB=HOLD   spend HOLD after JOB's work is written (and its period claimed) and
                  before it is committed, so a test can start a second process meanwhile,
                  or kill this one half-way: a number of seconds, or ``file:PATH`` to wait
                  until PATH exists (at most two minutes). It stands for a long sweep
                  without making the test depend on how long anything takes.
--start PATH      after start-up (the imports are what takes time), wait until PATH exists
                  before doing anything, so a test can start its processes together.
--smtp PORT       send e-mail to 127.0.0.1:PORT.

It prints "ready" once started, "working" when it reaches the hold, "result JOB PERIOD
OUTCOME" per run, and "outcome OUTCOME" at the end (a job: its outcome or
"already-done"; the scheduler: "done").

On SQLite a process refused by another's write lock waits SQLite's busy timeout first;
these processes wait one second instead of five, which changes nothing but the time.
"""
import argparse
import dataclasses
import os
import time
from datetime import date, datetime

import sqlalchemy as sa

from app import create_app
from app.jobs import run_due, run_job
from models import db
from services.monitoring import jobs

BUSY_TIMEOUT_MS = 1000

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("what")
parser.add_argument("when")
parser.add_argument("--hold", action="append", default=[])
parser.add_argument("--start")
parser.add_argument("--smtp", type=int)
args = parser.parse_args()

config = {"SQLALCHEMY_DATABASE_URI": args.url, "SQLALCHEMY_ENGINE_OPTIONS": {},
          "SECRET_KEY": "job-process-only-" + "x" * 32, "BASE_URL": "http://127.0.0.1",
          "MAIL_LOG_ALLOWED": True}
if args.smtp:
    config |= {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": args.smtp}
app = create_app(config)
with app.app_context():
    if db.engine.dialect.name == "sqlite":
        @sa.event.listens_for(db.engine, "connect")
        def _short_busy_timeout(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def wait_for(path: str) -> None:
    deadline = time.monotonic() + 120
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.05)


def held(job: jobs.Job, hold: str) -> jobs.Job:
    real = job.run

    def slow(session, today, now, **context):
        counts = real(session, today, now, **context)
        session.flush()
        print("working", flush=True)
        if hold.startswith("file:"):
            wait_for(hold[5:])
        else:
            time.sleep(float(hold))
        return counts

    return dataclasses.replace(job, run=slow)


for spec in args.hold:
    name, hold = spec.split("=", 1)
    jobs.JOBS[name] = held(jobs.JOBS[name], hold)

print("ready", flush=True)
if args.start:
    wait_for(args.start)
if args.what == "scheduler":
    now = datetime.fromisoformat(args.when).replace(tzinfo=jobs.AMSTERDAM)
    for run in run_due(app, now):
        print("result", run.job, run.period, run.outcome, flush=True)
    print("outcome done", flush=True)
else:
    run = run_job(app, args.what, today=date.fromisoformat(args.when))
    if run:
        print("result", run.job, run.period, run.outcome, flush=True)
    print("outcome", run.outcome if run else "already-done", flush=True)
