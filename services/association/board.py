"""The board's offices, the commissions and the association's key dates.

The board is the association's bestuur body (services/governance/bodies.py keeps its
seats); an office (voorzitter, secretaris, penningmeester) is held by one of its seats
for a dated term, one holder per office at a time. An office without a holder today is
vacant. Every start and end of an office must be registered at the Chamber of Commerce
(KvK); until its date is recorded, the change is listed as a key date to act on.
A resident put on a commission is recorded as contributing (services/association/
participation.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (Body, BodyKind, BodyMember, BoardOffice, BoardOfficeKind, Commission,
                    CommissionMember, ParticipationKind, Resident)
from services import audit
from services.association import participation
from services.association.members import sites_of
from services.errors import N_, RuleViolation

OFFICES = tuple(BoardOfficeKind)


def bestuur_body(session: Session, association_id: int) -> Body | None:
    """The association's bestuur (the first, if there were ever several)."""
    return session.scalar(sa.select(Body).where(
        Body.kind == BodyKind.BESTUUR, Body.organisation_id == association_id).order_by(Body.id))


def seat_choices(session: Session, association_id: int, on: date) -> list[BodyMember]:
    body = bestuur_body(session, association_id)
    return [m for m in body.members if m.is_active(on)] if body else []


def offices(session: Session, association_id: int) -> list[BoardOffice]:
    """Every term of every office, the current ones first."""
    return list(session.scalars(sa.select(BoardOffice).where(
        BoardOffice.association_id == association_id)
        .order_by(BoardOffice.ends_on.is_not(None), BoardOffice.office,
                  BoardOffice.starts_on.desc())))


def holders(session: Session, association_id: int, on: date) -> dict[str, BoardOffice | None]:
    """office -> its term on ``on`` (None: vacant)."""
    current = {o.office: o for o in offices(session, association_id) if o.is_active(on)}
    return {office.value: current.get(office.value) for office in OFFICES}


def holder_name(session: Session, association_id: int, office: str, on: date) -> str | None:
    term = holders(session, association_id, on).get(office)
    return term.seat.name if term else None


def vacancies(session: Session, association_id: int, on: date) -> list[str]:
    return [office for office, term in holders(session, association_id, on).items()
            if term is None]


def appoint(session: Session, association_id: int, *, office: str | None, seat_id: int | None,
            starts_on: date | None, actor_id: int | None) -> BoardOffice:
    """A seat of the bestuur takes up an office from ``starts_on``."""
    if office not in set(BoardOfficeKind):
        raise RuleViolation(N_("Kies een functie."), field="office")
    if starts_on is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field="starts_on")
    seat = session.get(BodyMember, seat_id) if seat_id else None
    body = bestuur_body(session, association_id)
    if seat is None or body is None or seat.body_id != body.id:
        raise RuleViolation(N_("Kies een lid van het bestuur."), field="seat_id")
    if not seat.is_active(starts_on):
        raise RuleViolation(N_("%(name)s zit op %(date)s niet in het bestuur."),
                            field="starts_on", name=seat.name,
                            date=starts_on.strftime("%d-%m-%Y"))
    for term in offices(session, association_id):
        if term.office == office and (term.ends_on is None or term.ends_on > starts_on):
            raise RuleViolation(N_("De functie %(office)s is dan nog bezet door %(name)s; "
                                   "beëindig die eerst."), field="office", office=office,
                                name=term.seat.name)
    term = BoardOffice(association_id=association_id, office=office, seat_id=seat.id,
                       starts_on=starts_on, created_by_id=actor_id)
    session.add(term)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_board_office",
                 entity_id=term.id, action="appoint",
                 changes={"office": office, "seat": seat.id, "starts_on": starts_on})
    return term


def end_office(session: Session, term: BoardOffice, *, ends_on: date | None,
               actor_id: int | None) -> BoardOffice:
    if term.ends_on is not None:
        raise RuleViolation(N_("Deze termijn is al beëindigd."), field="ends_on")
    if ends_on is None or ends_on <= term.starts_on:
        raise RuleViolation(N_("De einddatum ligt na de begindatum."), field="ends_on")
    term.ends_on = ends_on
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_board_office",
                 entity_id=term.id, action="end", changes={"ends_on": ends_on})
    return term


def register_kvk(session: Session, term: BoardOffice, *, on: date | None, today: date,
                 actor_id: int | None) -> BoardOffice:
    """Record that the (next unregistered) change of this term is registered at the KvK."""
    if on is None or on > today:
        raise RuleViolation(N_("Vul de datum van de inschrijving in (niet in de toekomst)."),
                            field="on")
    if term.kvk_registered_on is None:
        term.kvk_registered_on, what = on, "start"
    elif term.ends_on is not None and term.kvk_deregistered_on is None:
        term.kvk_deregistered_on, what = on, "end"
    else:
        raise RuleViolation(N_("Alles van deze termijn staat al ingeschreven."), field="on")
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_board_office",
                 entity_id=term.id, action="kvk", changes={what: on})
    return term


@dataclass(frozen=True)
class KvkTask:
    term: BoardOffice
    change: str            # "start" | "end"
    on: date


def kvk_pending(session: Session, association_id: int) -> list[KvkTask]:
    """Changes of the board that still have to be registered at the KvK, oldest first."""
    tasks = []
    for term in offices(session, association_id):
        if term.kvk_registered_on is None:
            tasks.append(KvkTask(term, "start", term.starts_on))
        elif term.ends_on is not None and term.kvk_deregistered_on is None:
            tasks.append(KvkTask(term, "end", term.ends_on))
    return sorted(tasks, key=lambda t: (t.on, t.change != "end"))


# --- commissions -------------------------------------------------------------------

def commissions(session: Session, association_id: int) -> list[Commission]:
    return list(session.scalars(sa.select(Commission).where(
        Commission.association_id == association_id).order_by(Commission.name)))


def create_commission(session: Session, association_id: int, *, name: str | None,
                      purpose: str | None, actor_id: int | None) -> Commission:
    name = (name or "").strip()
    if not name:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    if any(c.name.lower() == name.lower() for c in commissions(session, association_id)):
        raise RuleViolation(N_("Deze commissie bestaat al."), field="name")
    commission = Commission(association_id=association_id, name=name,
                            purpose=(purpose or "").strip()[:500] or None)
    session.add(commission)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_commission",
                 entity_id=commission.id, action="create", changes={"name": name})
    return commission


def add_commission_member(session: Session, commission: Commission, *,
                          resident_id: int | None, starts_on: date | None, today: date,
                          actor_id: int | None) -> CommissionMember:
    resident = session.get(Resident, resident_id) if resident_id else None
    if resident is None or resident.unit.site_id not in sites_of(session,
                                                                  commission.association_id):
        raise RuleViolation(N_("Kies een bewoner van deze vereniging."), field="resident_id")
    if starts_on is None or starts_on > today or not resident.is_current(starts_on):
        raise RuleViolation(N_("Kies een datum tot en met vandaag waarop de bewoner op de "
                               "locatie woont."), field="starts_on")
    if any(m.resident_id == resident.id and m.ends_on is None for m in commission.members):
        raise RuleViolation(N_("%(name)s zit al in deze commissie."), field="resident_id",
                            name=resident.name)
    row = CommissionMember(commission_id=commission.id, resident_id=resident.id,
                           starts_on=starts_on)
    session.add(row)
    session.flush()
    session.refresh(commission, ["members"])
    participation.record(session, resident, kind=ParticipationKind.COMMISSIE, on=starts_on,
                         note=commission.name, commission_id=commission.id,
                         actor_id=actor_id, today=today)
    audit.record(session, actor_id=actor_id, entity_type="assoc_commission",
                 entity_id=commission.id, action="add_member",
                 changes={"resident": resident.id, "starts_on": starts_on})
    return row


def end_commission_member(session: Session, row: CommissionMember, *, ends_on: date | None,
                          actor_id: int | None) -> CommissionMember:
    if row.ends_on is not None:
        raise RuleViolation(N_("Dit lid heeft de commissie al verlaten."), field="ends_on")
    if ends_on is None or ends_on < row.starts_on:
        raise RuleViolation(N_("De einddatum ligt voor de begindatum."), field="ends_on")
    row.ends_on = ends_on
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_commission",
                 entity_id=row.commission_id, action="end_member",
                 changes={"member": row.id, "ends_on": ends_on})
    return row
