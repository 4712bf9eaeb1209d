"""The stand van zaken: what changed since the body's last meeting, as the viewer sees it."""
from datetime import date, datetime, time, timedelta, timezone

from models import Signal
from services.access import SiteAccess
from services.governance import bodies, decisions, meetings
from services.governance.localtime import local_instant
from services.governance.status import status_report
from tests.conftest import TODAY, build_world

NOW = local_instant(TODAY, time(12, 0))


def _signal(session, site_id, rule, audience, created, resolved=None):
    session.add(Signal(rule=rule, site_id=site_id, subject=rule, period="-",
                       severity="warning", audience=audience, title=rule, explanation="",
                       created_at=created, last_seen_at=created,
                       state="resolved" if resolved else "open", resolved_at=resolved))


def test_changes_since_the_last_meeting(session):
    w = build_world(session)
    kern = bodies.create_body(session, bodies.BodyData("kerngroep", "Kerngroep", None,
                                                       [w.site.id]),
                              today=date(2026, 1, 1), actor_id=None)
    last = meetings.create_meeting(session, kern, starts_at=local_instant(date(2026, 6, 1),
                                                                           time(19, 30)),
                                   duration_minutes=120, place=None, today=date(2026, 1, 1),
                                   actor_id=None)
    coming = meetings.create_meeting(session, kern, starts_at=local_instant(
        date(2026, 6, 29), time(19, 30)), duration_minutes=120, place=None,
        today=date(2026, 1, 1), actor_id=None)
    decisions.record_decision(session, kern, text="Oud besluit", decided_on=date(2026, 5, 4),
                              actor_id=None)
    decisions.record_decision(session, kern, text="Nieuw besluit",
                              decided_on=date(2026, 6, 8), actor_id=None)
    before, after = last.starts_at - timedelta(days=3), last.starts_at + timedelta(days=3)
    _signal(session, w.site.id, "old", "site", before)
    _signal(session, w.site.id, "new", "site", after)
    _signal(session, w.site.id, "fixed", "site", before, resolved=after)
    _signal(session, w.site.id, "money", "bestuur", after)  # not the kerngroep's to see
    session.flush()
    access = SiteAccess(w.site.id, frozenset({"kerngroep"}))
    report = status_report(session, w.site.id, access, NOW)
    assert (report.last_meeting, report.next_meeting) == (last, coming)
    assert [d.text for d in report.decisions] == ["Nieuw besluit"]
    assert [s.rule for s in report.new_signals] == ["new"]
    assert [s.rule for s in report.resolved_signals] == ["fixed"]


def test_without_a_meeting_the_last_30_days(session):
    w = build_world(session)
    report = status_report(session, w.site.id, SiteAccess(w.site.id, frozenset({"stuurgroep"})),
                           datetime(2026, 6, 15, 10, tzinfo=timezone.utc))
    assert report.last_meeting is None and report.bodies == []
    assert report.since == datetime(2026, 5, 16, 10, tzinfo=timezone.utc)
