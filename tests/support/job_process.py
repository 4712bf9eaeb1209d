"""Run one job in its own process, the way `flask jobs run` does, for the process tests.

    python -m tests.support.job_process DATABASE_URL JOB TODAY PAUSE [SMTP_PORT]

PAUSE seconds are spent after the job's work is written and before it is committed, so a
test can start a second process meanwhile, or kill this one half-way. It prints
"working" when it reaches the pause and the outcome at the end.
"""
import sys
import time

from app import create_app
from app.jobs import run_job
from services.monitoring import jobs

url, name, today, pause = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
config = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}}
if len(sys.argv) > 5:
    config |= {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(sys.argv[5])}
app = create_app(config)
job = jobs.JOBS[name]
real = job.run


def slow(session, today, now, **context):
    counts = real(session, today, now, **context)
    session.flush()
    print("working", flush=True)
    time.sleep(pause)
    return counts


jobs.JOBS[name] = jobs.Job(job.name, job.description, slow, job.cron, job.period_of)
from datetime import date  # noqa: E402

run = run_job(app, name, today=date.fromisoformat(today))
print("outcome", run.outcome if run else "already-done", flush=True)
