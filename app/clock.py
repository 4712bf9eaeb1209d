"""Today's date in Europe/Amsterdam, overridable by the ``TODAY`` setting (tests, demos)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    fixed = current_app.config.get("TODAY")
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(fixed)
    return datetime.now(AMSTERDAM).date()
