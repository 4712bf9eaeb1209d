"""A demo month of mail, scanned for care data. On the demo site every event that sends
mail happens for a month (bookings made, moved, cancelled and booked again, the room
request decided, meetings planned and moved, the IMO, minutes, action items) while the
scheduler's jobs run day by day: the monitor (with the mix raised to urgent, so its
signal goes out at once), the daily action reminders and the weekly digest. Every
message that reaches the SMTP server, every part and attachment, is then searched for
the care data in the database: the name of any resident who is or was supported, any
individual's indicated hours, and the words of support status or indication outside the
published, aggregate figures of the mix. A care organisation may be named (its 10% is
reported per organisation, in aggregate, to who may see it); its tie to a person could
only be told by naming the person, which the scan forbids."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.jobs import run_job, send_outbox
from models import (ActionItem, Booking, BookingSeries, ImoMeeting, Meeting, Resident,
                    RoomRequest, SupportPeriod, db)
from services.monitoring import rules
from services.notify import events
from services.notify.events import Context
from services.rooms import bookings, requests as request_service
from services.seed import demo
from tests.conftest import PASSWORD, TODAY
from tests.web.mail_support import BASE, smtp  # noqa: F401

DAYS = 31
#: aggregate phrases of the published mix (signal titles and explanations): allowed
AGGREGATE = (r"\d+ begeleide van \d+ bewoners", r"te (veel|weinig) begeleid",
             r"aandeel begeleide bewoners", r"aandeel begeleid")
STATUS_WORDS = re.compile(r"\b(on)?begeleide?\b|\bindicatie|geïndiceerd", re.IGNORECASE)


def _now(day) -> datetime:
    return datetime(day.year, day.month, day.day, 5, tzinfo=timezone.utc)


def _events(session, day, offset: int) -> None:
    """The events of one day of the month (the demo's own rows, in turn)."""
    ctx = Context(base_url=BASE, now=_now(day), sender="noaber@localhost")
    series = list(session.scalars(sa.select(BookingSeries).where(
        BookingSeries.booked_by_id.is_not(None)).order_by(BookingSeries.id)))
    if offset == 0:
        for one in series:
            events.booking_made(session, one, ctx)
        for meeting in session.scalars(sa.select(Meeting)):
            events.meeting_planned(session, meeting, ctx)
            events.minutes_ready(session, meeting, ctx)
        for meeting in session.scalars(sa.select(ImoMeeting)):
            events.imo_planned(session, meeting, ctx)
            events.imo_minutes_ready(session, meeting, ctx)
        for action in session.scalars(sa.select(ActionItem)):
            events.action_assigned(session, action, ctx)
        for request in session.scalars(sa.select(RoomRequest)):
            events.request_received(session, request, ctx)
    if offset == 3:
        for request in session.scalars(sa.select(RoomRequest).where(
                RoomRequest.status == "pending")):
            request_service.approve(session, request, actor_id=None, today=day, now=ctx.now)
            events.request_decided(session, request, ctx)
    if offset == 7:
        booking = session.scalar(sa.select(Booking).where(
            Booking.series_id.in_([one.id for one in series]), Booking.status == "booked",
            Booking.starts_at > ctx.now + timedelta(days=2)).order_by(Booking.starts_at)
            .limit(1))
        assert booking is not None
        cancelled = bookings.cancel(session, booking, scope="one", actor_id=None, now=ctx.now)
        events.booking_changed(session, cancelled, "cancelled", ctx)
        again = bookings.restore_cancelled(session, booking, actor_id=None, today=day,
                                           now=ctx.now)
        events.booking_changed(session, again, "readded", ctx)


def care_data(session) -> list[str]:
    """What the scan looks for: names of supported residents and the indicated hours that
    are no whole number (as written in Dutch, "7,25")."""
    periods = list(session.scalars(sa.select(SupportPeriod)))
    supported = {p.resident_id for p in periods if p.status == "begeleid"}
    names = list(session.scalars(sa.select(Resident.name).where(Resident.id.in_(supported))))
    hours = {form.replace(".", ",") for p in periods
             if p.indicated_hours is not None and p.indicated_hours % 1
             for form in (f"{p.indicated_hours:.2f}", f"{p.indicated_hours.normalize()}")}
    assert names and hours, (names, hours)
    return names + sorted(hours)


def test_a_demo_month_of_mail_carries_no_care_data(app, smtp, monkeypatch):
    inbox = smtp
    real = rules.mix_finding
    monkeypatch.setattr(rules, "mix_finding", lambda *a, **k: (
        f := real(*a, **k)) and f.__class__(**{**f.__dict__, "severity": "critical"}))
    with app.app_context():
        demo.seed_demo(db.session, today=TODAY, password=PASSWORD)
        db.session.commit()
        forbidden = care_data(db.session)
    told = 0
    for offset in range(DAYS):
        day = TODAY + timedelta(days=offset)
        with app.app_context():
            _events(db.session, day, offset)
            db.session.commit()
        for job in ("monitor", "actions", "digest"):
            run = run_job(app, job, today=day, now=_now(day))
            assert run is None or run.outcome in ("ok", "waiting"), run.error
            if run is not None and job == "monitor":
                told += run.counts.get("told_at_once", 0)
        send_outbox(app)
    kinds = {str(m["Subject"]).split(":")[0] for m in inbox.messages}
    assert told >= 1 and {"Urgent", "Noaber", "Geboekt", "Uitnodiging"} <= kinds, kinds
    for message in inbox.messages:
        subject = str(message["Subject"])
        for part in message.walk():
            if part.is_multipart():
                continue
            content = re.sub(r"\s+", " ", part.get_payload(decode=True).decode("utf-8"))
            content = re.sub(r"=\r?\n", "", content)
            for phrase in AGGREGATE:
                content = re.sub(phrase, "", content, flags=re.IGNORECASE)
            for _topic, title in events_fixed_points():
                content = content.replace(title, "")
            for word in forbidden:   # a figure only as itself: "4,5", not in "24,5"
                found = re.search(rf"(?<![\d,]){re.escape(word)}(?![\d])", content,
                                  re.IGNORECASE)
                assert found is None, (word, subject, content[max(0, found.start() - 200):
                                                            found.end() + 100])
            assert not STATUS_WORDS.search(content), (STATUS_WORDS.search(content), subject)
        for word in forbidden:
            assert word.lower() not in subject.lower(), (word, subject)


def events_fixed_points():
    from services.imo.meetings import FIXED_POINTS
    return FIXED_POINTS
