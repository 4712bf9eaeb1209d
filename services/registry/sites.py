"""Sites, their parts and units, and partner organisations."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Organisation, OrgKind, Resident, Site, SitePart, Unit
from services import audit
from services.errors import N_, RuleViolation
from services.webhooks import events as webhooks


def _required(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, field=field)
    return value


def active_band(site: Site) -> tuple[Fraction, Fraction]:
    """The site's band of residents contributing actively (seed 004 "Gemengd Wonen met een duurzame community-aanpak"; 50-70%
    unless the site set its own), as exact fractions."""
    return Fraction(site.active_share_low), Fraction(site.active_share_high)


def same_name(column, name: str):
    """The name matches, ignoring case. The exact comparison is needed besides lower():
    SQLite lowers ASCII letters only, so "Ø" would slip past to the unique constraint."""
    return sa.or_(column == name, sa.func.lower(column) == name.lower())


# --- organisations ---------------------------------------------------------------

def save_organisation(session: Session, org: Organisation | None, *, name: str, kind: str,
                      active: bool, actor_id: int | None) -> Organisation:
    """Create (``org`` is None) or change an organisation."""
    name = _required(name, "name", N_("Vul een naam in."))
    if kind not in set(OrgKind):
        raise RuleViolation(N_("Kies een soort organisatie."), field="kind")
    clash = session.scalar(sa.select(Organisation.id).where(
        same_name(Organisation.name, name), Organisation.id != (org.id if org else 0)))
    if clash is not None:
        raise RuleViolation(N_("Er is al een organisatie met deze naam."), field="name")
    values = {"name": name, "kind": kind, "active": active}
    if org is None:
        org = Organisation(**values)
        session.add(org)
        session.flush()
        audit.record(session, actor_id=actor_id, entity_type="organisation",
                     entity_id=org.id, action="create", changes=values)
    else:
        changes = audit.changes_between(org, values)
        for key, value in values.items():
            setattr(org, key, value)
        if changes:
            session.flush()
            audit.record(session, actor_id=actor_id, entity_type="organisation",
                         entity_id=org.id, action="update", changes=changes)
    session.flush()
    return org


def organisations(session: Session, kind: str | None = None,
                  active_only: bool = False) -> list[Organisation]:
    stmt = sa.select(Organisation).order_by(Organisation.name)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if active_only:
        stmt = stmt.where(Organisation.active.is_(True))
    return list(session.scalars(stmt))


# --- sites -----------------------------------------------------------------------

@dataclass(frozen=True)
class SiteData:
    name: str
    municipality: str
    project_start: date
    corporation_id: int | None = None
    association_id: int | None = None
    target_begeleid_share: Decimal = Decimal("0.3333")
    mix_tolerance: Decimal = Decimal("0.05")
    small_site_units: int = 60
    small_site_max_share: Decimal = Decimal("0.5")
    active_share_low: Decimal = Decimal("0.5")
    active_share_high: Decimal = Decimal("0.7")


def _org_of_kind(session: Session, org_id: int | None, kind: OrgKind, field: str) -> None:
    if org_id is None:
        return
    org = session.get(Organisation, org_id)
    if org is None or org.kind != kind:
        raise RuleViolation(N_("Kies een organisatie van de juiste soort."), field=field)


def save_site(session: Session, site: Site | None, data: SiteData, *,
              actor_id: int | None) -> Site:
    """Create or change a site and its mix thresholds."""
    values = dict(data.__dict__)
    values["name"] = _required(data.name, "name", N_("Vul een naam in."))
    values["municipality"] = _required(data.municipality, "municipality",
                                       N_("Vul de gemeente in."))
    for field in ("target_begeleid_share", "mix_tolerance", "small_site_max_share",
                  "active_share_low", "active_share_high"):
        if not (Decimal(0) <= values[field] <= Decimal(1)):
            raise RuleViolation(N_("Een aandeel ligt tussen 0 en 1."), field=field)
    if values["active_share_low"] > values["active_share_high"]:
        raise RuleViolation(N_("De ondergrens ligt niet boven de bovengrens."),
                            field="active_share_low")
    if values["small_site_units"] < 0:
        raise RuleViolation(N_("Vul een aantal van 0 of meer in."), field="small_site_units")
    _org_of_kind(session, data.corporation_id, OrgKind.WONINGCORPORATIE, "corporation_id")
    _org_of_kind(session, data.association_id, OrgKind.WOONVERENIGING, "association_id")
    clash = session.scalar(sa.select(Site.id).where(
        same_name(Site.name, values["name"]), Site.id != (site.id if site else 0)))
    if clash is not None:
        raise RuleViolation(N_("Er is al een locatie met deze naam."), field="name")
    if site is None:
        site = Site(**values)
        session.add(site)
        session.flush()
        audit.record(session, actor_id=actor_id, entity_type="site", entity_id=site.id,
                     action="create", site_id=site.id, changes=values)
    else:
        changes = audit.changes_between(site, values)
        for key, value in values.items():
            setattr(site, key, value)
        if changes:
            audit.record(session, actor_id=actor_id, entity_type="site", entity_id=site.id,
                         action="update", site_id=site.id, changes=changes)
    session.flush()
    return site


def _part_name(session: Session, site: Site, name: str, part_id: int | None) -> str:
    """A part's name: given, and no other part of the site has it (ignoring case)."""
    name = _required(name, "name", N_("Vul een naam in."))
    if session.scalar(sa.select(SitePart.id).where(
            SitePart.site_id == site.id, same_name(SitePart.name, name),
            SitePart.id != (part_id or 0))):
        raise RuleViolation(N_("Deze locatie heeft al een deel met deze naam."), field="name")
    return name


def add_part(session: Session, site: Site, name: str, *, actor_id: int | None) -> SitePart:
    """Add a part (building, wing) to a site."""
    name = _part_name(session, site, name, None)
    part = SitePart(site_id=site.id, name=name)
    session.add(part)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="site_part", entity_id=part.id,
                 action="create", site_id=site.id, changes={"name": name})
    return part


def rename_part(session: Session, site: Site, part: SitePart, name: str, *,
                actor_id: int | None) -> SitePart:
    """Give a part of ``site`` another name (its units and their history stay with it)."""
    name = _part_name(session, site, name, part.id)
    if name != part.name:
        audit.record(session, actor_id=actor_id, entity_type="site_part", entity_id=part.id,
                     action="update", site_id=site.id, changes={"name": [part.name, name]})
        part.name = name
        session.flush()
    return part


# --- units -----------------------------------------------------------------------

UNIT_TYPES = ("studio", "1-kamer", "2-kamer", "3-kamer", "4-kamer", "gezinswoning")


@dataclass(frozen=True)
class UnitData:
    number: str
    unit_type: str
    part_id: int | None = None
    shared: bool = False


def save_unit(session: Session, site: Site, unit: Unit | None, data: UnitData, *,
              actor_id: int | None) -> Unit:
    """Create or change a unit of ``site``."""
    number = _required(data.number, "number", N_("Vul een nummer in."))
    if data.unit_type not in UNIT_TYPES:
        raise RuleViolation(N_("Kies een woningtype."), field="unit_type")
    if data.part_id is not None:
        part = session.get(SitePart, data.part_id)
        if part is None or part.site_id != site.id:
            raise RuleViolation(N_("Kies een deel van deze locatie."), field="part_id")
    clash = session.scalar(sa.select(Unit.id).where(Unit.site_id == site.id,
                                                    Unit.number == number))
    if clash is not None and (unit is None or clash != unit.id):
        raise RuleViolation(N_("Deze locatie heeft al een wooneenheid met dit nummer."),
                            field="number")
    values = {"number": number, "unit_type": data.unit_type, "part_id": data.part_id,
              "shared": data.shared}
    if unit is not None and unit.shared and not data.shared:
        current = session.scalar(sa.select(sa.func.count()).select_from(Resident).where(
            Resident.unit_id == unit.id, Resident.move_out_date.is_(None)))
        if current > 1:
            raise RuleViolation(N_("Er wonen nu meerdere bewoners in deze eenheid; "
                                   "zij kan niet meer als niet-gedeeld gelden."),
                                field="shared")
    if unit is None:
        unit = Unit(site_id=site.id, **values)
        session.add(unit)
        session.flush()
        audit.record(session, actor_id=actor_id, entity_type="unit", entity_id=unit.id,
                     action="create", site_id=site.id, changes=values)
        webhooks.queue(session, site.id, [webhooks.unit_event(unit, created=True)])
    else:
        changes = audit.changes_between(unit, values)
        for key, value in values.items():
            setattr(unit, key, value)
        if changes:
            audit.record(session, actor_id=actor_id, entity_type="unit", entity_id=unit.id,
                         action="update", site_id=site.id, changes=changes)
            session.flush()
            webhooks.queue(session, site.id, [webhooks.unit_event(unit, False, changes)])
    session.flush()
    return unit


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    part_name: str | None
    occupied: bool


def unit_overview(session: Session, site_id: int, today: date) -> list[UnitRow]:
    """Every unit of the site with its part and whether someone lives there today."""
    occupied = set(session.scalars(sa.select(Resident.unit_id).join(
        Unit, Unit.id == Resident.unit_id).where(
        Unit.site_id == site_id, Resident.move_in_date <= today,
        sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > today))))
    rows = session.execute(
        sa.select(Unit, SitePart.name).outerjoin(SitePart, SitePart.id == Unit.part_id)
        .where(Unit.site_id == site_id).order_by(Unit.number)).all()
    return [UnitRow(unit, part_name, unit.id in occupied) for unit, part_name in rows]
