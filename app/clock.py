"""Today's date in Europe/Amsterdam, overridable by the ``TODAY`` setting (tests, demos)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    fixed = current_app.config.get("TODAY")
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(fixed)
    return datetime.now(AMSTERDAM).date()


def now() -> datetime:
    """The current instant (aware UTC); with a fixed ``TODAY`` (tests, demos) noon of
    that day in Amsterdam, so that "now" and "today" agree."""
    if current_app.config.get("TODAY"):
        return datetime.combine(today(), time(12, 0), tzinfo=AMSTERDAM).astimezone(timezone.utc)
    return datetime.now(timezone.utc)
