"""Carrying out a dry run's plan in the caller's transaction, in batches of
:data:`BATCH_ROWS` rows. Each batch writes its parts, its units, its move-outs, its
move-ins with their first support status, contact and status changes, its new member
households, then one audit event per change and the webhook deliveries of its events,
each kind of record as one multi-row statement. So the number of statements per batch
does not depend on the rows in it: a file of 5,000 rows takes ten batches of the
statements one of 500 rows takes (docs/performance.md).

SQLite cannot return the ids of a multi-row INSERT in the order of its rows, so there
SQLAlchemy would insert new units, residents, parts and members one row at a time to
learn each id. Instead the batch numbers them itself (:func:`_number`), which is safe
because the caller already wrote the upload's row and so holds SQLite's database-wide
write lock: nobody else inserts until the commit. PostgreSQL gets the ids of a multi-row
INSERT ... RETURNING in order and numbers them from its sequences as usual.

The rows were checked by :mod:`services.imports.plan` with the registry's own rules
(the unit types, one current resident per unit that is not shared, move-out after
move-in and after the last status change, a begeleid status with an active care
organisation and 0-168 hours); the database constraints hold the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from models import (AssociationMember, AuditEvent, Resident, Site, SitePart, SupportPeriod,
                    Unit)
from services import audit
from services.association import members as member_service
from services.imports.plan import REFUSED, Plan
from services.imports.reading import normalise_name
from services.registry.residents import SupportData, current_status
from services.webhooks import events as webhooks

#: rows per batch: the inserts of a batch fit one multi-row statement each
BATCH_ROWS = 500
#: a batch's audit events and support periods in one statement: NULLs sent as values
#: (else rows with and without a care organisation make separate statements), and one
#: page (below the parameter limits: 500 rows write at most a few thousand events)
ONE_STATEMENT = {"render_nulls": True, "insertmanyvalues_page_size": 10_000}


def _number(session: Session, model, objects: list) -> None:
    """On SQLite, give new rows their ids so the ORM sends one multi-row INSERT (see the
    module docstring); elsewhere the database numbers them."""
    if not objects or session.get_bind().dialect.name != "sqlite":
        return
    start = session.scalar(sa.select(sa.func.max(model.id))) or 0
    for number, obj in enumerate(objects, start=start + 1):
        obj.id = number


def _part_named(action: tuple) -> Any:
    """The part an action names: a new part's name (a str), an existing part's id."""
    if action[0] == "part":
        return action[1]
    if action[0] == "unit_create":
        return action[4]
    if action[0] == "unit_update":
        return action[2].get("part_id")
    return None


@dataclass
class _Writer:
    """What the batches of one import share: the parts and units made so far."""

    session: Session
    site: Site
    import_id: int
    actor_id: int | None
    parts: dict[str, SitePart] = field(default_factory=dict)
    units: dict[Any, Unit] = field(default_factory=dict)

    # --- per batch -------------------------------------------------------------------

    def batch(self, rows: list) -> None:
        self.audits: list[tuple[str, Any, str, dict]] = []
        self.events: list[webhooks.Event] = []
        self._parts(rows)
        self._units(rows)
        residents = self._residents(rows)
        self._move_outs(rows, residents)
        self._move_ins_and_changes(rows, residents)
        self._audit()
        webhooks.queue(self.session, self.site.id, self.events)

    def log(self, row, entity_type: str, obj, action: str, changes: dict) -> None:
        self.audits.append((entity_type, obj, action,
                            {**changes, "import_id": self.import_id, "line": row.line}))

    def part_id(self, ref):
        """A part's id: an existing one (an int), or one this import created."""
        if ref is None or isinstance(ref, int):
            return ref
        return self.parts[normalise_name(ref)].id

    def _parts(self, rows: list) -> None:
        """The parts the batch names, also those first named by a refused row."""
        made = []
        for row in rows:
            for action in row.actions:
                name = _part_named(action)
                if isinstance(name, str) and normalise_name(name) not in self.parts:
                    part = SitePart(site_id=self.site.id, name=name)
                    self.parts[normalise_name(name)] = part
                    made.append(part)
                    self.log(row, "site_part", part, "create", {"name": name})
        _number(self.session, SitePart, made)
        self.session.add_all(made)
        self.session.flush()
        if made:
            self.session.expire(self.site, ["parts"])

    def _units(self, rows: list) -> None:
        wanted = {a[1] for row in rows for a in row.actions if a[0] == "unit_update"}
        wanted |= {a[1] for row in rows for a in row.actions
                   if a[0] == "move_in" and isinstance(a[1], int)}
        wanted -= set(self.units)
        if wanted:
            self.units.update({u.id: u for u in self.session.scalars(
                sa.select(Unit).where(Unit.id.in_(wanted)))})
        made = []
        for row in rows:
            for action in row.actions:
                if action[0] == "unit_create":
                    _, key, number, unit_type, part_ref, shared = action
                    unit = Unit(site_id=self.site.id, number=number, unit_type=unit_type,
                                part_id=self.part_id(part_ref), shared=shared)
                    made.append(unit)
                    self.units[key] = unit
                    self.log(row, "unit", unit, "create", {
                        "number": number, "unit_type": unit_type, "part_id": unit.part_id,
                        "shared": shared})
                    self.events.append(webhooks.unit_event(unit, created=True))
                elif action[0] == "unit_update":
                    unit = self.units[action[1]]
                    values = {k: self.part_id(v) if k == "part_id" else v
                              for k, v in action[2].items()}
                    changes = audit.changes_between(unit, values)
                    for k, v in values.items():
                        setattr(unit, k, v)
                    self.log(row, "unit", unit, "update", changes)
                    self.events.append(webhooks.unit_event(unit, False, changes))
        _number(self.session, Unit, made)
        self.session.add_all(made)
        self.session.flush()

    def _residents(self, rows: list) -> dict[int, Resident]:
        """The existing residents the batch changes, with their support history."""
        ids = {a[1] for row in rows for a in row.actions
               if a[0] in ("move_out", "contact", "status")}
        if not ids:
            return {}
        return {r.id: r for r in self.session.scalars(
            sa.select(Resident).where(Resident.id.in_(ids))
            .options(selectinload(Resident.support_periods), selectinload(Resident.unit)))}

    def _move_outs(self, rows: list, residents: dict[int, Resident]) -> None:
        moved_out = []
        for row in rows:
            for action in row.actions:
                if action[0] == "move_out":
                    resident = residents[action[1]]
                    resident.move_out_date = action[2]
                    resident.move_out_reason = "verhuisd (import)"
                    moved_out.append(resident)
                    self.log(row, "resident", resident, "move_out",
                             {"move_out_date": action[2], "reason": resident.move_out_reason})
                    self.events.append(webhooks.resident_event(
                        webhooks.MOVED_OUT, resident, resident.unit,
                        current_status(resident, action[2] - timedelta(days=1))))
        self.session.flush()
        if not moved_out:
            return
        # memberships of which they are the contact end with the move (found at once;
        # each one that ends cancels its own dues)
        by_resident = {r.id: r for r in moved_out}
        for member in self.session.scalars(sa.select(AssociationMember).where(
                AssociationMember.resident_id.in_(by_resident),
                AssociationMember.ends_on.is_(None)).order_by(AssociationMember.id)):
            resident = by_resident[member.resident_id]
            member_service.end_membership(
                self.session, member, ends_on=max(resident.move_out_date, member.starts_on),
                reason="verhuisd", actor_id=self.actor_id)

    def _move_ins_and_changes(self, rows: list, residents: dict[int, Resident]) -> None:
        new_residents, members, periods = [], [], []
        member_units = {a[1] for row in rows for a in row.actions if a[0] == "member"}
        units = {u.id: u for u in self.session.scalars(
            sa.select(Unit).where(Unit.id.in_(member_units)))} if member_units else {}
        for row in rows:
            for action in row.actions:
                kind = action[0]
                if kind == "move_in":
                    _, unit_ref, name, move_in, contact, support = action
                    unit = self.units[unit_ref]
                    # every column with a server default given, so nothing is fetched back
                    resident = Resident(unit=unit, name=name, move_in_date=move_in,
                                        email=contact.get("email"), phone=contact.get("phone"),
                                        actively_contributes=False)
                    new_residents.append(resident)
                    periods.append((resident, move_in, support, None))
                    self.log(row, "resident", resident, "move_in",
                             {"unit": unit.number, "move_in_date": move_in,
                              "status": support[0], "name": name, **contact})
                    self.events.append(webhooks.resident_event(
                        webhooks.MOVED_IN, resident, unit, SupportData(*support)))
                elif kind == "contact":
                    resident = residents[action[1]]
                    changes = audit.changes_between(resident, action[2])
                    for k, v in action[2].items():
                        setattr(resident, k, v)
                    self.log(row, "resident", resident, "update", changes)
                elif kind == "status":
                    _, resident_id, valid_from, support = action
                    periods.append((residents[resident_id], valid_from, support, "import"))
                    self.log(row, "resident", residents[resident_id], "status_change",
                             {"valid_from": valid_from, "status": support[0],
                              "care_organisation_id": support[1],
                              "indicated_hours": support[2]})
                elif kind == "member":
                    _, unit_id, resident_id, number, since = action
                    member = AssociationMember(
                        association_id=self.site.association_id, number=number,
                        unit_id=unit_id, resident_id=resident_id, starts_on=since,
                        created_by_id=self.actor_id)
                    members.append((member, units[unit_id]))
                    self.log(row, "assoc_member", member, "create",
                             {"number": number, "resident": resident_id, "starts_on": since})
        _number(self.session, Resident, new_residents)
        _number(self.session, AssociationMember, [m for m, _unit in members])
        self.session.add_all(new_residents + [m for m, _unit in members])
        self.session.flush()
        self.events += [webhooks.member_event(m, unit) for m, unit in members]
        if periods:
            self.session.execute(sa.insert(SupportPeriod).execution_options(**ONE_STATEMENT), [
                {"resident_id": resident.id, "valid_from": valid_from, "status": support[0],
                 "care_organisation_id": support[1], "indicated_hours": support[2],
                 "recorded_by_id": self.actor_id, "note": note}
                for resident, valid_from, support, note in periods])

    def _audit(self) -> None:
        if not self.audits:
            return
        self.session.execute(sa.insert(AuditEvent).execution_options(**ONE_STATEMENT), [
            {"actor_id": self.actor_id, "entity_type": entity_type, "entity_id": obj.id,
             "action": action, "site_id": self.site.id,
             "changes": {k: audit._plain(v) for k, v in changes.items()}}
            for entity_type, obj, action, changes in self.audits])


def apply_plan(session: Session, site: Site, plan: Plan, *, import_id: int,
               actor_id: int | None, today: date) -> None:
    """Write the plan's rows that are not refused, batch by batch (the caller commits)."""
    rows = [row for row in plan.rows if row.outcome != REFUSED and row.actions]
    writer = _Writer(session, site, import_id, actor_id)
    for start in range(0, len(rows), BATCH_ROWS):
        writer.batch(rows[start:start + BATCH_ROWS])
