"""The rooms of a site and what the room manager keeps about them: typology, facilities,
booking rules, house rules, opening hours, the tariff list, blocked periods, key holders,
the site's usage settings and the social-management checklist of seed 003 (Deel III).

Rooms, blocked periods and key holders are never deleted: a room is deactivated, a block
lifted, a key handed back with a date. Every change goes to the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (BlockReason, Booking, BookingStatus, KeyHolder, RequesterKind, Room,
                    RoomBlock, RoomOpening, RoomSettings, RoomTariff, RoomTypology, Site,
                    TariffUnit)
from models.rooms import FACILITIES
from services import audit
from services.errors import N_, RuleViolation


@dataclass(frozen=True)
class RoomData:
    name: str
    typology: str
    capacity: int
    facilities: frozenset[str] = frozenset()
    house_rules: str | None = None
    contact: str | None = None
    max_days_ahead: int = 180
    max_duration_minutes: int = 240
    accepts_requests: bool = True
    active: bool = True
    evaluated_on: date | None = None


def rooms_of(session: Session, site_id: int, *, active_only: bool = False) -> list[Room]:
    stmt = sa.select(Room).where(Room.site_id == site_id).order_by(Room.name)
    if active_only:
        stmt = stmt.where(Room.active)
    return list(session.scalars(stmt))


def room_on_site(session: Session, site_id: int, room_id: int) -> Room | None:
    room = session.get(Room, room_id)
    return room if room is not None and room.site_id == site_id else None


def save_room(session: Session, site: Site, room: Room | None, data: RoomData, *,
              actor_id: int | None) -> Room:
    """Create a room or change one; the name is unique per site."""
    name = (data.name or "").strip()
    if not name:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    if data.typology not in set(RoomTypology):
        raise RuleViolation(N_("Kies een typologie."), field="typology")
    if not 1 <= (data.capacity or 0) <= 1000:
        raise RuleViolation(N_("Vul een capaciteit van 1 tot 1000 personen in."),
                            field="capacity")
    if not 1 <= data.max_days_ahead <= 730:
        raise RuleViolation(N_("Vooruit boeken kan 1 tot 730 dagen."), field="max_days_ahead")
    if not 15 <= data.max_duration_minutes <= 1440:
        raise RuleViolation(N_("Een boeking duurt 15 tot 1440 minuten."),
                            field="max_duration_minutes")
    clash = session.scalar(sa.select(Room.id).where(Room.site_id == site.id, Room.name == name))
    if clash is not None and (room is None or clash != room.id):
        raise RuleViolation(N_("Deze locatie heeft al een ruimte met deze naam."), field="name")
    values = {"name": name, "typology": data.typology, "capacity": data.capacity,
              "house_rules": (data.house_rules or "").strip() or None,
              "contact": (data.contact or "").strip() or None,
              "max_days_ahead": data.max_days_ahead,
              "max_duration_minutes": data.max_duration_minutes,
              "accepts_requests": data.accepts_requests, "active": data.active,
              "evaluated_on": data.evaluated_on,
              **{name: name in data.facilities for name in FACILITIES}}
    if room is None:
        room = Room(site_id=site.id, **values)
        session.add(room)
        session.flush()
        changes, action = values, "create"
    else:
        changes, action = audit.changes_between(room, values), "update"
        for key, value in values.items():
            setattr(room, key, value)
        session.flush()
    if changes:
        audit.record(session, actor_id=actor_id, entity_type="room", entity_id=room.id,
                     action=action, site_id=site.id, changes=changes)
    return room


def opening_of(room: Room) -> dict[int, tuple[time, time]]:
    """The opening hours as ``{weekday: (opens, closes)}``."""
    return {o.weekday: (o.opens, o.closes) for o in room.opening_hours}


def set_opening_hours(session: Session, room: Room,
                      hours: dict[int, tuple[time | None, time | None]], *,
                      actor_id: int | None) -> Room:
    """Replace the opening hours; a weekday without both times is closed."""
    new: dict[int, tuple[time, time]] = {}
    for weekday, (opens, closes) in sorted(hours.items()):
        if opens is None and closes is None:
            continue
        if opens is None or closes is None:
            raise RuleViolation(N_("Vul zowel de openings- als de sluitingstijd in, of "
                                   "laat beide leeg."), field=f"opens_{weekday}")
        if opens >= closes:
            raise RuleViolation(N_("De sluitingstijd ligt na de openingstijd."),
                                field=f"closes_{weekday}")
        new[weekday] = (opens, closes)
    old = {w: [o.isoformat("minutes"), c.isoformat("minutes")]
           for w, (o, c) in opening_of(room).items()}
    room.opening_hours.clear()
    session.flush()
    room.opening_hours.extend(RoomOpening(weekday=w, opens=o, closes=c)
                              for w, (o, c) in new.items())
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="room", entity_id=room.id,
                 action="opening_hours", site_id=room.site_id,
                 changes={"old": [old], "new": [{w: [o.isoformat("minutes"),
                                                     c.isoformat("minutes")]
                                                 for w, (o, c) in new.items()}]})
    return room


def set_tariffs(session: Session, room: Room,
                tariffs: dict[str, tuple[str | None, Decimal | None]], *,
                actor_id: int | None) -> Room:
    """Replace the tariff list: per kind of external party a unit and an amount (an
    empty amount: no tariff set, the room manager agrees one with the requester)."""
    rows = []
    for kind, (unit, amount) in tariffs.items():
        if kind not in set(RequesterKind):
            raise RuleViolation(N_("Onbekende soort gebruiker."))
        if amount is None:
            continue
        if unit not in set(TariffUnit):
            raise RuleViolation(N_("Kies per uur, per dagdeel of per keer."),
                                field=f"unit_{kind}")
        if not Decimal(0) <= amount <= Decimal(500):
            raise RuleViolation(N_("Vul een bedrag van 0 tot 500 euro in."),
                                field=f"amount_{kind}")
        rows.append(RoomTariff(requester_kind=kind, unit=unit, amount=amount))
    room.tariffs.clear()
    session.flush()
    room.tariffs.extend(rows)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="room", entity_id=room.id,
                 action="tariffs", site_id=room.site_id,
                 changes={t.requester_kind: [t.unit, t.amount] for t in rows})
    return room


def blocks_of(session: Session, room_id: int, *, since: datetime | None = None,
              until: datetime | None = None) -> list[RoomBlock]:
    """The room's blocked periods that are not lifted (optionally overlapping a window)."""
    stmt = sa.select(RoomBlock).where(RoomBlock.room_id == room_id,
                                      RoomBlock.lifted_at.is_(None))
    if since is not None:
        stmt = stmt.where(RoomBlock.ends_at > since)
    if until is not None:
        stmt = stmt.where(RoomBlock.starts_at < until)
    return list(session.scalars(stmt.order_by(RoomBlock.starts_at)))


def add_block(session: Session, room: Room, *, starts_at: datetime, ends_at: datetime,
              reason: str, note: str | None, actor_id: int | None, now: datetime) -> RoomBlock:
    """Block a period; refused while booked occurrences lie in it (they are cancelled or
    moved first, so nobody's booking silently disappears)."""
    if reason not in set(BlockReason):
        raise RuleViolation(N_("Kies een reden."), field="reason")
    if ends_at <= starts_at:
        raise RuleViolation(N_("Het einde ligt na het begin."), field="ends_on")
    if ends_at <= now:
        raise RuleViolation(N_("Deze periode ligt al in het verleden."), field="ends_on")
    booked = session.scalars(sa.select(Booking).where(
        Booking.room_id == room.id, Booking.status == BookingStatus.BOOKED,
        Booking.starts_at < ends_at, Booking.ends_at > starts_at)
        .order_by(Booking.starts_at)).all()
    if booked:
        raise RuleViolation(N_("In deze periode staan nog %(n)s boekingen (de eerste: "
                               "%(title)s). Annuleer of verplaats die eerst."),
                            field="starts_on", n=len(booked), title=booked[0].series.title)
    block = RoomBlock(room_id=room.id, starts_at=starts_at, ends_at=ends_at, reason=reason,
                      note=(note or "").strip() or None, created_by_id=actor_id)
    session.add(block)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="room_block", entity_id=block.id,
                 action="create", site_id=room.site_id,
                 changes={"starts_at": starts_at, "ends_at": ends_at, "reason": reason})
    return block


def lift_block(session: Session, block: RoomBlock, *, actor_id: int | None,
               now: datetime) -> RoomBlock:
    if block.lifted_at is not None:
        raise RuleViolation(N_("Deze blokkade is al opgeheven."))
    block.lifted_at, block.lifted_by_id = now, actor_id
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="room_block", entity_id=block.id,
                 action="lift", site_id=block.room.site_id)
    return block


def key_holders(session: Session, room_id: int, *, current_only: bool = False,
                on: date | None = None) -> list[KeyHolder]:
    stmt = sa.select(KeyHolder).where(KeyHolder.room_id == room_id)
    if current_only:
        stmt = stmt.where(sa.or_(KeyHolder.returned_on.is_(None), KeyHolder.returned_on > on))
    return list(session.scalars(stmt.order_by(KeyHolder.returned_on.is_not(None),
                                              KeyHolder.since, KeyHolder.id)))


def add_key_holder(session: Session, room: Room, *, holder_name: str, key_label: str,
                   since: date, user_id: int | None, actor_id: int | None,
                   today: date) -> KeyHolder:
    holder_name, key_label = (holder_name or "").strip(), (key_label or "").strip()
    if not holder_name:
        raise RuleViolation(N_("Vul de naam van de sleutelhouder in."), field="holder_name")
    if not key_label:
        raise RuleViolation(N_("Vul in welke sleutel het is."), field="key_label")
    if since > today:
        raise RuleViolation(N_("Een sleutel kan niet in de toekomst zijn uitgegeven."),
                            field="since")
    holder = KeyHolder(room_id=room.id, holder_name=holder_name, key_label=key_label,
                       since=since, user_id=user_id, recorded_by_id=actor_id)
    session.add(holder)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="room_key", entity_id=holder.id,
                 action="create", site_id=room.site_id,
                 changes={"holder_name": holder_name, "key_label": key_label, "since": since})
    return holder


def return_key(session: Session, holder: KeyHolder, *, returned_on: date,
               actor_id: int | None, today: date) -> KeyHolder:
    if holder.returned_on is not None:
        raise RuleViolation(N_("Deze sleutel is al ingeleverd."), field="returned_on")
    if returned_on < holder.since or returned_on > today:
        raise RuleViolation(N_("Kies een datum tussen de uitgifte en vandaag."),
                            field="returned_on")
    holder.returned_on = returned_on
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="room_key", entity_id=holder.id,
                 action="return", site_id=holder.room.site_id,
                 changes={"returned_on": returned_on})
    return holder


def settings_of(session: Session, site_id: int) -> RoomSettings:
    """The site's settings, or the defaults (an unsaved row) when none were stored."""
    found = session.get(RoomSettings, site_id)
    if found is not None:
        return found
    table = RoomSettings.__table__.c
    return RoomSettings(site_id=site_id, hardly_used_percent=table.hardly_used_percent.default.arg,
                        usage_weeks=table.usage_weeks.default.arg,
                        request_wait_days=table.request_wait_days.default.arg)


def save_settings(session: Session, site_id: int, *, hardly_used_percent: int,
                  usage_weeks: int, request_wait_days: int, actor_id: int | None,
                  now: datetime) -> RoomSettings:
    if not 0 <= hardly_used_percent <= 100:
        raise RuleViolation(N_("Vul een percentage van 0 tot 100 in."),
                            field="hardly_used_percent")
    if not 1 <= usage_weeks <= 52:
        raise RuleViolation(N_("Kies 1 tot 52 weken."), field="usage_weeks")
    if not 1 <= request_wait_days <= 60:
        raise RuleViolation(N_("Kies 1 tot 60 dagen."), field="request_wait_days")
    settings = session.get(RoomSettings, site_id)
    if settings is None:
        settings = RoomSettings(site_id=site_id)
        session.add(settings)
    values = {"hardly_used_percent": hardly_used_percent, "usage_weeks": usage_weeks,
              "request_wait_days": request_wait_days}
    changes = audit.changes_between(settings, values)
    for key, value in values.items():
        setattr(settings, key, value)
    settings.updated_at, settings.updated_by_id = now, actor_id
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="room_settings", entity_id=site_id,
                 action="update", site_id=site_id, changes=changes)
    return settings


@dataclass(frozen=True)
class CheckItem:
    """One agreement of the social-management checklist and whether it is in place."""

    label: str
    done: bool | None  # None: cannot be read from the records, ask the team
    hint: str = ""


@dataclass
class Checklist:
    items: list[CheckItem] = field(default_factory=list)

    @property
    def open(self) -> int:
        return sum(1 for item in self.items if item.done is False)


def management_checklist(session: Session, room: Room, today: date) -> Checklist:
    """Seed 003, Deel III: the tasks to agree for every room (keys and agenda, cleaning,
    house rules, who may use it) and the points that keep management going (one contact
    person, a yearly evaluation); what the records show is ticked off."""
    cleaning = session.scalar(sa.select(sa.func.count()).select_from(RoomBlock).where(
        RoomBlock.room_id == room.id, RoomBlock.reason == BlockReason.SCHOONMAAK,
        RoomBlock.lifted_at.is_(None)))
    evaluated = room.evaluated_on is not None and (today - room.evaluated_on).days <= 366
    return Checklist([
        CheckItem(N_("Sleutelbeheer: wie heeft welke sleutel"),
                  bool(key_holders(session, room.id, current_only=True, on=today))),
        CheckItem(N_("Agendabeheer: openingstijden en boekingsregels"), bool(room.opening_hours)),
        CheckItem(N_("Schoonmaak ingepland"), bool(cleaning),
                  N_("Plan schoonmaak als blokkade in de agenda.")),
        CheckItem(N_("Huisregels op papier, voor iedereen gelijk"), bool(room.house_rules)),
        CheckItem(N_("Afspraken met externe gebruikers: tarievenlijst"),
                  bool(room.tariffs) if room.accepts_requests else None),
        CheckItem(N_("Eén contactpersoon voor vragen"), bool(room.contact)),
        CheckItem(N_("Jaarlijkse evaluatie van het sociaal beheer"), evaluated,
                  N_("Vul de datum van de laatste evaluatie in bij de ruimte.")),
        CheckItem(N_("Afsluitbare opbergruimte per gebruikersgroep"), None),
        CheckItem(N_("Structureel budget en waardering van vrijwilligers"), None),
    ])
