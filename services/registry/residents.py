"""Operations on residents: move in, edit, support-status changes, move out, search.

Nothing is deleted: a move-out closes the stay, a status change adds a dated
``SupportPeriod``, and every change is written to the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from models import (Organisation, OrgKind, Resident, SitePart, SupportPeriod, SupportStatus,
                    Unit)
from services import audit
from services.access import SiteAccess
from services.errors import N_, NotFound, RuleViolation
from services.registry.mix import StatusRecord, status_on
from services.webhooks import events as webhooks


@dataclass(frozen=True)
class PersonalData:
    """The editable, non-care fields of a resident."""

    name: str
    email: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None
    actively_contributes: bool = False
    contribution_notes: str | None = None
    talents: str | None = None


@dataclass(frozen=True)
class SupportData:
    status: str
    care_organisation_id: int | None = None
    indicated_hours: Decimal | None = None


def _clean(data: PersonalData, today: date) -> dict:
    values = {k: (v.strip() or None) if isinstance(v, str) else v
              for k, v in data.__dict__.items()}
    if not values["name"]:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    if values["date_of_birth"] and values["date_of_birth"] > today:
        raise RuleViolation(N_("De geboortedatum ligt in de toekomst."), field="date_of_birth")
    return values


def _check_support(session: Session, support: SupportData) -> None:
    if support.status not in set(SupportStatus):
        raise RuleViolation(N_("Kies begeleid of onbegeleid."), field="status")
    if support.status == SupportStatus.ONBEGELEID:
        if support.care_organisation_id is not None or support.indicated_hours is not None:
            raise RuleViolation(N_("Een onbegeleide bewoner heeft geen zorgaanbieder of "
                                   "geïndiceerde uren."), field="care_organisation_id")
        return
    org = (session.get(Organisation, support.care_organisation_id)
           if support.care_organisation_id else None)
    if org is None or org.kind != OrgKind.ZORGAANBIEDER or not org.active:
        raise RuleViolation(N_("Kies de zorgaanbieder van deze begeleide bewoner."),
                            field="care_organisation_id")
    hours = support.indicated_hours
    if hours is not None and not (Decimal(0) <= hours <= Decimal(168)):
        raise RuleViolation(N_("Geïndiceerde uren per week liggen tussen 0 en 168."),
                            field="indicated_hours")


def unit_is_free(session: Session, unit: Unit, move_in: date,
                 ignore_resident_id: int | None = None) -> bool:
    """Whether nobody lives in ``unit`` on or after ``move_in`` (shared units are always free)."""
    if unit.shared:
        return True
    clash = sa.select(Resident.id).where(
        Resident.unit_id == unit.id,
        sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > move_in))
    if ignore_resident_id is not None:
        clash = clash.where(Resident.id != ignore_resident_id)
    return session.scalar(clash.limit(1)) is None


def vacant_units(session: Session, site_id: int, on: date) -> list[Unit]:
    """Units of the site free for a move-in on ``on`` (shared units included)."""
    taken = sa.select(Resident.unit_id).where(
        Resident.unit_shared.is_(False),
        sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > on))
    return list(session.scalars(
        sa.select(Unit).where(Unit.site_id == site_id,
                              sa.or_(Unit.shared.is_(True), Unit.id.not_in(taken)))
        .order_by(Unit.number)))


def get_resident(session: Session, site_id: int, resident_id: int) -> Resident:
    """The resident if it lives (or lived) on the site, else :class:`NotFound`."""
    resident = session.scalar(
        sa.select(Resident).join(Unit, Unit.id == Resident.unit_id)
        .where(Resident.id == resident_id, Unit.site_id == site_id))
    if resident is None:
        raise NotFound(resident_id)
    return resident


def add_resident(session: Session, *, site_id: int, unit_id: int, move_in: date,
                 person: PersonalData, support: SupportData, actor_id: int | None,
                 today: date) -> Resident:
    """Register a resident moving into a vacant unit, with the first support status."""
    values = _clean(person, today)
    unit = session.get(Unit, unit_id)
    if unit is None or unit.site_id != site_id:
        raise RuleViolation(N_("Kies een wooneenheid van deze locatie."), field="unit_id")
    if not unit_is_free(session, unit, move_in):
        raise RuleViolation(N_("Wooneenheid %(number)s is op %(date)s niet vrij."),
                            field="unit_id", number=unit.number, date=move_in.isoformat())
    _check_support(session, support)
    resident = Resident(unit=unit, move_in_date=move_in, **values)
    session.add(resident)
    session.flush()
    session.add(SupportPeriod(resident_id=resident.id, valid_from=move_in,
                              recorded_by_id=actor_id, **support.__dict__))
    audit.record(session, actor_id=actor_id, entity_type="resident", entity_id=resident.id,
                 action="move_in", site_id=site_id,
                 changes={"unit": unit.number, "move_in_date": move_in,
                          "status": support.status, **values})
    session.flush()
    webhooks.queue(session, site_id, [webhooks.resident_event(webhooks.MOVED_IN, resident,
                                                              unit, support)])
    return resident


def update_resident(session: Session, resident: Resident, person: PersonalData, *,
                    actor_id: int | None, today: date) -> dict:
    """Change the personal fields; returns what changed (empty if nothing did)."""
    values = _clean(person, today)
    changes = audit.changes_between(resident, values)
    if changes:
        for name, value in values.items():
            setattr(resident, name, value)
        audit.record(session, actor_id=actor_id, entity_type="resident",
                     entity_id=resident.id, action="update", changes=changes,
                     site_id=resident.unit.site_id)
        session.flush()
    return changes


def current_status(resident: Resident, on: date) -> StatusRecord | None:
    """The resident's support status on ``on``."""
    return status_on(tuple(StatusRecord(p.valid_from, p.status, p.care_organisation_id,
                                        p.indicated_hours)
                           for p in sorted(resident.support_periods, key=lambda p: p.id)), on)


def record_status_change(session: Session, resident: Resident, *, valid_from: date,
                         support: SupportData, note: str | None,
                         actor_id: int | None) -> SupportPeriod:
    """Add a dated support status (begeleid <-> onbegeleid, another care organisation or
    other indicated hours). Earlier periods stay as they are."""
    if valid_from < resident.move_in_date:
        raise RuleViolation(N_("De datum ligt vóór de verhuisdatum van de bewoner."),
                            field="valid_from")
    if resident.move_out_date is not None and valid_from >= resident.move_out_date:
        raise RuleViolation(N_("De bewoner is op die datum al vertrokken."), field="valid_from")
    _check_support(session, support)
    before = current_status(resident, valid_from)
    if before is not None and (before.status, before.care_organisation_id,
                               before.indicated_hours) == (support.status,
                                                           support.care_organisation_id,
                                                           support.indicated_hours):
        raise RuleViolation(N_("Dit is al de status op die datum; er verandert niets."),
                            field="status")
    period = SupportPeriod(resident_id=resident.id, valid_from=valid_from,
                           note=(note or "").strip() or None, recorded_by_id=actor_id,
                           **support.__dict__)
    session.add(period)
    audit.record(session, actor_id=actor_id, entity_type="resident", entity_id=resident.id,
                 action="status_change", site_id=resident.unit.site_id,
                 changes={"valid_from": valid_from, "status": support.status,
                          "care_organisation_id": support.care_organisation_id,
                          "indicated_hours": support.indicated_hours})
    session.flush()
    return period


def record_move_out(session: Session, resident: Resident, *, move_out: date,
                    reason: str | None, actor_id: int | None) -> None:
    """Close the resident's stay; the unit is vacant from ``move_out`` on."""
    if resident.move_out_date is not None:
        raise RuleViolation(N_("Het vertrek van deze bewoner is al vastgelegd."),
                            field="move_out_date")
    if move_out < resident.move_in_date:
        raise RuleViolation(N_("De vertrekdatum ligt vóór de verhuisdatum."),
                            field="move_out_date")
    last_change = max((p.valid_from for p in resident.support_periods), default=None)
    if last_change is not None and move_out < last_change:
        raise RuleViolation(N_("Er staat na deze datum nog een statuswijziging."),
                            field="move_out_date")
    resident.move_out_date = move_out
    resident.move_out_reason = (reason or "").strip() or None
    audit.record(session, actor_id=actor_id, entity_type="resident", entity_id=resident.id,
                 action="move_out", site_id=resident.unit.site_id,
                 changes={"move_out_date": move_out, "reason": resident.move_out_reason})
    session.flush()
    webhooks.queue(session, resident.unit.site_id, [webhooks.resident_event(
        webhooks.MOVED_OUT, resident, resident.unit, current_status(resident, move_out
                                                                    - timedelta(days=1)))])


@dataclass(frozen=True)
class ResidentRow:
    """A resident as a list shows it. Care fields are ``None`` when the viewer may not
    see them (``care_visible`` is False): templates never receive hidden care data."""

    id: int
    name: str
    unit_number: str
    part_name: str | None
    email: str | None
    phone: str | None
    move_in_date: date
    move_out_date: date | None
    actively_contributes: bool
    care_visible: bool
    status: str | None
    care_organisation: str | None
    indicated_hours: Decimal | None


def find_residents(session: Session, access: SiteAccess, *, today: date, query: str = "",
                   part_id: int | None = None, status: str | None = None,
                   moved_out: bool = False) -> list[ResidentRow]:
    """Residents of the site (current ones, or those who moved out), filtered and
    redacted for ``access``. A status filter only matches residents whose care data
    the viewer may see, so filtering never reveals a hidden status."""
    stmt = (sa.select(Resident, Unit.number, SitePart.name)
            .join(Unit, Unit.id == Resident.unit_id)
            .outerjoin(SitePart, SitePart.id == Unit.part_id)
            .where(Unit.site_id == access.site_id)
            .options(selectinload(Resident.support_periods)))
    if moved_out:
        stmt = stmt.where(Resident.move_out_date.is_not(None), Resident.move_out_date <= today)
    else:
        stmt = stmt.where(sa.or_(Resident.move_out_date.is_(None),
                                 Resident.move_out_date > today))
    if part_id:
        stmt = stmt.where(Unit.part_id == part_id)
    if query.strip():
        pattern = f"%{query.strip().lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(Resident.name).like(pattern),
                                 sa.func.lower(Resident.email).like(pattern),
                                 sa.func.lower(Unit.number).like(pattern)))
    org_names = dict(session.execute(sa.select(Organisation.id, Organisation.name)).all())
    rows = []
    for resident, number, part_name in session.execute(stmt.order_by(Unit.number,
                                                                      Resident.name)):
        on = today if resident.move_out_date is None or resident.move_out_date > today \
            else resident.move_out_date - timedelta(days=1)
        record = current_status(resident, on)
        org_id = record.care_organisation_id if record else None
        visible = access.sees_all_care_data or access.sees_care_of(org_id)
        if status and (not visible or record is None or record.status != status):
            continue
        rows.append(ResidentRow(
            resident.id, resident.name, number, part_name, resident.email, resident.phone,
            resident.move_in_date, resident.move_out_date, resident.actively_contributes,
            visible, record.status if visible and record else None,
            org_names.get(org_id) if visible else None,
            record.indicated_hours if visible and record else None))
    return rows

