"""Member households of the association.

A household is the residents of one unit on one of the association's sites; its member
record names one resident as the contact (the one who lived there longest). A unit has
at most one open membership. When a household moves in, the board is offered to add it
(:func:`suggestions`); when the contact moves out, the membership ends on the move-out
date (:func:`end_on_move_out`, called by the registry's move-out page). Nothing is
deleted: a membership ends with a date and a reason; a declined household is recorded so
it is not offered again. Ending a membership also cancels the dues already generated for
periods after it (services/association/dues.py :func:`~services.association.dues.end_dues`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from models import AssociationMember, MembershipDecline, Resident, Site, Unit, utcnow
from services import audit
from services.association import dues
from services.errors import N_, RuleViolation
from services.webhooks import events as webhooks


def sites_of(session: Session, association_id: int) -> list[int]:
    return list(session.scalars(sa.select(Site.id).where(Site.association_id == association_id)
                                .order_by(Site.id)))


def members_on(session: Session, association_id: int, on: date) -> list[AssociationMember]:
    """The member households on ``on``, by member number."""
    return list(session.scalars(
        sa.select(AssociationMember).options(joinedload(AssociationMember.resident),
                                             joinedload(AssociationMember.unit))
        .where(AssociationMember.association_id == association_id,
               AssociationMember.starts_on <= on,
               sa.or_(AssociationMember.ends_on.is_(None), AssociationMember.ends_on > on))
        .order_by(AssociationMember.number)))


def all_members(session: Session, association_id: int) -> list[AssociationMember]:
    return list(session.scalars(
        sa.select(AssociationMember).options(joinedload(AssociationMember.resident),
                                             joinedload(AssociationMember.unit))
        .where(AssociationMember.association_id == association_id)
        .order_by(AssociationMember.number)))


@dataclass(frozen=True)
class Suggestion:
    kind: str                 # "nieuw": offer membership; "vertrokken": end it
    resident: Resident
    unit: Unit
    on: date                  # the move-in or move-out date
    member: AssociationMember | None = None


def _households(session: Session, association_id: int, on: date) -> dict[int, Resident]:
    """Per occupied unit of the association's sites on ``on``: its longest resident."""
    rows = session.scalars(
        sa.select(Resident).join(Unit, Unit.id == Resident.unit_id)
        .options(joinedload(Resident.unit))
        .where(Unit.site_id.in_(sites_of(session, association_id)),
               Resident.move_in_date <= on,
               sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > on))
        .order_by(Resident.move_in_date, Resident.id))
    households: dict[int, Resident] = {}
    for resident in rows:
        households.setdefault(resident.unit_id, resident)
    return households


def current(members: list[AssociationMember], on: date) -> list[AssociationMember]:
    """Of ``members`` (``all_members``), the member households on ``on``, as
    ``members_on`` finds them."""
    return [m for m in members
            if m.starts_on <= on and (m.ends_on is None or m.ends_on > on)]


def suggestions(session: Session, association_id: int, today: date,
                members: list[AssociationMember] | None = None) -> list[Suggestion]:
    """Households to offer membership, and memberships whose contact has moved out;
    ``members``: the association's ``all_members`` when the caller has them already."""
    if members is None:
        members = all_members(session, association_id)
    members = [m for m in members if m.ends_on is None or m.ends_on > today]
    member_units = {m.unit_id for m in members}
    declined = set(session.scalars(sa.select(MembershipDecline.resident_id).where(
        MembershipDecline.association_id == association_id)))
    found = [Suggestion("nieuw", r, r.unit, r.move_in_date)
             for unit_id, r in sorted(_households(session, association_id, today).items(),
                                      key=lambda item: item[1].unit.number)
             if unit_id not in member_units and r.id not in declined]
    found += [Suggestion("vertrokken", m.resident, m.unit, m.resident.move_out_date, m)
              for m in members if m.resident.move_out_date is not None
              and m.resident.move_out_date <= today and m.ends_on is None]
    return found


def _next_number(session: Session, association_id: int) -> int:
    return (session.scalar(sa.select(sa.func.max(AssociationMember.number)).where(
        AssociationMember.association_id == association_id)) or 0) + 1


def add_member(session: Session, association_id: int, *, resident_id: int | None,
               starts_on: date | None, actor_id: int | None) -> AssociationMember:
    """Make the household of ``resident`` a member from ``starts_on``."""
    resident = session.get(Resident, resident_id) if resident_id else None
    if resident is None or resident.unit.site_id not in sites_of(session, association_id):
        raise RuleViolation(N_("Kies een bewoner van deze vereniging."), field="resident_id")
    if starts_on is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field="starts_on")
    if not resident.is_current(starts_on):
        raise RuleViolation(N_("%(name)s woont op %(date)s niet op de locatie."),
                            field="starts_on", name=resident.name,
                            date=starts_on.strftime("%d-%m-%Y"))
    clash = session.scalar(sa.select(AssociationMember).where(
        AssociationMember.association_id == association_id,
        AssociationMember.unit_id == resident.unit_id,
        sa.or_(AssociationMember.ends_on.is_(None), AssociationMember.ends_on > starts_on)))
    if clash is not None:
        raise RuleViolation(N_("Het huishouden van wooneenheid %(unit)s is al lid "
                               "(lidnummer %(number)s)."), field="resident_id",
                            unit=resident.unit.number, number=clash.number)
    member = AssociationMember(association_id=association_id,
                               number=_next_number(session, association_id),
                               unit_id=resident.unit_id, resident_id=resident.id,
                               starts_on=starts_on, created_by_id=actor_id)
    session.add(member)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_member", entity_id=member.id,
                 action="create", site_id=resident.unit.site_id,
                 changes={"number": member.number, "resident": resident.id,
                          "starts_on": starts_on})
    webhooks.queue(session, resident.unit.site_id, [webhooks.member_event(member, resident.unit)])
    return member


def end_membership(session: Session, member: AssociationMember, *, ends_on: date | None,
                   reason: str | None, actor_id: int | None,
                   now: datetime | None = None) -> AssociationMember:
    """End a membership from ``ends_on`` (the record and its history stay) and cancel the
    dues of the periods after it (``now`` is when, for the cancellations)."""
    if member.ends_on is not None:
        raise RuleViolation(N_("Dit lidmaatschap is al beëindigd."), field="ends_on")
    if ends_on is None or ends_on < member.starts_on:
        raise RuleViolation(N_("De einddatum ligt voor de begindatum."), field="ends_on")
    member.ends_on, member.end_reason = ends_on, (reason or "").strip() or None
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_member", entity_id=member.id,
                 action="end", site_id=member.unit.site_id,
                 changes={"ends_on": ends_on, "reason": member.end_reason})
    dues.end_dues(session, member, now=now or utcnow(), actor_id=actor_id)
    return member


def end_on_move_out(session: Session, resident: Resident, *, actor_id: int | None,
                    now: datetime | None = None) -> list[AssociationMember]:
    """The registry recorded a move-out: end the open memberships of which this resident
    is the contact on the move-out date (and cancel their dues after it)."""
    ended: list[AssociationMember] = []
    if resident.move_out_date is None:
        return ended
    for member in session.scalars(sa.select(AssociationMember).where(
            AssociationMember.resident_id == resident.id, AssociationMember.ends_on.is_(None))):
        ended.append(end_membership(session, member,
                                    ends_on=max(resident.move_out_date, member.starts_on),
                                    reason="verhuisd", actor_id=actor_id, now=now))
    return ended


def decline(session: Session, association_id: int, *, resident_id: int | None,
            note: str | None, today: date, actor_id: int | None) -> MembershipDecline:
    """The household does not become a member: stop offering it."""
    resident = session.get(Resident, resident_id) if resident_id else None
    if resident is None or resident.unit.site_id not in sites_of(session, association_id):
        raise RuleViolation(N_("Kies een bewoner van deze vereniging."), field="resident_id")
    if session.scalar(sa.select(MembershipDecline.id).where(
            MembershipDecline.association_id == association_id,
            MembershipDecline.resident_id == resident.id)):
        raise RuleViolation(N_("Dit huishouden staat al als 'geen lid'."), field="resident_id")
    row = MembershipDecline(association_id=association_id, resident_id=resident.id,
                            declined_on=today, note=(note or "").strip()[:300] or None,
                            recorded_by_id=actor_id)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_member_decline",
                 entity_id=row.id, action="create", site_id=resident.unit.site_id)
    return row
