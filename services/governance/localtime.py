"""Meetings are stored as UTC instants and shown, planned and exported in Europe/Amsterdam
(a 19:30 meeting stays 19:30 across the clock change)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_instant(day: date, at: time) -> datetime:
    """The UTC instant of ``day`` at ``at`` o'clock in Amsterdam."""
    return datetime.combine(day, at, tzinfo=AMSTERDAM).astimezone(timezone.utc)


def local_day(instant: datetime) -> date:
    return instant.astimezone(AMSTERDAM).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Amsterdam, as a UTC instant."""
    return local_instant(day, time(0, 0))
