"""The installation's own health: the scheduler's heartbeat, the outbox, and the
signals about them for the administrators.

Each scheduler process rewrites its heartbeat row every minute (:func:`beat`) and then
evaluates :func:`installation_evaluations`, so the signals follow within a minute; the
same evaluation runs from ``flask scheduler check`` (for a timer outside the scheduler,
which still notices when no scheduler runs at all). A scheduler that starts after a
silence of an hour or more records that gap as a signal of its own (:func:`gap_evaluation`),
which stays open until an administrator resolves it.

These signals have no site and the audience "admin": they are shown on Beheer ->
Geplande taken and in the administrators' weekly digest. Texts are Dutch, like the other
rules' (they are stored on the signal and mailed).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import OutgoingMail, SchedulerHeartbeat, Signal
from services.monitoring import mail
from services.monitoring.findings import ONGOING, Evaluation, Finding
from services.monitoring.signals import Raised, SyncCounts, sync
from services.webhooks import delivery as webhook_delivery

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: no heartbeat for this long: the administrators get a signal
SILENCE_SIGNAL_AFTER = timedelta(hours=1)
ADMIN = "admin"
JOBS_PAGE = "/beheer/taken"


def _local(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def beat(session: Session, worker: str, now: datetime) -> None:
    """Write this process's heartbeat (one row per process, rewritten)."""
    row = session.scalar(sa.select(SchedulerHeartbeat).where(SchedulerHeartbeat.worker == worker))
    if row is None:
        session.add(SchedulerHeartbeat(worker=worker, started_at=now, beat_at=now))
    else:
        row.beat_at = now
    session.flush()


def latest_beat(session: Session) -> datetime | None:
    """The newest heartbeat of any scheduler process."""
    return session.scalar(sa.select(sa.func.max(SchedulerHeartbeat.beat_at)))


def stuck_mail(session: Session, now: datetime, older_than: timedelta) -> int:
    """Pending messages that have been due for longer than ``older_than``: nothing is
    sending the outbox (a message waiting for its next retry is not stuck)."""
    due_since = sa.func.coalesce(OutgoingMail.next_attempt_at, OutgoingMail.created_at)
    return session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(
        OutgoingMail.status == "pending", due_since < now - older_than)) or 0


def silence_finding(last: datetime | None, now: datetime) -> Finding | None:
    if last is not None and now - last <= SILENCE_SIGNAL_AFTER:
        return None
    since = "nog nooit een hartslag gegeven" if last is None else \
        f"gaf de laatste hartslag op {_local(last)}"
    return Finding(
        rule="scheduler_silent", subject="scheduler", severity="critical", audience=ADMIN,
        title="De planner draait niet",
        explanation=(f"De planner (flask scheduler run) {since}. Zonder planner worden "
                     "geen signalen berekend en geen e-mails verstuurd. Start het proces "
                     "opnieuw; gemiste taken worden daarna ingehaald."),
        link=JOBS_PAGE, figures={"last_beat": last.isoformat() if last else None})


def failed_mail_finding(failed: int) -> Finding | None:
    if not failed:
        return None
    what = "1 e-mail is" if failed == 1 else f"{failed} e-mails zijn"
    return Finding(
        rule="mail_failed", subject="outbox", severity="warning", audience=ADMIN,
        title=f"{what} niet verstuurd",
        explanation=(f"Na {mail.MAX_ATTEMPTS} pogingen verspreid over ongeveer een dag is "
                     "het versturen opgegeven. Controleer het adres of de instellingen van "
                     "de mailserver en verstuur ze opnieuw bij Mislukte e-mails."),
        link=f"{JOBS_PAGE}#mislukte-e-mails", figures={"failed": failed})


def failed_webhook_finding(failed: int) -> Finding | None:
    if not failed:
        return None
    what = "1 webhookbericht is" if failed == 1 else f"{failed} webhookberichten zijn"
    return Finding(
        rule="webhook_failed", subject="webhooks", severity="warning", audience=ADMIN,
        title=f"{what} niet afgeleverd",
        explanation=(f"Na {mail.MAX_ATTEMPTS} pogingen verspreid over ongeveer een dag is "
                     "het afleveren opgegeven: het ontvangende systeem antwoordde niet of "
                     "met een fout. Zie Koppelingen voor het adres en de laatste fout."),
        link="/koppelingen/", figures={"failed": failed})


def installation_evaluations(session: Session, now: datetime) -> list[Evaluation]:
    failed, _latest = mail.failed(session, limit=0)
    found = [("scheduler_silent", silence_finding(latest_beat(session), now)),
             ("mail_failed", failed_mail_finding(failed)),
             ("webhook_failed", failed_webhook_finding(
                 webhook_delivery.failed_count(session)))]
    return [Evaluation(rule, (ONGOING,), tuple(f for f in [finding] if f))
            for rule, finding in found]


def gap_evaluation(previous: datetime | None, now: datetime) -> Evaluation | None:
    """A scheduler starting after at least an hour without heartbeat: the gap, as a
    signal of its own period (the gap's start) that stays open until resolved by hand."""
    if previous is None or now - previous < SILENCE_SIGNAL_AFTER:
        return None
    period = previous.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")
    finding = Finding(
        rule="scheduler_gap", subject="scheduler", severity="warning", audience=ADMIN,
        period=period, title="De planner heeft een tijd niet gedraaid",
        explanation=(f"Van {_local(previous)} tot {_local(now)} gaf geen planner een "
                     "hartslag. Gemiste taken zijn bij de start ingehaald; e-mails uit die "
                     "tijd gaan nu alsnog weg."),
        link=JOBS_PAGE, figures={"from": previous.isoformat(), "to": now.isoformat()})
    return Evaluation("scheduler_gap", (period,), (finding,))


def check(session: Session, now: datetime, raised: list[Raised] | None = None) -> SyncCounts:
    """Store the installation's signals (idempotent, like a site's sweep); ``raised``
    collects those that opened or turned critical."""
    return sync(session, None, installation_evaluations(session, now), now, raised=raised)


def record_start(session: Session, worker: str, now: datetime) -> SyncCounts:
    """A scheduler process starts: record a gap since the last heartbeat, then beat."""
    counts = SyncCounts()
    gap = gap_evaluation(latest_beat(session), now)
    if gap is not None:
        sync(session, None, [gap], now, counts)
    beat(session, worker, now)
    return counts


def open_signals(session: Session) -> list[Signal]:
    """The installation's open and acknowledged signals, newest first."""
    return list(session.scalars(sa.select(Signal).where(
        Signal.site_id.is_(None), Signal.state.in_(("open", "acknowledged")))
        .order_by(Signal.created_at.desc(), Signal.id.desc())))
