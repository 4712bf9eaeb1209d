"""Residents' participation in the community (DOMAIN.md rule 2: in a healthy community
about 50-70% of the residents contribute actively; not every contribution is visible).

A record is one dated, visible contribution of a resident: organised an activity, took
part, helps neighbours, sits on a commission (recorded by services/association/board.py
when someone joins one). Activities of the room agenda can be linked once it exists.

Choice: ``Resident.actively_contributes`` stays the one stored judgement that the
registry, the monitoring rule (services/monitoring/sweep.py) and the share on this page
all read, so they always agree. Recording a contribution sets it. It is only cleared by
hand (here, or in the registry), never because no contribution was recorded lately:
seed 004 warns "Niet iedere bijdrage is meetbaar of zichtbaar!". The page lists who is
marked active without a record in the last 12 months, so the board can look again.
No care data is read or shown here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import ParticipationKind, ParticipationRecord, Resident, Unit
from services import audit
from services.errors import N_, NotFound, RuleViolation

LOW, HIGH = Fraction(1, 2), Fraction(7, 10)
RECENT_MONTHS = 12


def share_status(active: int, total: int) -> tuple[Fraction | None, str]:
    """The share of active residents and where it lies against 50-70% (pure):
    ``laag``, ``binnen``, ``hoog``, or ``leeg`` without residents."""
    if total == 0:
        return None, "leeg"
    share = Fraction(active, total)
    return share, "laag" if share < LOW else "hoog" if share > HIGH else "binnen"


def get_resident(session: Session, site_id: int, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None or resident.unit.site_id != site_id:
        raise NotFound(resident_id)
    return resident


def record(session: Session, resident: Resident, *, kind: str | None, on: date | None,
           note: str | None, actor_id: int | None, today: date,
           commission_id: int | None = None) -> ParticipationRecord:
    """Record a contribution; the resident counts as actively contributing from now on."""
    if kind not in set(ParticipationKind):
        raise RuleViolation(N_("Kies wat de bewoner deed."), field="kind")
    if on is None or on > today:
        raise RuleViolation(N_("Vul een datum in, niet in de toekomst."), field="on")
    if not resident.is_current(on):
        raise RuleViolation(N_("%(name)s woonde toen niet op de locatie."), field="on",
                            name=resident.name)
    row = ParticipationRecord(resident_id=resident.id, kind=kind, on=on,
                              note=(note or "").strip()[:300] or None,
                              commission_id=commission_id, recorded_by_id=actor_id)
    session.add(row)
    if not resident.actively_contributes:
        resident.actively_contributes = True
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="resident", entity_id=resident.id,
                 action="participation", site_id=resident.unit.site_id,
                 changes={"kind": kind, "on": on})
    return row


def set_active(session: Session, resident: Resident, *, active: bool,
               actor_id: int | None) -> Resident:
    """Mark or unmark a resident as actively contributing, by judgement."""
    changes = audit.changes_between(resident, {"actively_contributes": active})
    resident.actively_contributes = active
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="resident", entity_id=resident.id,
                 action="update", site_id=resident.unit.site_id, changes=changes)
    return resident


@dataclass(frozen=True)
class ResidentRow:
    resident: Resident
    last: date | None
    recent: int                 # records in the last 12 months
    kinds: tuple[str, ...]      # kinds recorded in the last 12 months

    @property
    def review(self) -> bool:
        """Marked active, but nothing recorded lately: worth a look (not a verdict)."""
        return self.resident.actively_contributes and self.recent == 0


@dataclass(frozen=True)
class SiteParticipation:
    rows: list[ResidentRow]
    active: int
    total: int
    share: Fraction | None
    status: str


def site_participation(session: Session, site_id: int, today: date) -> SiteParticipation:
    """Every current resident of the site with their recent contributions, and the share
    of residents marked as actively contributing."""
    residents = list(session.scalars(
        sa.select(Resident).join(Unit, Unit.id == Resident.unit_id)
        .where(Unit.site_id == site_id, Resident.move_in_date <= today,
               sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > today))
        .order_by(Unit.number, Resident.name)))
    since = today - relativedelta(months=RECENT_MONTHS)
    records: dict[int, list[ParticipationRecord]] = {}
    for row in session.scalars(sa.select(ParticipationRecord).where(
            ParticipationRecord.resident_id.in_([r.id for r in residents]))
            .order_by(ParticipationRecord.on)):
        records.setdefault(row.resident_id, []).append(row)
    rows = []
    for resident in residents:
        mine = records.get(resident.id, [])
        recent = [r for r in mine if r.on > since]
        rows.append(ResidentRow(resident, mine[-1].on if mine else None, len(recent),
                                tuple(dict.fromkeys(r.kind for r in recent))))
    active = sum(r.actively_contributes for r in residents)
    share, status = share_status(active, len(residents))
    return SiteParticipation(rows, active, len(residents), share, status)


def records_of(session: Session, resident_id: int) -> list[ParticipationRecord]:
    return list(session.scalars(sa.select(ParticipationRecord).where(
        ParticipationRecord.resident_id == resident_id).order_by(
        ParticipationRecord.on.desc(), ParticipationRecord.id.desc())))
