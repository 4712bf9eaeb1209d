"""The dry run of an import: what each row of the file will create, change or refuse,
and why (in Dutch, by row number), against the site as it is now.

Everything the rows are checked against is loaded up front in a fixed number of
queries; the plan then keeps an in-memory picture of the site, so a later row sees what
an earlier one will do (a part created, a unit's resident moving out). Nothing is
written here: :mod:`services.imports.apply` carries a plan out.
"""
from __future__ import annotations

import re
from types import SimpleNamespace
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from models import (AssociationMember, Organisation, OrgKind, Resident, Site, SitePart,
                    SupportStatus, Unit)
from services.errors import N_
from services.imports.mapping import fields_of
from services.imports.reading import Table, normalise_name, parse_date
from services.registry.residents import SupportData, current_status
from services.registry.sites import UNIT_TYPES

NEW, CHANGED, UNCHANGED, REFUSED, SKIPPED = "nieuw", "gewijzigd", "ongewijzigd", \
    "geweigerd", "overgeslagen"
OUTCOMES = (NEW, CHANGED, UNCHANGED, REFUSED, SKIPPED)
_RANK = {SKIPPED: 0, UNCHANGED: 1, CHANGED: 2, NEW: 3, REFUSED: 4}


@dataclass(frozen=True)
class Message:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.msgid % self.params if self.params else self.msgid


@dataclass
class RowPlan:
    line: int
    values: dict[str, str]
    outcome: str = UNCHANGED
    messages: list[Message] = field(default_factory=list)
    actions: list[tuple] = field(default_factory=list)

    def note(self, msgid: str, **params) -> None:
        self.messages.append(Message(msgid, params))

    def mark(self, outcome: str) -> None:
        if _RANK[outcome] > _RANK[self.outcome]:
            self.outcome = outcome

    def refuse(self, msgid: str, **params) -> "RowPlan":
        self.outcome, self.actions = REFUSED, []
        self.note(msgid, **params)
        return self


@dataclass
class Plan:
    kind: str
    rows: list[RowPlan]

    @property
    def counts(self) -> dict[str, int]:
        counts = {outcome: 0 for outcome in OUTCOMES}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(row.actions for row in self.rows if row.outcome != REFUSED)


def _values(table: Table, index: dict[str, int]) -> list[tuple[int, dict[str, str], tuple]]:
    return [(line, {key: values[i].strip() for key, i in index.items()}, tuple(values))
            for line, values in table.rows]


def unit_key(number: str) -> str:
    return re.sub(r"\s+", " ", number or "").strip().casefold()


_KAMER = re.compile(r"(\d)\s*-?\s*kamer")


def parse_unit_type(value: str) -> str | None:
    """A type as exports write it ("Studio", "2-kamerappartement", "Eengezinswoning")
    onto Noaber's list; None when it is not recognised."""
    text = normalise_name(value).replace(" ", "")
    if text in UNIT_TYPES:
        return text
    if "studio" in text:
        return "studio"
    if "gezin" in text:
        return "gezinswoning"
    match = _KAMER.search(normalise_name(value).replace(" ", ""))
    if match and f"{match[1]}-kamer" in UNIT_TYPES:
        return f"{match[1]}-kamer"
    return None


_YES = {"ja", "j", "yes", "y", "1", "x", "waar", "true", "gedeeld"}
_NO = {"nee", "n", "no", "0", "onwaar", "false", "niet gedeeld"}


def parse_yes_no(value: str) -> bool | None:
    text = normalise_name(value)
    return True if text in _YES else False if text in _NO else None


_BEGELEID = {"begeleid", "ja", "j", "yes", "1", "x", "zorg", "begeleid wonen"}
_ONBEGELEID = {"onbegeleid", "nee", "n", "no", "0", "regulier", "niet begeleid", "geen"}


def parse_hours(value: str) -> Decimal | None:
    try:
        hours = Decimal(value.replace(",", ".").strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not hours.is_finite() or not (Decimal(0) <= hours <= Decimal(168)):
        raise ValueError(value)
    return hours.quantize(Decimal("0.01"))


@dataclass
class _Person:
    """A resident as the plan sees it: an existing one, or one a row moves in."""

    name: str
    move_in: date
    resident: Resident | None = None
    support: tuple | None = None      # (status, care_organisation_id, indicated_hours)


class _Living(defaultdict):
    """Per unit, who lives there as the plan goes; ``existing`` finds the residents of
    the database by name at once (a move within the site), instead of every row going
    through every unit: a file of 5,000 rows would compare 25 million names."""

    def __init__(self):
        super().__init__(list)
        self.by_name: dict[str, list[tuple[Any, _Person]]] = defaultdict(list)

    def add_existing(self, unit_ref, person: _Person) -> None:
        self[unit_ref].append(person)
        self.by_name[normalise_name(person.name)].append((unit_ref, person))

    def existing(self, name: str):
        """(unit, person) of the database's residents of that name who still live there
        in the plan, in the order they were loaded."""
        for unit_ref, person in self.by_name.get(normalise_name(name), ()):
            if any(p is person for p in self.get(unit_ref, ())):
                yield unit_ref, person


def _date_of(row: RowPlan, value: str, label: str, today: date) -> date | None:
    day = parse_date(value)
    if day is None:
        row.refuse(N_("Onleesbare datum '%(value)s' in '%(column)s'; schrijf bijvoorbeeld "
                      "15-06-2026."), value=value, column=label)
        return None
    if day > today:
        row.refuse(N_("De datum %(date)s in '%(column)s' ligt in de toekomst; lees deze regel "
                      "in na die datum."), date=day.strftime("%d-%m-%Y"), column=label)
        return None
    return day


def _duplicates(rows: list[RowPlan], signatures: list[tuple]) -> None:
    seen: dict[tuple, int] = {}
    for row, signature in zip(rows, signatures):
        if signature in seen:
            row.outcome = SKIPPED
            row.note(N_("Dezelfde regel als regel %(line)s; overgeslagen."), line=seen[signature])
        else:
            seen[signature] = row.line


# --- units, parts, residents -------------------------------------------------------------

def plan_registry(session: Session, site: Site, table: Table, index: dict[str, int], *,
                  today: date, may_write_care: bool) -> Plan:
    labels = {f.key: f.label for f in fields_of("registry")}
    parts = {normalise_name(p.name): p for p in session.scalars(
        sa.select(SitePart).where(SitePart.site_id == site.id))}
    units = {unit_key(u.number): u for u in session.scalars(
        sa.select(Unit).where(Unit.site_id == site.id))}
    current = _Living()
    for resident in session.scalars(
            sa.select(Resident).join(Unit, Unit.id == Resident.unit_id)
            .where(Unit.site_id == site.id, Resident.move_out_date.is_(None))
            .options(selectinload(Resident.support_periods))
            .order_by(Resident.move_in_date, Resident.id)):
        record = current_status(resident, today)
        current.add_existing(resident.unit_id, _Person(
            resident.name, resident.move_in_date, resident,
            (record.status, record.care_organisation_id, record.indicated_hours)
            if record else None))
    care_orgs = {normalise_name(o.name): o for o in session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrgKind.ZORGAANBIEDER,
                                      Organisation.active.is_(True)))}
    rows_in = _values(table, index)
    rows = [RowPlan(line, values) for line, values, _sig in rows_in]
    _duplicates(rows, [sig for _l, _v, sig in rows_in])
    # a person (name and e-mail) at two different units of the file: refuse every such row
    person_units: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in rows:
        if row.outcome != SKIPPED and row.values.get("name") and row.values.get("unit"):
            person = (normalise_name(row.values["name"]), row.values.get("email", "").lower())
            person_units[person].setdefault(unit_key(row.values["unit"]), row.line)
    unit_lines: dict[str, int] = {}
    new_parts: set[str] = set()
    care_skipped = False
    for row in rows:
        if row.outcome == SKIPPED:
            continue
        v = row.values
        number = re.sub(r"\s+", " ", v.get("unit", "")).strip()
        if not number:
            row.refuse(N_("Geen eenheidnummer ingevuld."))
            continue
        if len(number) > 20:
            row.refuse(N_("Eenheidnummer '%(number)s' is langer dan 20 tekens."), number=number)
            continue
        key = unit_key(number)
        if v.get("name"):
            person = (normalise_name(v["name"]), v.get("email", "").lower())
            elsewhere = {k: line for k, line in person_units[person].items() if k != key}
            if elsewhere:
                other_key, other_line = next(iter(elsewhere.items()))
                row.refuse(N_("%(name)s staat ook bij een andere eenheid (regel %(line)s); een "
                              "bewoner woont in één eenheid. Pas het bestand aan."),
                           name=v["name"], line=other_line)
                continue
        unit_type = None
        if v.get("unit_type"):
            unit_type = parse_unit_type(v["unit_type"])
            if unit_type is None:
                row.refuse(N_("Onbekend woningtype '%(value)s'; Noaber kent %(types)s."),
                           value=v["unit_type"], types=", ".join(UNIT_TYPES))
                continue
        shared = parse_yes_no(v["shared"]) if v.get("shared") else None
        if v.get("shared") and shared is None:
            row.refuse(N_("Vul bij '%(column)s' ja of nee in, niet '%(value)s'."),
                       column=labels["shared"], value=v["shared"])
            continue
        part_name = re.sub(r"\s+", " ", v.get("part", "")).strip()
        if len(part_name) > 120:
            row.refuse(N_("De naam van het deel is langer dan 120 tekens."))
            continue
        unit = units.get(key)
        if key in unit_lines and not (unit.shared if unit is not None and shared is None
                                      else bool(shared)):
            row.refuse(N_("Eenheid %(number)s staat al op regel %(line)s."), number=number,
                       line=unit_lines[key])
            continue
        # the resident's fields are checked before anything of the row is planned
        move_in = support = None
        name = re.sub(r"\s+", " ", v.get("name", "")).strip()
        if name:
            if len(name) > 200:
                row.refuse(N_("De naam is langer dan 200 tekens."))
                continue
            if not v.get("move_in"):
                row.refuse(N_("Vul de ingangsdatum van het contract in."))
                continue
            move_in = _date_of(row, v["move_in"], labels["move_in"], today)
            if move_in is None:
                continue
            if len(v.get("email", "")) > 254 or len(v.get("phone", "")) > 40:
                row.refuse(N_("Het e-mailadres of telefoonnummer is te lang."))
                continue
            if "status" in index and not may_write_care:
                care_skipped = True
            elif v.get("status"):
                support = _support(row, v, care_orgs, labels)
                if row.outcome == REFUSED:
                    continue
        status_from = None
        if support is not None and v.get("status_from"):
            status_from = _date_of(row, v["status_from"], labels["status_from"], today)
            if status_from is None:
                continue
        # the unit and its part
        part_id_or_name: Any = None
        if part_name:
            part = parts.get(normalise_name(part_name))
            if part is None and normalise_name(part_name) not in new_parts:
                new_parts.add(normalise_name(part_name))
                row.actions.append(("part", part_name))
                row.note(N_("Nieuw deel '%(name)s'."), name=part_name)
                row.mark(NEW)
            part_id_or_name = part.id if part is not None else part_name
        if unit is None:
            if unit_type is None:
                row.refuse(N_("Wooneenheid %(number)s bestaat niet op deze locatie; geef een "
                              "woningtype om haar aan te maken."), number=number)
                continue
            row.actions.append(("unit_create", key, number, unit_type, part_id_or_name,
                                bool(shared)))
            row.note(N_("Nieuwe wooneenheid %(number)s (%(type)s)."), number=number,
                     type=unit_type)
            row.mark(NEW)
            unit_ref: Any = key
            unit_shared = bool(shared)
        else:
            values: dict[str, Any] = {}
            if unit_type is not None and unit_type != unit.unit_type:
                values["unit_type"] = unit_type
            if part_name and part_id_or_name != unit.part_id:
                values["part_id"] = part_id_or_name
            if shared is not None and shared != unit.shared:
                if not shared and len(current[unit.id]) > 1:
                    row.refuse(N_("Er wonen nu meerdere bewoners in eenheid %(number)s; zij kan "
                                  "niet meer als niet-gedeeld gelden."), number=number)
                    continue
                values["shared"] = shared
            if values:
                row.actions.append(("unit_update", unit.id, values))
                row.note(N_("Wooneenheid %(number)s wordt bijgewerkt (%(fields)s)."),
                         number=number, fields=", ".join(sorted(values)))
                row.mark(CHANGED)
            unit_ref = unit.id
            unit_shared = values.get("shared", unit.shared)
        if not name:
            living = current.get(unit_ref, [])
            if living and not unit_shared:
                row.note(N_("In het bestand staat geen huurder; in Noaber woont hier %(name)s. "
                            "Een vertrek leest Noaber alleen in met een datum: leg het vast op "
                            "de pagina van de bewoner."), name=living[0].name)
        else:
            _plan_resident(row, unit_ref, number, unit_shared, name, move_in, support,
                           status_from, v, current, today)
        if row.outcome != REFUSED:
            unit_lines.setdefault(key, row.line)
    if care_skipped:
        for row in rows:
            if row.values.get("status") and row.outcome != REFUSED:
                row.note(N_("De begeleiding is niet ingelezen: dat mag alleen wie "
                            "zorggegevens vastlegt."))
    return Plan("registry", rows)


def _support(row: RowPlan, v: dict, care_orgs: dict, labels: dict) -> tuple | None:
    text = normalise_name(v["status"])
    if text in _ONBEGELEID:
        return (SupportStatus.ONBEGELEID.value, None, None)
    if text not in _BEGELEID:
        row.refuse(N_("Vul bij '%(column)s' begeleid of onbegeleid in, niet '%(value)s'."),
                   column=labels["status"], value=v["status"])
        return None
    if not v.get("care_organisation"):
        row.refuse(N_("Bij een begeleide bewoner hoort een zorgaanbieder."))
        return None
    org = care_orgs.get(normalise_name(v["care_organisation"]))
    if org is None:
        row.refuse(N_("Onbekende zorgaanbieder '%(name)s'; kies een zorgaanbieder die in "
                      "Noaber staat."), name=v["care_organisation"])
        return None
    hours = None
    if v.get("indicated_hours"):
        try:
            hours = parse_hours(v["indicated_hours"])
        except ValueError:
            row.refuse(N_("Geïndiceerde uren per week liggen tussen 0 en 168, niet "
                          "'%(value)s'."), value=v["indicated_hours"])
            return None
    return (SupportStatus.BEGELEID.value, org.id, hours)


def _plan_resident(row: RowPlan, unit_ref, number: str, unit_shared: bool, name: str,
                   move_in: date, support: tuple | None, status_from: date | None, v: dict,
                   current: dict, today: date) -> None:
    living = current[unit_ref]
    match = next((p for p in living if normalise_name(p.name) == normalise_name(name)), None)
    contact = {k: v[k] for k in ("email", "phone") if v.get(k)}
    if match is not None and match.resident is not None:
        resident = match.resident
        if match.move_in != move_in:
            row.note(N_("De ingangsdatum in het bestand (%(file)s) wijkt af van die in Noaber "
                        "(%(noaber)s); die blijft staan."), file=move_in.strftime("%d-%m-%Y"),
                     noaber=match.move_in.strftime("%d-%m-%Y"))
        changed = {k: value for k, value in contact.items() if getattr(resident, k) != value}
        if changed:
            row.actions.append(("contact", resident.id, changed))
            row.note(N_("Contactgegevens van %(name)s worden bijgewerkt."), name=name)
            row.mark(CHANGED)
        if support is not None and support != match.support:
            valid_from = status_from or today
            last = max((p.valid_from for p in resident.support_periods), default=None)
            if valid_from < resident.move_in_date or (last and valid_from < last):
                row.refuse(N_("De begeleiding van %(name)s kan niet per %(date)s wijzigen: er "
                              "staat al een latere wijziging of de bewoner woonde er toen nog "
                              "niet."), name=name, date=valid_from.strftime("%d-%m-%Y"))
                return
            row.actions.append(("status", resident.id, valid_from, support))
            row.note(N_("De begeleiding van %(name)s wijzigt per %(date)s."), name=name,
                     date=valid_from.strftime("%d-%m-%Y"))
            row.mark(CHANGED)
            match.support = support
        return
    if match is not None:  # moved in by an earlier row of this file (a shared unit)
        row.refuse(N_("%(name)s staat al eerder in het bestand bij deze eenheid."), name=name)
        return
    if living and not unit_shared:
        occupant = living[0]
        if occupant.resident is None:
            row.refuse(N_("Eenheid %(number)s krijgt al een nieuwe huurder uit dit bestand."),
                       number=number)
            return
        if move_in <= occupant.move_in:
            row.refuse(N_("In Noaber woont %(name)s hier sinds %(date)s; de ingangsdatum in het "
                          "bestand ligt niet later. Controleer de regel."), name=occupant.name,
                       date=occupant.move_in.strftime("%d-%m-%Y"))
            return
        last = max((p.valid_from for p in occupant.resident.support_periods), default=None)
        if last is not None and move_in < last:
            row.refuse(N_("Voor %(name)s staat na %(date)s nog een statuswijziging; het vertrek "
                          "kan niet op die datum."), name=occupant.name,
                       date=move_in.strftime("%d-%m-%Y"))
            return
        row.actions.append(("move_out", occupant.resident.id, move_in))
        row.note(N_("%(name)s vertrekt per %(date)s."), name=occupant.name,
                 date=move_in.strftime("%d-%m-%Y"))
        living.remove(occupant)
    # the same person living in another unit of the site: a move within the site
    moved_from = next(((other_unit, person) for other_unit, person in current.existing(name)
                       if other_unit != unit_ref and person.move_in < move_in and (
                           not contact.get("email") or (person.resident.email or "").lower()
                           == contact["email"].lower())), None)
    if moved_from is not None:
        other_unit, person = moved_from
        row.actions.append(("move_out", person.resident.id, move_in))
        row.note(N_("%(name)s verhuist binnen de locatie uit eenheid %(number)s."), name=name,
                 number=person.resident.unit.number)
        current[other_unit].remove(person)
        if support is None:
            support = person.support
    if support is None:
        support = (SupportStatus.ONBEGELEID.value, None, None)
    row.actions.append(("move_in", unit_ref, name, move_in, contact, support))
    row.note(N_("%(name)s komt wonen in %(number)s per %(date)s."), name=name, number=number,
             date=move_in.strftime("%d-%m-%Y"))
    row.mark(NEW)
    living.append(_Person(name, move_in, None, support))


def support_data(support: tuple) -> SupportData:
    return SupportData(status=support[0], care_organisation_id=support[1],
                       indicated_hours=support[2])


# --- member households ----------------------------------------------------------------

def plan_members(session: Session, site: Site, table: Table, index: dict[str, int], *,
                 today: date) -> Plan:
    labels = {f.key: f.label for f in fields_of("members")}
    association_id = site.association_id
    units = {unit_key(u.number): u for u in session.scalars(
        sa.select(Unit).where(Unit.site_id == site.id))}
    members = list(session.scalars(sa.select(AssociationMember).where(
        AssociationMember.association_id == association_id)))
    by_number = {m.number: m for m in members}
    open_by_unit = {m.unit_id: m for m in members if m.ends_on is None}
    stays: dict[int, list[Resident]] = defaultdict(list)
    for resident in session.scalars(
            sa.select(Resident).join(Unit, Unit.id == Resident.unit_id)
            .where(Unit.site_id == site.id).order_by(Resident.move_in_date, Resident.id)):
        stays[resident.unit_id].append(resident)
    next_number = max(by_number, default=0) + 1
    rows_in = _values(table, index)
    rows = [RowPlan(line, values) for line, values, _sig in rows_in]
    _duplicates(rows, [sig for _l, _v, sig in rows_in])
    planned_units: dict[int, int] = {}
    for row in rows:
        if row.outcome == SKIPPED:
            continue
        v = row.values
        number_text = re.sub(r"\s+", " ", v.get("unit", "")).strip()
        unit = units.get(unit_key(number_text))
        if not number_text:
            row.refuse(N_("Geen eenheidnummer ingevuld."))
            continue
        if unit is None:
            row.refuse(N_("Wooneenheid %(number)s bestaat niet op deze locatie; lees eerst de "
                          "eenheden in."), number=number_text)
            continue
        member_number = None
        if v.get("number"):
            text = v["number"].removesuffix(".0")
            if not text.isdigit() or not (1 <= int(text) <= 10**9):
                row.refuse(N_("Lidnummer '%(value)s' is geen geheel getal vanaf 1."),
                           value=v["number"])
                continue
            member_number = int(text)
        if not v.get("since"):
            row.refuse(N_("Vul in sinds wanneer het huishouden lid is."))
            continue
        since = _date_of(row, v["since"], labels["since"], today)
        if since is None:
            continue
        if unit.id in planned_units:
            row.refuse(N_("Het huishouden van eenheid %(number)s staat al op regel %(line)s."),
                       number=unit.number, line=planned_units[unit.id])
            continue
        planned_units[unit.id] = row.line
        existing = open_by_unit.get(unit.id)
        if existing is not None:
            if member_number is not None and member_number != existing.number:
                row.refuse(N_("Het huishouden van eenheid %(number)s is al lid met lidnummer "
                              "%(member)s; wijzig dat op de ledenpagina."), number=unit.number,
                           member=existing.number)
            elif existing.starts_on != since:
                row.note(N_("Lid sinds %(noaber)s in Noaber, %(file)s in het bestand; dat "
                            "blijft staan."), noaber=existing.starts_on.strftime("%d-%m-%Y"),
                         file=since.strftime("%d-%m-%Y"))
            continue
        if member_number is not None and member_number in by_number:
            other = by_number[member_number]
            row.refuse(N_("Lidnummer %(member)s is al gebruikt (eenheid %(number)s)."),
                       member=member_number, number=other.unit.number)
            continue
        living = [r for r in stays[unit.id] if r.is_current(since)]
        if v.get("name"):
            living = [r for r in living if normalise_name(r.name) == normalise_name(v["name"])]
        if not living and v.get("name"):
            row.refuse(N_("Op %(date)s woont in eenheid %(number)s niemand met de naam "
                          "%(name)s; het huishouden kan dan geen lid worden."),
                       date=since.strftime("%d-%m-%Y"), number=unit.number, name=v["name"])
            continue
        if not living:
            row.refuse(N_("Op %(date)s woont in eenheid %(number)s niemand; het huishouden "
                          "kan dan geen lid worden."),
                       date=since.strftime("%d-%m-%Y"), number=unit.number)
            continue
        if member_number is None:
            while next_number in by_number:
                next_number += 1
            member_number = next_number
        by_number[member_number] = SimpleNamespace(number=member_number, unit=unit)
        row.actions.append(("member", unit.id, living[0].id, member_number, since))
        row.note(N_("Het huishouden van %(number)s (%(name)s) wordt lid %(member)s per "
                    "%(date)s."), number=unit.number, name=living[0].name,
                 member=member_number, date=since.strftime("%d-%m-%Y"))
        row.mark(NEW)
    return Plan("members", rows)
