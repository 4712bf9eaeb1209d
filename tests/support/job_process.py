"""Run one job in its own process, the way `flask jobs run` does, for the process tests.

    python -m tests.support.job_process DATABASE_URL JOB TODAY HOLD [SMTP_PORT]

HOLD is spent after the job's work is written (and its period claimed) and before it is
committed, so a test can start a second process meanwhile, or kill this one half-way:
a number of seconds, or ``file:PATH`` to wait until PATH exists (at most two minutes).
It prints "working" when it reaches the hold and "outcome OUTCOME" at the end.
"""
import dataclasses
import os
import sys
import time
from datetime import date

from app import create_app
from app.jobs import run_job
from services.monitoring import jobs

url, name, today, hold = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
config = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {},
          "SECRET_KEY": "job-process-only-" + "x" * 32}
if len(sys.argv) > 5:
    config |= {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(sys.argv[5])}
app = create_app(config)
job = jobs.JOBS[name]
real = job.run


def wait() -> None:
    if not hold.startswith("file:"):
        time.sleep(float(hold))
        return
    deadline = time.monotonic() + 120
    while not os.path.exists(hold[5:]) and time.monotonic() < deadline:
        time.sleep(0.05)


def slow(session, today, now, **context):
    counts = real(session, today, now, **context)
    session.flush()
    print("working", flush=True)
    wait()
    return counts


jobs.JOBS[name] = dataclasses.replace(job, run=slow)
run = run_job(app, name, today=date.fromisoformat(today))
print("outcome", run.outcome if run else "already-done", flush=True)
