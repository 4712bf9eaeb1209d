"""Helpers for the hours tests (imported by them; tests/conftest.py stays untouched).

The world of tests/conftest.py: "Het Hofje" starts 2024-01-01, so TODAY (2026-06-15) is
in project year 3; it has 6 units, which :func:`grow` raises to a seed size class.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from models import Unit, User
from services.accounts import site_access
from services.hours import entries as entry_service
from services.hours.entries import EntryData
from services.registry import sites as site_service
from tests.conftest import ROLE_EMAILS, TODAY


def grow(session, site, units: int) -> None:
    """Add units until the site has ``units`` (numbered Z001, Z002, ...)."""
    have = session.scalar(sa.select(sa.func.count()).select_from(Unit)
                          .where(Unit.site_id == site.id))
    for n in range(have, units):
        site_service.save_unit(session, site, None, site_service.UnitData(f"Z{n:03d}", "studio"),
                               actor_id=None)


def user(session, role: str) -> User:
    return session.scalar(sa.select(User).where(User.email == ROLE_EMAILS[role]))


def access_of(session, site, role: str):
    return site_access(user(session, role), site.id)


def log(session, site, role: str, on: date, quarters: int, category: str,
        organisation_id: int | None = None, activity: str = "outreach", today: date = TODAY):
    """Log hours as the world's account of ``role``."""
    person = user(session, role)
    return entry_service.log_entry(
        session, site, site_access(person, site.id), person_id=person.id,
        data=EntryData(on, quarters, category, activity, organisation_id), today=today)
