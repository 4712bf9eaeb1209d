"""Helpers for the hours tests (imported by them; tests/conftest.py stays untouched).

The world of tests/conftest.py: "Het Hofje" starts 2024-01-01, so TODAY (2026-06-15) is
in project year 3; it has 6 units, which :func:`grow` raises to a seed size class.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from models import Unit, User
from services.accounts import site_access
from services.hours import entries as entry_service
from services.hours.entries import EntryData
from tests.conftest import ROLE_EMAILS, TODAY


def grow(session, site, units: int) -> None:
    """Add units until the site has ``units`` (numbered Z001, Z002, ...)."""
    have = session.scalar(sa.select(sa.func.count()).select_from(Unit)
                          .where(Unit.site_id == site.id))
    session.add_all(Unit(site_id=site.id, number=f"Z{n:03d}", unit_type="studio")
                    for n in range(have, units))
    session.flush()


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


def hours_world(app, world):
    """On the world: 72 units; a coach entry in open June, one in May (closed), an
    open-ended scale-up, begeleider hours of both care organisations. Returns plain ids."""
    from types import SimpleNamespace

    from models import Site, db
    from services.hours import settings as norm_settings

    with app.app_context():
        session = db.session
        site = session.get(Site, world.site)
        grow(session, site, 72)
        open_entry = log(session, site, "communitycoach", date(2026, 6, 2), 8, "communitycoach")
        closed_entry = log(session, site, "communitycoach", date(2026, 5, 5), 12,
                           "communitycoach", activity="activiteit")
        log(session, site, "begeleider", date(2026, 5, 6), 10, "begeleider", world.orgs["linde"])
        log(session, site, "sociaal_beheerder", date(2026, 5, 7), 30, "sociaal_beheer",
            site.corporation_id)
        entry_service.close_month(session, site, date(2026, 5, 1),
                                  actor_id=world.users["sociaal_beheerder"], today=TODAY)
        override = norm_settings.record_override(
            session, site, kind="opgeschaald", starts_on=date(2026, 6, 1), ends_on=None,
            hours_per_week=Decimal(10), reason="onrust",
            actor_id=None)
        session.commit()
        ids = SimpleNamespace(open_entry=open_entry.id, closed_entry=closed_entry.id,
                              override=override.id)
        session.remove()
    return ids


def hour_tables(app) -> dict:
    """Every row of the hours tables and the audit log, to compare before and after."""
    from models import (AuditEvent, CoachNormOverride, HourEntry, MonthClosure,
                        SiteHourSettings, db)

    with app.app_context():
        with db.engine.connect() as conn:
            result = {model.__tablename__: sorted(repr(tuple(row)) for row in conn.execute(
                sa.select(model.__table__)))
                      for model in (HourEntry, MonthClosure, CoachNormOverride,
                                    SiteHourSettings, AuditEvent)}
        db.session.remove()
    return result


RESIDENT_NAMES = ("Lies Linde", "Arie Anker", "Vera Vrij", "Otto Open", "Elders Bewoner")
