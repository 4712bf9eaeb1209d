"""The job wrapper, the job commands, digests over real SMTP, and jobs in separate
processes: a second scheduler, and a run killed half-way."""
import dataclasses
import signal
import socket
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.jobs import run_due, run_job, send_outbox
from models import (AuditEvent, JobPeriod, JobRun, OutgoingMail, Signal, Site, SitePart, User,
                    db, utcnow)
from services.monitoring import jobs as registry
from services.monitoring.digest import digest_for
from services.monitoring.mail import MAX_ATTEMPTS
from services.seed import demo
from tests.conftest import ALL_ROLES, ROLE_EMAILS, TODAY

ROOT = __file__.rsplit("/tests/", 1)[0]


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_period_runs_once(app, world):
    first = run_job(app, "monitor", today=TODAY)
    assert first.outcome == "ok" and first.counts["created"] > 0
    assert run_job(app, "monitor", today=TODAY) is None
    with app.app_context():
        assert count(JobPeriod) == 1
        created = count(Signal)
    second_day = run_job(app, "monitor", today=date(2026, 6, 16))
    assert second_day.outcome == "ok" and second_day.counts["created"] == 0
    with app.app_context():
        assert count(Signal) == created


def test_a_failing_job_is_recorded_and_stops_nothing(app, world, monkeypatch):
    def broken(session, today, now, **_):
        session.add(Signal(rule="x", site_id=world.site, subject="s", period="-",
                           severity="info", title="half", explanation="half"))
        session.flush()
        raise RuntimeError("kapot")

    monkeypatch.setitem(registry.JOBS, "broken", registry.Job("broken", "test", broken))
    failed = run_job(app, "broken", today=TODAY)
    assert failed.outcome == "failed" and "RuntimeError: kapot" in failed.error
    with app.app_context():
        assert count(Signal, Signal.rule == "x") == 0        # nothing half-written
        assert count(JobPeriod, JobPeriod.job == "broken") == 0
    assert run_job(app, "monitor", today=TODAY).outcome == "ok"
    # the failed period is tried again next time
    monkeypatch.setitem(registry.JOBS, "broken", registry.Job(
        "broken", "test", lambda session, today, now, **_: {"fixed": 1}))
    assert run_job(app, "broken", today=TODAY).outcome == "ok"


def test_an_integrity_error_of_the_work_itself_is_a_failure(app, world, monkeypatch):
    def duplicates(session, today, now, **_):
        for _n in range(2):   # the same signal key twice: the job's own bug
            session.add(Signal(rule="x", site_id=world.site, subject="s", period="-",
                               severity="info", title="dubbel", explanation="dubbel"))
        session.flush()
        return {}

    monkeypatch.setitem(registry.JOBS, "dup", registry.Job("dup", "test", duplicates))
    run = run_job(app, "dup", today=TODAY)
    assert run.outcome == "failed" and "IntegrityError" in run.error and run.recorded
    with app.app_context():
        assert count(JobPeriod, JobPeriod.job == "dup") == 0
        assert db.session.scalar(sa.select(JobRun.outcome).where(JobRun.job == "dup")) \
            == "failed"


def test_an_error_before_the_run_is_recorded_is_reported(app, runner, world, monkeypatch):
    def unreachable():
        raise RuntimeError("geen verbinding")

    monkeypatch.setattr("app.jobs._worker", unreachable)
    run = run_job(app, "monitor", today=TODAY)
    assert run is not None and run.outcome == "failed" and not run.recorded
    assert "RuntimeError: geen verbinding" in run.error
    result = runner.invoke(args=["jobs", "run", "monitor", "--today", "2026-06-15"])
    assert result.exit_code != 0 and "geen verbinding" in result.output
    assert "al uitgevoerd" not in result.output


def at(day, hour, minute=0):
    return datetime(2026, 6, day, hour, minute, tzinfo=registry.AMSTERDAM)


@pytest.mark.parametrize("name,now,due", [
    ("digest", at(15, 6, 59), False),   # Monday before 07:00: this week's is not due yet
    ("digest", at(15, 7, 0), True),
    ("digest", at(17, 10), True),       # Wednesday: due (caught up only if not done)
    ("digest", at(21, 23, 59), True),   # Sunday: still this week's period
    ("monitor", at(17, 5), False),
    ("monitor", at(17, 6), True),
    ("privacy", at(17, 3, 29), False),
])
def test_a_job_is_due_once_its_time_in_the_period_has_passed(name, now, due):
    assert registry.JOBS[name].is_due(now) == (due, now.date())


def test_catch_up_sends_a_digest_only_when_this_weeks_was_missed_or_failed(app, world,
                                                                           monkeypatch):
    # the digest alone (its wait for the day's monitor: the tests below)
    digest = dataclasses.replace(registry.JOBS["digest"], depends_on=())
    monkeypatch.setattr(registry, "JOBS", {"digest": digest})
    with app.app_context():   # a signal to mail about
        db.session.add(Signal(rule="mix", site_id=world.site, subject="site", period="-",
                              severity="warning", title="Mix", explanation="uitleg"))
        db.session.commit()
    assert run_job(app, "digest", today=date(2026, 6, 15)).outcome == "ok"    # Monday
    assert run_due(app, at(17, 10)) == []                  # Wednesday: done this week
    assert run_due(app, at(22, 6)) == []                   # next Monday before 07:00
    with app.app_context():
        assert count(JobPeriod) == 1                       # last week's is not made up

    calls = []

    def flaky(session, today, now, **context):
        calls.append(today)
        if len(calls) == 1:
            raise RuntimeError("SMTP-instellingen ontbreken")
        return digest.run(session, today, now, **context)

    monkeypatch.setitem(registry.JOBS, "digest", dataclasses.replace(digest, run=flaky))
    failed, = run_due(app, at(22, 7, 5))                   # Monday 07:05, the first try
    assert failed.outcome == "failed"
    retried, = run_due(app, at(24, 9))                     # Wednesday: retried, once
    assert retried.outcome == "ok" and retried.period == "2026-W26"
    assert run_due(app, at(24, 10)) == []
    with app.app_context():   # one per person, as in the week before
        week = count(OutgoingMail, OutgoingMail.period == "2026-W26")
        assert week and week == count(OutgoingMail, OutgoingMail.period == "2026-W25")


def test_the_digest_waits_for_the_days_monitor(app, world, runner):
    """Run before the day's monitor, the digest is not started and its week stays open
    (not even a run row); a monitor of another day does not count."""
    assert run_job(app, "monitor", today=date(2026, 6, 14)).outcome == "ok"   # Sunday
    waiting = run_job(app, "digest", today=TODAY)
    assert (waiting.outcome, waiting.period, waiting.recorded) == ("waiting", "2026-W25", False)
    assert "monitor 2026-06-15" in waiting.error
    by_hand = runner.invoke(args=["jobs", "run", "digest", "--today", "2026-06-15"])
    assert by_hand.exit_code != 0 and "wacht op monitor 2026-06-15" in by_hand.output
    with app.app_context():
        assert count(JobRun, JobRun.job == "digest") == 0
        assert count(JobPeriod, JobPeriod.job == "digest") == 0
    assert run_job(app, "monitor", today=TODAY).outcome == "ok"
    digest = run_job(app, "digest", today=TODAY)
    assert digest.outcome == "ok" and digest.counts["queued"] > 0
    listing = runner.invoke(args=["jobs", "list"])
    assert "na: monitor" in [line for line in listing.output.splitlines()
                             if line.startswith("digest")][0]


def test_the_process_that_finishes_the_monitor_sends_the_waiting_digest(app, world,
                                                                        monkeypatch):
    """At its scheduled time a job runs, then the jobs waiting for it that are due: the
    digest that found the monitor unfinished (a sweep past 07:00) goes out as soon as the
    monitor is done, not an hour later; before 07:00 the digest is left to its time."""
    from app import jobs as runner_module

    monkeypatch.setattr(runner_module, "clock_now", lambda: at(15, 6, 30))
    assert [r.job for r in runner_module.run_scheduled(app, "monitor")] == ["monitor"]
    with app.app_context():
        assert count(JobPeriod, JobPeriod.job == "digest") == 0
    monkeypatch.setattr(runner_module, "clock_now", lambda: at(16, 7, 30))     # Tuesday
    assert [(r.job, r.outcome) for r in runner_module.run_scheduled(
        app, "digest", today=date(2026, 6, 16))] == [("digest", "waiting")]
    done = runner_module.run_scheduled(app, "monitor", today=date(2026, 6, 16))
    assert [(r.job, r.period, r.outcome) for r in done] == [
        ("monitor", "2026-06-16", "ok"), ("digest", "2026-W25", "ok")]
    assert done[1].counts["queued"] > 0


def test_the_catch_up_runs_a_job_after_those_it_depends_on(app, world, monkeypatch):
    monkeypatch.setattr(registry, "JOBS", dict(reversed(registry.JOBS.items())))
    assert list(registry.JOBS)[-1] == "monitor"
    ran = run_due(app, at(15, 7, 30))
    assert [r.job for r in ran].index("monitor") < [r.job for r in ran].index("digest")
    assert {r.outcome for r in ran} == {"ok"}
    assert next(r for r in ran if r.job == "digest").counts["queued"] > 0


def test_job_order_is_checked():
    ordered = [job.name for job in registry.in_order()]
    assert sorted(ordered) == sorted(registry.JOBS)
    for job in registry.JOBS.values():
        assert all(ordered.index(d) < ordered.index(job.name) for d in job.depends_on)
    assert [job.name for job in registry.dependents("monitor")] == ["digest"]
    job = registry.JOBS["monitor"]
    with pytest.raises(ValueError, match="unknown job 'nope'"):
        registry.in_order({"monitor": dataclasses.replace(job, depends_on=("nope",))})
    with pytest.raises(ValueError, match="depends on itself"):
        registry.in_order({"a": dataclasses.replace(job, name="a", depends_on=("b",)),
                           "b": dataclasses.replace(job, name="b", depends_on=("a",))})


# who may take up (oppakken) and resolve (oplossen) a signal, per audience:
# 302 acts, 403 sees it but may not act, 404 does not see it
ACT = {
    #                    site  management  bestuur  care:linde  care:anker
    "admin":             (302, 302, 302, 302, 302),
    "sociaal_beheerder": (302, 302, 404, 302, 302),
    "communitycoach":    (302, 404, 404, 404, 404),
    "begeleider":        (403, 404, 404, 302, 404),
    "bestuur":           (403, 404, 302, 404, 404),
    "kerngroep":         (302, 302, 404, 302, 302),
    "stuurgroep":        (403, 403, 404, 403, 403),
    "other_site":        (403, 403, 403, 403, 403),   # no role on the site at all
    "none":              (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", list(ACT))
def test_acting_on_signals_per_role(app, world, login_as, role):
    audiences = ["site", "management", "bestuur", f"care:{world.orgs['linde']}",
                 f"care:{world.orgs['anker']}"]
    with app.app_context():
        signals = [Signal(rule="r", site_id=world.site, subject=f"s{n}", period="-",
                          severity="info", audience=audience, title=f"Signaal {audience}",
                          explanation="uitleg") for n, audience in enumerate(audiences)]
        db.session.add_all(signals)
        db.session.commit()
        ids = [s.id for s in signals]
    client = login_as(role)
    base = f"/locaties/{world.site}/signalen"
    page = client.get(base)
    for signal_id, expected in zip(ids, ACT[role]):
        ack = client.post(f"{base}/{signal_id}/oppakken", data={"note": "ik pak het op"})
        res = client.post(f"{base}/{signal_id}/oplossen", data={"note": "besproken"})
        assert (ack.status_code, res.status_code) == (expected, expected), (role, signal_id)
        if page.status_code == 200:   # the buttons are shown exactly to those who may act
            assert (f"{signal_id}/oplossen" in page.get_data(as_text=True)) \
                == (expected == 302)
    with app.app_context():
        states = [db.session.get(Signal, i).state for i in ids]
        by = [db.session.get(Signal, i).resolved_by_id for i in ids]
    assert states == ["resolved" if e == 302 else "open" for e in ACT[role]]
    if role in world.users:
        assert all(b == world.users[role] for b, e in zip(by, ACT[role]) if e == 302)


def test_job_commands(app, runner, world):
    result = runner.invoke(args=["jobs", "run", "monitor", "--today", "2026-06-15"])
    assert result.exit_code == 0 and "monitor 2026-06-15: ok" in result.output
    again = runner.invoke(args=["jobs", "run", "monitor", "--today", "2026-06-15"])
    assert "al uitgevoerd" in again.output
    listing = runner.invoke(args=["jobs", "list"])
    assert "monitor" in listing.output and "digest" in listing.output
    assert "2026-06-15 ok" in listing.output
    unknown = runner.invoke(args=["jobs", "run", "bestaat-niet"])
    assert unknown.exit_code != 0 and "Onbekende taak" in unknown.output


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos[0], envelope.content.decode("utf8",
                                                                            "replace")))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    old = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_PORT", "MAIL_SERVER")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox, controller.port
    app.config.update(old)
    controller.stop()


def test_digests_respect_roles_and_are_sent_once(app, world, smtp, monkeypatch):
    inbox, _port = smtp
    # the small world's mix is below every minimum cell: open figures, so it has signals
    for name in ("DISCLOSURE_MIN_CELL", "DISCLOSURE_ROUNDING", "DISCLOSURE_BATCH"):
        monkeypatch.setitem(app.config, name, 1)
    run_job(app, "monitor", today=TODAY)
    with app.app_context():   # nobody logged hours: each care organisation is under its 10%
        audiences = set(db.session.scalars(sa.select(Signal.audience).where(
            Signal.rule == "care_contribution", Signal.site_id == world.site)))
    # one client each: small groups, whose signal reaches only who sees their care data
    assert audiences == {f"care_data:{world.orgs['linde']}",
                         f"care_data:{world.orgs['anker']}"}
    digest = run_job(app, "digest", today=TODAY)
    assert digest.outcome == "ok"
    mails = dict(inbox.messages)
    assert ROLE_EMAILS["none"] not in mails            # no role: nothing to see
    assert "Mix Het Hofje" in mails[ROLE_EMAILS["bestuur"]]
    assert "10%-inzet" not in mails[ROLE_EMAILS["bestuur"]]
    assert "10%-inzet Zorggroep De Linde" in mails[ROLE_EMAILS["begeleider"]]
    assert "10%-inzet Stichting Het Anker" not in mails[ROLE_EMAILS["begeleider"]]
    assert "10%-inzet Stichting Het Anker" in mails[ROLE_EMAILS["sociaal_beheerder"]]
    assert "De Overkant" not in mails[ROLE_EMAILS["bestuur"]]
    sent = len(inbox.messages)
    assert run_job(app, "digest", today=TODAY) is None
    assert len(inbox.messages) == sent
    with app.app_context():
        assert count(OutgoingMail, OutgoingMail.status == "sent") == sent


def _mail(world, status, attempts, sent_at=None, period="2026-W25"):
    return OutgoingMail(recipient_id=world.users["admin"], kind="digest", period=period,
                        to_address=ROLE_EMAILS["admin"], subject=f"Onderwerp {period}",
                        body="tekst", status=status, attempts=attempts, sent_at=sent_at)


def test_a_mail_left_sending_by_a_dead_process_is_sent_later(app, world, smtp):
    inbox, _port = smtp
    with app.app_context():
        now = utcnow()
        db.session.add_all([
            _mail(world, "sending", 1, now - timedelta(minutes=30), "2026-W20"),  # stale
            _mail(world, "sending", 1, now - timedelta(minutes=1), "2026-W21"),   # sending
            _mail(world, "sending", MAX_ATTEMPTS, now - timedelta(hours=1), "2026-W22"),
        ])
        db.session.commit()
    assert send_outbox(app) == 1
    assert [body for _to, body in inbox.messages if "Onderwerp 2026-W20" in body]
    with app.app_context():
        status = dict(db.session.execute(sa.select(OutgoingMail.period,
                                                  OutgoingMail.status)).all())
        assert status == {"2026-W20": "sent", "2026-W21": "sending", "2026-W22": "failed"}
        outbox = db.session.scalar(sa.select(JobRun).where(JobRun.job == "outbox"))
        assert outbox.outcome == "ok" and outbox.counts == {"sent": 1, "failed": 0,
                                                             "released": 2}
    assert send_outbox(app) == 0
    with app.app_context():   # a round that did nothing is not logged
        assert count(JobRun, JobRun.job == "outbox") == 1


def test_failed_mails_are_shown_on_the_jobs_page(app, world, login_as):
    with app.app_context():
        failed = _mail(world, "failed", MAX_ATTEMPTS)
        failed.error = "SMTPRecipientsRefused: onbekend adres"
        db.session.add(failed)
        db.session.commit()
    page = login_as("admin").get("/beheer/taken").get_data(as_text=True)
    assert "Mislukte e-mails" in page and "SMTPRecipientsRefused: onbekend adres" in page
    assert "Onderwerp 2026-W25" in page
    assert login_as("sociaal_beheerder").get("/beheer/taken").status_code == 403


@pytest.mark.parametrize("role", [*ALL_ROLES, "anonymous"])
def test_the_jobs_page_and_sending_again_are_for_admins(app, world, client, login_as, role):
    with app.app_context():
        failed = _mail(world, "failed", MAX_ATTEMPTS)
        db.session.add(failed)
        db.session.commit()
        mail_id = failed.id
    if role != "anonymous":
        login_as(role)
    answers = [client.get("/beheer/taken").status_code,
               client.post(f"/beheer/taken/e-mails/{mail_id}/opnieuw").status_code,
               client.post("/beheer/taken/e-mails/opnieuw").status_code]
    with app.app_context():
        status = db.session.get(OutgoingMail, mail_id).status
    if role == "admin":
        assert (answers, status) == ([200, 302, 302], "pending")
    else:
        assert (answers, status) == ([302] * 3 if role == "anonymous" else [403] * 3,
                                     "failed"), role


def test_an_admin_sends_failed_mails_again(app, world, login_as, smtp):
    """After the address or the mail server is fixed: one failed e-mail, or all, goes back
    into the outbox with a fresh round of attempts; the audit log keeps the failure."""
    inbox, _port = smtp
    with app.app_context():
        mails = [_mail(world, "failed", MAX_ATTEMPTS, period=f"2026-W{week}")
                 for week in (23, 24, 25)]
        mails.append(_mail(world, "sent", 1, utcnow(), "2026-W26"))
        db.session.add_all(mails)
        db.session.commit()
        ids = [m.id for m in mails]

    def statuses():
        with app.app_context():
            return [db.session.get(OutgoingMail, i).status for i in ids]

    assert login_as("sociaal_beheerder").post(f"/beheer/taken/e-mails/{ids[0]}/opnieuw") \
        .status_code == 403
    admin = login_as("admin")
    page = admin.get("/beheer/taken").get_data(as_text=True)
    assert f'action="/beheer/taken/e-mails/{ids[0]}/opnieuw"' in page
    assert "Alle 3 mislukte e-mails opnieuw versturen" in page
    one = admin.post(f"/beheer/taken/e-mails/{ids[0]}/opnieuw", follow_redirects=True)
    assert "1 e-mail staat weer klaar om verstuurd te worden." in one.get_data(as_text=True)
    assert statuses() == ["pending", "failed", "failed", "sent"]
    assert send_outbox(app) == 1
    assert [to for to, body in inbox.messages if "Onderwerp 2026-W23" in body] == \
        [ROLE_EMAILS["admin"]]
    # a sent one is not sent again; then all that failed
    again = admin.post(f"/beheer/taken/e-mails/{ids[3]}/opnieuw", follow_redirects=True)
    assert "al verstuurd of staat al klaar" in again.get_data(as_text=True)
    admin.post("/beheer/taken/e-mails/opnieuw")
    assert statuses() == ["sent", "pending", "pending", "sent"]
    with app.app_context():
        retried = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "outgoing_mail").order_by(AuditEvent.id)).all()
        assert [(e.entity_id, e.action, e.actor_id, e.changes["attempts"]) for e in retried] \
            == [(i, "retry", world.users["admin"], [MAX_ATTEMPTS, 0]) for i in ids[:3]]
        assert db.session.get(OutgoingMail, ids[1]).attempts == 0
    assert "Geen mislukte e-mails." in admin.get("/beheer/taken").get_data(as_text=True)


def _start(database_url, what, when=TODAY.isoformat(), *, hold=None, start=None,
           port=None):
    """A job (or a scheduler's start-up round: ``what="scheduler"``) in its own process;
    see tests/support/job_process.py for ``hold`` and ``start``."""
    args = [sys.executable, "-m", "tests.support.job_process", database_url, what, when]
    for name, value in (hold or {}).items():
        args += ["--hold", f"{name}={value}"]
    if start:
        args += ["--start", str(start)]
    if port:
        args += ["--smtp", str(port)]
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _lines_until(process, word, timeout=60):
    """The lines of ``process`` up to and including the first with ``word``. A blocked
    process is killed at the deadline (readline would otherwise wait for it forever)."""
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if word in line:
                return lines
    finally:
        timer.cancel()
    raise AssertionError(f"no {word!r} from the job process within {timeout} s: "
                         f"{process.stderr.read()[-2000:]}")


def _wait_for(process, word, timeout=60):
    """The first line of ``process`` with ``word``."""
    return _lines_until(process, word, timeout)[-1]


def _outcome(process):
    return _wait_for(process, "outcome").split()[1]


def _results(process):
    """{job: outcome} of the runs a process reports, up to its end."""
    return {job: outcome for line in _lines_until(process, "outcome")
            if line.startswith("result ") for _r, job, _period, outcome in [line.split()]}


def _stop(processes, gates):
    for gate in gates:
        gate.touch()
    for p in processes:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class Pair:
    """Two processes for one job, started together (their start-up is most of their
    time) and held at their start until :meth:`overlap` lets them go."""

    def __init__(self, database_url, job, tmp_path, port=None):
        self.job = job
        self.go_first, self.go_second, self.release = (
            tmp_path / f"{step}-{job}" for step in ("go-first", "go-second", "release"))
        self.first = _start(database_url, job, hold={job: f"file:{self.release}"},
                            start=self.go_first, port=port)
        self.second = _start(database_url, job, start=self.go_second, port=port)

    def overlap(self, app):
        """A claims the period and holds its transaction open until B has finished
        trying the same period; then A commits, and a run after it (in this process)
        comes too late. Returns the outcomes of B, A and the latecomer."""
        self.go_first.touch()
        _wait_for(self.first, "working")              # A holds the claim, uncommitted
        self.go_second.touch()
        refused = _outcome(self.second)
        self.release.touch()
        done = _outcome(self.first)
        late = run_job(app, self.job, today=TODAY)
        return refused, done, late.outcome if late else "already-done"

    def stop(self):
        _stop([self.first, self.second], [self.go_first, self.go_second, self.release])


def test_two_schedulers_run_a_period_once(app, world, database_url, smtp, tmp_path):
    inbox, port = smtp
    monitor = Pair(database_url, "monitor", tmp_path)
    digest = Pair(database_url, "digest", tmp_path, port)
    try:
        # B tries while A works: refused at once, not queued behind A
        assert monitor.overlap(app) == ("skipped", "ok", "already-done")
        with app.app_context():
            assert count(JobPeriod) == 1
            assert count(JobRun, JobRun.outcome == "ok") == 1
            per_key = db.session.execute(sa.select(
                Signal.rule, Signal.site_id, Signal.subject, sa.func.count()).group_by(
                Signal.rule, Signal.site_id, Signal.subject, Signal.period)).all()
            assert per_key and all(n == 1 for *_key, n in per_key)
        # the digest from two processes at once: every person gets one e-mail
        assert digest.overlap(app) == ("skipped", "ok", "already-done")
    finally:
        monitor.stop()
        digest.stop()
    recipients = [to for to, _body in inbox.messages]
    assert recipients and len(recipients) == len(set(recipients))
    with app.app_context():
        assert count(OutgoingMail) == len(recipients)


MONDAY = date(2027, 1, 4)


def test_two_schedulers_started_together_send_the_digest_after_the_monitor(
        app, database_url, smtp, tmp_path):
    """Two schedulers start at the same moment on a Monday at 07:30 (two hosts, or a
    restart that overlaps) and both catch up the day's monitor and the week's digest. The
    first claims the monitor and its sweep takes long (held until the second is done);
    the second is refused the monitor and must not take the digest before the day's
    signals are committed: the digest waits, and the first, once its monitor is done,
    sends it to each person with open signals, once."""
    inbox, port = smtp
    with app.app_context():
        assert demo.seed_demo(db.session, today=MONDAY, password="demo-wachtwoord-1")
        db.session.commit()
    go, release = tmp_path / "go", tmp_path / "release"
    first = _start(database_url, "scheduler", "2027-01-04T07:30",
                   hold={"monitor": f"file:{release}"}, port=port)
    second = _start(database_url, "scheduler", "2027-01-04T07:30", start=go, port=port)
    try:
        _wait_for(first, "working")           # the day's signals written, not committed
        go.touch()
        second_ran = _results(second)
        release.touch()
        first_ran = _results(first)
    finally:
        _stop([first, second], [go, release])
    with app.app_context():
        now = utcnow()
        expected = sorted(user.email for user in db.session.scalars(
            sa.select(User).where(User.active.is_(True))) if digest_for(db.session, user, now))
        periods = db.session.execute(sa.select(JobPeriod.job, JobPeriod.period)
                                     .order_by(JobPeriod.job)).all()
        ok_runs = db.session.scalars(sa.select(JobRun.job).where(
            JobRun.outcome == "ok", JobRun.job != "outbox").order_by(JobRun.job)).all()
        queued = count(OutgoingMail, OutgoingMail.kind == "digest",
                       OutgoingMail.period == "2027-W01")
    assert expected                                   # the demo has signals to send
    # the demo's action items due soon get their own mails (job "actions")
    assert sorted(to for to, body in inbox.messages if "Subject: Noaber:" in body) == expected
    assert queued == len(expected)
    assert periods == [("actions", "2027-01-04"), ("digest", "2027-W01"),
                       ("monitor", "2027-01-04"), ("privacy", "2027-01-04")]
    assert ok_runs == ["actions", "digest", "monitor", "privacy"]   # each period ran once
    assert (second_ran["monitor"], second_ran["digest"]) == ("skipped", "waiting")
    assert (first_ran["monitor"], first_ran["digest"]) == ("ok", "ok")


def test_a_killed_run_leaves_nothing_and_is_caught_up(app, world, database_url):
    process = _start(database_url, "monitor", hold={"monitor": 60})
    _wait_for(process, "working")        # the signals are written, not committed
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    with app.app_context():
        assert count(Signal) == 0 and count(JobPeriod) == 0
        interrupted = db.session.scalar(sa.select(JobRun))
        assert interrupted.outcome == "running" and interrupted.finished_at is None
    caught_up = run_job(app, "monitor", today=TODAY)
    assert caught_up.outcome == "ok" and caught_up.counts["created"] > 0


def test_the_sweep_on_the_demo_data_signals_once_and_mails_once(app, smtp):
    """The issue's done-when: a job run creates the expected signals on the demo data, a
    second run creates none, and the digest goes out once."""
    inbox, _port = smtp
    today = date(2026, 11, 23)       # a Monday, as in tests/web/test_cli.py
    with app.app_context():
        assert demo.seed_demo(db.session, today=today, password="demo-wachtwoord-1")
        db.session.commit()
    first = run_job(app, "monitor", today=today)
    assert first.outcome == "ok" and first.counts["created"] > 0
    with app.app_context():
        site = db.session.scalar(sa.select(Site))
        blok_c = db.session.scalar(sa.select(SitePart.id).where(SitePart.name == "Blok C"))
        found = {(s.rule, s.subject): s for s in db.session.scalars(sa.select(Signal))}
        assert found[("mix", f"part:{blok_c}")].severity == "warning"   # out of band
        assert "buiten de band" in found[("mix", f"part:{blok_c}")].title
        whole = found.get(("mix", "site"))      # the site as a whole sits in the band
        assert whole is None or whole.severity == "info"
        assert {s.site_id for s in found.values()} == {site.id}
        assert count(Signal) == first.counts["created"]
        created = count(Signal)
    assert run_job(app, "monitor", today=today) is None             # same period: nothing
    next_day = run_job(app, "monitor", today=date(2026, 11, 24))
    assert next_day.outcome == "ok" and next_day.counts["created"] == 0
    with app.app_context():
        assert count(Signal) == created
    assert run_job(app, "digest", today=today).outcome == "ok"
    sent = [to for to, _body in inbox.messages]
    assert sent and len(sent) == len(set(sent))
    assert run_job(app, "digest", today=date(2026, 11, 25)) is None  # same week
    assert len(inbox.messages) == len(sent)
