"""Plain Dutch for the texts the domain writes itself (signal titles, refusals): month
names and counted nouns, without flask (the app's filters do the same for pages)."""
from __future__ import annotations

from datetime import date

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


def month_name(on: date) -> str:
    """"november 2026" (not 11-2026)."""
    return f"{MONTHS[on.month - 1]} {on.year}"


def long_date(on: date) -> str:
    """"14 april 2022" (not 14-04-2022)."""
    return f"{on.day} {MONTHS[on.month - 1]} {on.year}"


def counted(n: int, one: str, many: str) -> str:
    """"1 actiepunt", "3 actiepunten" (not "3 actiepunt(en)")."""
    return f"{n} {one if n == 1 else many}"
