"""Monitoring rules on the shared room: a room that is hardly used (with the link to the
revitalisation checklist) and external requests waiting too long for an answer. The
thresholds are the site's room settings; the sweep calls :func:`room_evaluations`."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from models import RequestStatus, Site
from services.governance.localtime import day_start
from services.monitoring.findings import ONGOING, Evaluation, Finding
from services.rooms.requests import requests_of
from services.rooms.rooms import rooms_of, settings_of
from services.rooms.usage import RoomUsage, room_usage


def hardly_used_finding(usage: RoomUsage, weeks: int, link: str) -> Finding | None:
    """A warning when the booked share of the last complete weeks is below the threshold."""
    if not usage.hardly_used:
        return None
    percent = float(usage.recent.share * 100)
    return Finding(
        rule="room_hardly_used", subject=f"room:{usage.room.id}", severity="warning",
        title=f"{usage.room.name} wordt weinig gebruikt",
        explanation=(f"In de laatste {weeks} weken was de ruimte {percent:.0f}% van de "
                     f"openingsuren geboekt (drempel {usage.threshold}%). Zoek de oorzaak "
                     f"met de revitalisatie-checklist."),
        link=link, figures={"share": round(percent, 1), "threshold": usage.threshold})


def waiting_finding(waiting: int, oldest_days: int, limit: int, link: str) -> Finding | None:
    if not waiting:
        return None
    what = "1 aanvraag voor de ruimte wacht" if waiting == 1 else \
        f"{waiting} aanvragen voor de ruimte wachten"
    return Finding(
        rule="room_requests_waiting", subject="requests", severity="warning",
        title=f"{what} op antwoord",
        explanation=(f"De oudste wacht {oldest_days} dagen; de afspraak is binnen {limit} "
                     f"dagen antwoord. Keur goed of wijs af."),
        link=link, figures={"waiting": waiting, "oldest_days": oldest_days})


def room_evaluations(session: Session, site: Site, today: date) -> list[Evaluation]:
    """Hardly used rooms (active rooms older than the usage window) and requests waiting
    longer than the site allows."""
    settings = settings_of(session, site.id)
    base = f"/locaties/{site.id}/ruimte"
    window_start = day_start(today - timedelta(days=today.weekday(),
                                               weeks=settings.usage_weeks))
    found = [hardly_used_finding(room_usage(session, room, settings, today, weeks=1, months=1),
                                 settings.usage_weeks, f"{base}/gebruik")
             for room in rooms_of(session, site.id, active_only=True)
             if room.created_at <= window_start]
    cutoff = day_start(today - timedelta(days=settings.request_wait_days))
    late = [r for r in requests_of(session, site.id, status=RequestStatus.PENDING)
            if r.submitted_at < cutoff]
    oldest = max(((day_start(today) - r.submitted_at).days for r in late), default=0)
    waiting = waiting_finding(len(late), oldest, settings.request_wait_days,
                              f"{base}/aanvragen")
    return [Evaluation("room_hardly_used", (ONGOING,), tuple(f for f in found if f)),
            Evaluation("room_requests_waiting", (ONGOING,), tuple(f for f in [waiting] if f))]
