"""Bodies and their members.

Site roles map onto seats (``ROLE_SEATS``, after 004 "3. Samenwerking - governance" and
"1. Bouw van de community - communityteam"): a user holding the role on one of a body's
sites gets a seat with ``via_role`` set. :func:`sync_role_members` keeps those seats in
step (when a body is created, before a meeting is planned, and on request); seats added
by hand (e.g. the bestuur's delegation in the kerngroep, an external director in the
stuurgroep, a person without an account) are never touched by it. Seats end with a date,
they are not deleted.

| body | site roles with a seat |
|---|---|
| stuurgroep | stuurgroep |
| kerngroep | kerngroep; communitycoach as adviseur |
| communityteam | sociaal_beheerder, communitycoach, begeleider, bestuur |
| bestuur, ALV | bestuur |
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (Body, BodyDecision, BodyKind, BodyMember, Membership, MemberRole,
                    Organisation, Role, Site, User)
from models.governance import body_sites
from services import audit
from services.errors import N_, RuleViolation

ROLE_SEATS: dict[str, dict[str, str]] = {
    BodyKind.STUURGROEP: {Role.STUURGROEP: MemberRole.LID},
    BodyKind.KERNGROEP: {Role.KERNGROEP: MemberRole.LID,
                         Role.COMMUNITYCOACH: MemberRole.ADVISEUR},
    BodyKind.COMMUNITYTEAM: {Role.SOCIAAL_BEHEERDER: MemberRole.LID,
                             Role.COMMUNITYCOACH: MemberRole.LID,
                             Role.BEGELEIDER: MemberRole.LID, Role.BESTUUR: MemberRole.LID},
    BodyKind.BESTUUR: {Role.BESTUUR: MemberRole.LID},
    BodyKind.ALV: {Role.BESTUUR: MemberRole.LID},
}
CODES = {BodyKind.STUURGROEP: "SG", BodyKind.KERNGROEP: "KG", BodyKind.COMMUNITYTEAM: "CT",
         BodyKind.BESTUUR: "BS", BodyKind.ALV: "ALV"}
#: chair and secretary run the body's meetings (with the site's managers)
RUNNING_ROLES = frozenset({MemberRole.VOORZITTER, MemberRole.SECRETARIS})
CODE_PATTERN = re.compile(r"^[A-Z0-9]{1,8}$")


@dataclass(frozen=True)
class BodyData:
    kind: str
    name: str
    code: str | None
    site_ids: list[int]
    #: the sites on which the person saving may manage bodies (None: no limit, e.g. the
    #: demo seed); a body can only gain or lose those sites, so no one seats another
    #: site's people or receives its escalations without managing that site
    manageable_site_ids: frozenset[int] | None = None


def site_id_of(body: Body) -> int | None:
    """The site the audit log files a body's events under (its first)."""
    return body.sites[0].id if body.sites else None


def _check_sites_allowed(data: BodyData, current: set[int]) -> None:
    if data.manageable_site_ids is None:
        return
    changed = set(data.site_ids or []) ^ current
    if changed - data.manageable_site_ids:
        raise RuleViolation(N_("U kunt alleen locaties toevoegen of weghalen waar u het "
                               "overleg beheert."), field="site_ids")


def _clean(session: Session, data: BodyData, current: set[int] = frozenset()) -> dict:
    if data.kind not in set(BodyKind):
        raise RuleViolation(N_("Kies een soort overleg."), field="kind")
    name = (data.name or "").strip()
    if not name:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    code = (data.code or CODES[data.kind]).strip().upper()
    if not CODE_PATTERN.match(code):
        raise RuleViolation(N_("Een code bestaat uit 1 tot 8 hoofdletters of cijfers."),
                            field="code")
    _check_sites_allowed(data, set(current))
    sites = [session.get(Site, site_id) for site_id in dict.fromkeys(data.site_ids or [])]
    if not sites or any(site is None for site in sites):
        raise RuleViolation(N_("Kies minstens één locatie."), field="site_ids")
    organisation_id = None
    if data.kind in (BodyKind.BESTUUR, BodyKind.ALV):
        associations = {site.association_id for site in sites}
        if len(associations) != 1 or None in associations:
            raise RuleViolation(N_("Een bestuur of ALV hoort bij één woonvereniging: kies "
                                   "locaties met dezelfde woonvereniging."), field="site_ids")
        organisation_id = associations.pop()
    return {"kind": data.kind, "name": name, "code": code, "sites": sites,
            "organisation_id": organisation_id}


def create_body(session: Session, data: BodyData, *, today: date,
                actor_id: int | None) -> Body:
    """A new body over one or more sites, with the seats that follow from site roles."""
    values = _clean(session, data)
    body = Body(**values)
    session.add(body)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_body", entity_id=body.id,
                 action="create", site_id=site_id_of(body),
                 changes={"kind": body.kind, "name": body.name, "code": body.code,
                          "sites": [s.id for s in body.sites]})
    sync_role_members(session, body, today=today, actor_id=actor_id)
    return body


def update_body(session: Session, body: Body, data: BodyData, *, today: date,
                actor_id: int | None) -> Body:
    """Rename a body or change the sites it spans (its kind stays)."""
    values = _clean(session, BodyData(body.kind, data.name, data.code, data.site_ids,
                                      data.manageable_site_ids),
                    current={s.id for s in body.sites})
    if values["code"] != body.code and has_decisions(session, body.id):
        raise RuleViolation(N_("De code kan niet meer veranderen: er zijn al besluiten "
                               "met deze code genummerd."), field="code")
    changes = audit.changes_between(body, {k: values[k] for k in ("name", "code")})
    for key, value in values.items():
        setattr(body, key, value)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_body", entity_id=body.id,
                 action="update", site_id=site_id_of(body),
                 changes={**changes, "sites": [s.id for s in body.sites]})
    sync_role_members(session, body, today=today, actor_id=actor_id)
    return body


def has_decisions(session: Session, body_id: int) -> bool:
    return session.scalar(sa.select(BodyDecision.id).where(
        BodyDecision.body_id == body_id).limit(1)) is not None


def add_member(session: Session, body: Body, *, user_id: int | None, person_name: str | None,
               organisation_id: int | None, role_in_body: str, starts_on: date,
               actor_id: int | None) -> BodyMember:
    """Give an account or a named person (without account) a seat by hand."""
    person_name = (person_name or "").strip() or None
    if (user_id is None) == (person_name is None):
        raise RuleViolation(N_("Kies een account of vul een naam in (niet allebei)."),
                            field="user_id")
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise RuleViolation(N_("Kies een actief account."), field="user_id")
        if any(m.user_id == user_id and m.ends_on is None for m in body.members):
            raise RuleViolation(N_("Deze persoon heeft al een zetel in dit overleg."),
                                field="user_id")
    if role_in_body not in set(MemberRole):
        raise RuleViolation(N_("Kies een rol in het overleg."), field="role_in_body")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise RuleViolation(N_("Kies een bestaande organisatie."), field="organisation_id")
    if starts_on is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field="starts_on")
    member = BodyMember(user_id=user_id, person_name=person_name,
                        organisation_id=organisation_id, role_in_body=role_in_body,
                        starts_on=starts_on)
    body.members.append(member)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_body", entity_id=body.id,
                 action="add_member", site_id=site_id_of(body),
                 changes={"member": member.id, "role_in_body": role_in_body})
    return member


def end_member(session: Session, member: BodyMember, *, ends_on: date,
               actor_id: int | None) -> BodyMember:
    """End a seat: from ``ends_on`` on it no longer counts (the seat and its history stay)."""
    if member.ends_on is not None:
        raise RuleViolation(N_("Deze zetel is al beëindigd."))
    if ends_on < member.starts_on:
        raise RuleViolation(N_("De einddatum ligt voor de begindatum."))
    member.ends_on = ends_on
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_body", entity_id=member.body_id,
                 action="end_member", site_id=site_id_of(member.body),
                 changes={"member": member.id, "ends_on": ends_on})
    return member


def sync_role_members(session: Session, body: Body, *, today: date,
                      actor_id: int | None) -> int:
    """Seat the users whose site role maps onto this body, and end the role seats of those
    who no longer hold the role; returns the number of seats changed."""
    seats = ROLE_SEATS[body.kind]
    site_ids = [s.id for s in body.sites]
    holders: dict[tuple[int, str], int | None] = {}
    for user_id, role, org_id in session.execute(
            sa.select(Membership.user_id, Membership.role, Membership.organisation_id)
            .join(User).where(Membership.site_id.in_(site_ids), Membership.role.in_(seats),
                              User.active.is_(True))
            .order_by(Membership.user_id, Membership.role)):
        holders.setdefault((user_id, role), org_id)
    current = {(m.user_id, m.via_role): m for m in body.members
               if m.via_role is not None and m.ends_on is None}
    changed = 0
    for (user_id, role), org_id in holders.items():
        if (user_id, role) not in current and not any(
                m.user_id == user_id and m.ends_on is None for m in body.members):
            body.members.append(BodyMember(user_id=user_id, organisation_id=org_id,
                                           role_in_body=seats[role], via_role=role,
                                           starts_on=today))
            changed += 1
    for key, member in current.items():
        if key not in holders:
            member.ends_on = max(today, member.starts_on)
            changed += 1
    if changed:
        session.flush()
        audit.record(session, actor_id=actor_id, entity_type="gov_body", entity_id=body.id,
                     action="sync_members", site_id=site_id_of(body), changes={"seats": changed})
    return changed


def active_members(body: Body, on: date) -> list[BodyMember]:
    return [m for m in body.members if m.is_active(on)]


def member_role(session: Session, body_id: int, user_id: int, on: date) -> str | None:
    """The user's role in the body on ``on`` (chair or secretary before the rest), or None."""
    roles = set(session.scalars(sa.select(BodyMember.role_in_body).where(
        BodyMember.body_id == body_id, BodyMember.user_id == user_id,
        BodyMember.starts_on <= on,
        sa.or_(BodyMember.ends_on.is_(None), BodyMember.ends_on > on))))
    return next((r for r in (*RUNNING_ROLES, *MemberRole) if r in roles), None)


def member_kinds(session: Session, site_id: int, user_id: int, on: date) -> frozenset[str]:
    """The kinds of the site's bodies in which the user has a seat on ``on``."""
    return frozenset(session.scalars(
        sa.select(Body.kind).distinct().join(BodyMember)
        .join(body_sites, body_sites.c.body_id == Body.id)
        .where(body_sites.c.site_id == site_id, BodyMember.user_id == user_id,
               BodyMember.starts_on <= on,
               sa.or_(BodyMember.ends_on.is_(None), BodyMember.ends_on > on))))


def bodies_of_site(session: Session, site_id: int) -> list[Body]:
    """The site's bodies, in the order of the ladder (stuurgroep first)."""
    order = {kind: i for i, kind in enumerate(BodyKind)}
    bodies = session.scalars(sa.select(Body).join(body_sites).where(
        body_sites.c.site_id == site_id).order_by(Body.id))
    return sorted(bodies, key=lambda b: order[b.kind])


def body_on_site(session: Session, site_id: int, body_id: int) -> Body | None:
    """The body if it spans the site, else None."""
    return session.scalar(sa.select(Body).join(body_sites).where(
        Body.id == body_id, body_sites.c.site_id == site_id))


def member_choices(body: Body, on: date) -> list[tuple[int, str]]:
    """(user id, name) of the body's members with an account, for owners of action items."""
    seen: dict[int, str] = {}
    for member in active_members(body, on):
        if member.user_id is not None and member.user.active:
            seen.setdefault(member.user_id, member.user.name)
    return sorted(seen.items(), key=lambda item: item[1])


def site_users(session: Session, site_ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of active accounts with a role on any of the sites."""
    return list(session.execute(
        sa.select(User.id, User.name).distinct().join(Membership)
        .where(Membership.site_id.in_(site_ids), User.active.is_(True)).order_by(User.name)))
