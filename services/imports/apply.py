"""Carrying out a dry run's plan in the caller's transaction, in batches: the parts, the
units, the move-outs, the move-ins with their first support status, contact and status
changes, the new member households, then one audit event per change. The number of
statements depends on the number of batches, not of rows (SQLAlchemy sends the inserts
of a batch as multi-row statements).

The rows were checked by :mod:`services.imports.plan` with the registry's own rules
(the unit types, one current resident per unit that is not shared, move-out after
move-in and after the last status change, a begeleid status with an active care
organisation and 0-168 hours); the database constraints hold the rest.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (AssociationMember, AuditEvent, Resident, Site, SitePart, SupportPeriod,
                    Unit)
from services import audit
from services.association import members as member_service
from services.imports.plan import REFUSED, Plan
from services.imports.reading import normalise_name


@dataclass
class _Audit:
    entity_type: str
    obj: Any
    action: str
    changes: dict


def apply_plan(session: Session, site: Site, plan: Plan, *, import_id: int,
               actor_id: int | None, today: date) -> None:
    rows = [row for row in plan.rows if row.outcome != REFUSED and row.actions]
    events: list[_Audit] = []

    def log(row, entity_type, obj, action, changes):
        events.append(_Audit(entity_type, obj, action,
                             {**changes, "import_id": import_id, "line": row.line}))

    new_parts: dict[str, SitePart] = {}
    for row in rows:
        for action in row.actions:
            if action[0] == "part":
                part = SitePart(site_id=site.id, name=action[1])
                session.add(part)
                new_parts[normalise_name(action[1])] = part
                log(row, "site_part", part, "create", {"name": action[1]})
    session.flush()
    if new_parts:
        session.expire(site, ["parts"])

    def part_id(ref, row):
        """A part's id: an existing one, or one this import creates (also when the row
        that first named it was refused)."""
        if ref is None or isinstance(ref, int):
            return ref
        key = normalise_name(ref)
        if key not in new_parts:
            part = SitePart(site_id=site.id, name=ref)
            session.add(part)
            session.flush()
            new_parts[key] = part
            log(row, "site_part", part, "create", {"name": part.name})
            session.expire(site, ["parts"])
        return new_parts[key].id

    units: dict[Any, Unit] = {}
    existing_ids = {a[1] for row in rows for a in row.actions if a[0] == "unit_update"}
    existing_ids |= {a[1] for row in rows for a in row.actions
                     if a[0] == "move_in" and isinstance(a[1], int)}
    if existing_ids:
        units.update({u.id: u for u in session.scalars(sa.select(Unit).where(
            Unit.id.in_(existing_ids)))})
    for row in rows:
        for action in row.actions:
            if action[0] == "unit_create":
                _, key, number, unit_type, part_ref, shared = action
                unit = Unit(site_id=site.id, number=number, unit_type=unit_type,
                            part_id=part_id(part_ref, row), shared=shared)
                session.add(unit)
                units[key] = unit
                log(row, "unit", unit, "create", {"number": number, "unit_type": unit_type,
                                                  "part_id": unit.part_id, "shared": shared})
            elif action[0] == "unit_update":
                unit = units[action[1]]
                values = {k: part_id(v, row) if k == "part_id" else v
                          for k, v in action[2].items()}
                changes = audit.changes_between(unit, values)
                for k, v in values.items():
                    setattr(unit, k, v)
                log(row, "unit", unit, "update", changes)
    session.flush()

    resident_ids = {a[1] for row in rows for a in row.actions
                    if a[0] in ("move_out", "contact", "status")}
    residents = {r.id: r for r in session.scalars(sa.select(Resident).where(
        Resident.id.in_(resident_ids)))} if resident_ids else {}
    moved_out = []
    for row in rows:
        for action in row.actions:
            if action[0] == "move_out":
                resident = residents[action[1]]
                resident.move_out_date = action[2]
                resident.move_out_reason = "verhuisd (import)"
                moved_out.append(resident)
                log(row, "resident", resident, "move_out",
                    {"move_out_date": action[2], "reason": resident.move_out_reason})
    session.flush()
    for resident in moved_out:  # memberships of which they are the contact end with it
        member_service.end_on_move_out(session, resident, actor_id=actor_id)

    for row in rows:
        for action in row.actions:
            kind = action[0]
            if kind == "move_in":
                _, unit_ref, name, move_in, contact, support = action
                resident = Resident(unit=units[unit_ref], name=name, move_in_date=move_in,
                                    email=contact.get("email"), phone=contact.get("phone"))
                session.add(resident)
                session.add(SupportPeriod(resident=resident, valid_from=move_in,
                                          status=support[0], care_organisation_id=support[1],
                                          indicated_hours=support[2], recorded_by_id=actor_id))
                log(row, "resident", resident, "move_in",
                    {"unit": units[unit_ref].number, "move_in_date": move_in,
                     "status": support[0], "name": name, **contact})
            elif kind == "contact":
                resident = residents[action[1]]
                changes = audit.changes_between(resident, action[2])
                for k, v in action[2].items():
                    setattr(resident, k, v)
                log(row, "resident", resident, "update", changes)
            elif kind == "status":
                _, resident_id, valid_from, support = action
                session.add(SupportPeriod(resident_id=resident_id, valid_from=valid_from,
                                          status=support[0], care_organisation_id=support[1],
                                          indicated_hours=support[2], recorded_by_id=actor_id,
                                          note="import"))
                log(row, "resident", residents[resident_id], "status_change",
                    {"valid_from": valid_from, "status": support[0],
                     "care_organisation_id": support[1], "indicated_hours": support[2]})
            elif kind == "member":
                _, unit_id, resident_id, number, since = action
                member = AssociationMember(association_id=site.association_id, number=number,
                                           unit_id=unit_id, resident_id=resident_id,
                                           starts_on=since, created_by_id=actor_id)
                session.add(member)
                log(row, "assoc_member", member, "create",
                    {"number": number, "resident": resident_id, "starts_on": since})
    session.flush()
    session.add_all([AuditEvent(actor_id=actor_id, entity_type=e.entity_type,
                                entity_id=e.obj.id, action=e.action, site_id=site.id,
                                changes={k: audit._plain(v) for k, v in e.changes.items()})
                     for e in events])
    session.flush()
