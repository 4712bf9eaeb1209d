"""The ALV: the association's settings, the attendance list of member households with
proxies (machtigingen), and votes on motions, each recorded as a decision of the ALV.

Conventions (the statutes of an association decide; these are the defaults here):

* one member household = one vote. When the association keeps its member register in
  Noaber (any member ever recorded, models/association.py AssociationMember), the
  households are the members whose membership is active on the meeting day, each with
  its contact; an association without a register here falls back to every occupied
  unit on the ALV's sites on the meeting day, with the resident who lived there longest.
  The list is fixed when the ALV is planned;
* the quorum is reached when the households present or represented by proxy make up at
  least ``quorum_percent`` of all member households;
* a motion is adopted when the quorum is reached and more than half of the votes cast
  are in favour (two thirds for a motion that needs a qualified majority); abstentions
  are not votes cast;
* a present household may hold at most ``max_proxies`` proxies.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from math import ceil

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (AlvAttendance, AlvPresence, AlvSettings, AssociationMember, Meeting, Motion,
                    Resident, Unit)
from models.governance import body_sites
from services import audit
from services.association import members as member_register
from services.errors import N_, RuleViolation
from services.governance import decisions
from services.governance.bodies import site_id_of
from services.governance.localtime import local_day
from services.governance.schedule import require_open


@dataclass(frozen=True)
class VoteResult:
    members: int
    present: int
    represented: int
    quorum_needed: int
    quorum_met: bool
    cast: int
    majority_met: bool

    @property
    def adopted(self) -> bool:
        return self.quorum_met and self.majority_met


def quorum_needed(members: int, quorum_percent: int) -> int:
    """Households present or represented that make the quorum (pure)."""
    return ceil(members * quorum_percent / 100)


def assess_vote(*, members: int, present: int, represented: int, votes_for: int,
                votes_against: int, quorum_percent: int, two_thirds: bool) -> VoteResult:
    """Whether the quorum and the majority are met (pure)."""
    needed = quorum_needed(members, quorum_percent)
    cast = votes_for + votes_against
    if two_thirds:
        majority = cast > 0 and votes_for * 3 >= cast * 2
    else:
        majority = votes_for * 2 > cast
    return VoteResult(members, present, represented, needed, present + represented >= needed,
                      cast, majority)


def settings_for(session: Session, organisation_id: int) -> AlvSettings:
    """The association's settings (the defaults, not yet saved, if it has none)."""
    found = session.scalar(sa.select(AlvSettings).where(
        AlvSettings.organisation_id == organisation_id))
    return found or AlvSettings(organisation_id=organisation_id, quorum_percent=50,
                                max_proxies=1, meetings_per_year=1)


def save_settings(session: Session, organisation_id: int, *, quorum_percent: int | None,
                  max_proxies: int | None, meetings_per_year: int | None,
                  actor_id: int | None) -> AlvSettings:
    if quorum_percent is None or not 0 <= quorum_percent <= 100:
        raise RuleViolation(N_("Het quorum is een percentage van 0 tot en met 100."),
                            field="quorum_percent")
    if max_proxies is None or not 0 <= max_proxies <= 10:
        raise RuleViolation(N_("Vul een aantal machtigingen van 0 tot en met 10 in."),
                            field="max_proxies")
    if meetings_per_year not in (1, 2):
        raise RuleViolation(N_("Kies één of twee ALV's per jaar."), field="meetings_per_year")
    settings = settings_for(session, organisation_id)
    changes = audit.changes_between(settings, {"quorum_percent": quorum_percent,
                                               "max_proxies": max_proxies,
                                               "meetings_per_year": meetings_per_year})
    settings.quorum_percent, settings.max_proxies = quorum_percent, max_proxies
    settings.meetings_per_year = meetings_per_year
    session.add(settings)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_alv_settings",
                 entity_id=settings.id, action="update", changes=changes)
    return settings


def keeps_register(session: Session, association_id: int | None) -> bool:
    """Whether the association keeps its member register in Noaber (any member ever)."""
    return association_id is not None and bool(session.scalar(sa.select(sa.exists().where(
        AssociationMember.association_id == association_id))))


def _registered_households(session: Session, association_id: int, on: date) -> dict[int, int]:
    """Unit -> contact of the member households whose membership is active on ``on``."""
    return {m.unit_id: m.resident_id for m in member_register.members_on(
        session, association_id, on)}


def _occupied_units(session: Session, body_id: int, on: date) -> dict[int, int]:
    """Unit -> longest resident of every occupied unit on the body's sites on ``on``."""
    rows = session.execute(
        sa.select(Resident.unit_id, Resident.id).join(Unit, Unit.id == Resident.unit_id)
        .join(body_sites, body_sites.c.site_id == Unit.site_id)
        .where(body_sites.c.body_id == body_id, Resident.move_in_date <= on,
               sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > on))
        .order_by(Unit.number, Resident.move_in_date, Resident.id)).all()
    households: dict[int, int] = {}
    for unit_id, resident_id in rows:
        households.setdefault(unit_id, resident_id)
    return households


def fill_attendance_list(session: Session, meeting: Meeting) -> None:
    """Put every member household on the meeting day on the list, absent until marked
    otherwise: the association's register if it keeps one, else the occupied units (see
    the module docstring)."""
    on = local_day(meeting.starts_at)
    association_id = meeting.body.organisation_id
    if keeps_register(session, association_id):
        households = _registered_households(session, association_id, on)
    else:
        households = _occupied_units(session, meeting.body_id, on)
    session.add_all(AlvAttendance(meeting_id=meeting.id, unit_id=unit_id,
                                  resident_id=resident_id, presence=AlvPresence.AFWEZIG)
                    for unit_id, resident_id in households.items())
    session.flush()


def attendance_list(session: Session, meeting_id: int) -> list[AlvAttendance]:
    return list(session.scalars(sa.select(AlvAttendance).join(
        Unit, Unit.id == AlvAttendance.unit_id).where(AlvAttendance.meeting_id == meeting_id)
        .order_by(Unit.number)))


def record_attendance(session: Session, meeting: Meeting,
                      rows: dict[int, tuple[str, int | None]], *, max_proxies: int,
                      actor_id: int | None) -> None:
    """Set presence per household (attendance id -> (presence, proxy holder's unit id)).
    Everything is checked before a row changes: a half-changed row (represented without a
    proxy) would otherwise be flushed by the query that names the unit in the message."""
    require_open(meeting)
    listed = attendance_list(session, meeting.id)
    by_unit = {row.unit_id: row for row in listed}
    chosen: dict[int, tuple[str, int | None]] = {}
    for row in listed:
        presence, proxy_unit_id = rows.get(row.id, (row.presence, row.proxy_unit_id))
        if presence not in set(AlvPresence):
            raise RuleViolation(N_("Kies aanwezig, gemachtigd of afwezig."))
        chosen[row.id] = (presence,
                          proxy_unit_id if presence == AlvPresence.GEMACHTIGD else None)
    held: dict[int, int] = {}
    for row in listed:
        presence, proxy_unit_id = chosen[row.id]
        if presence != AlvPresence.GEMACHTIGD:
            continue
        holder = by_unit.get(proxy_unit_id)
        if holder is None or chosen[holder.id][0] != AlvPresence.AANWEZIG:
            raise RuleViolation(N_("Huishouden %(unit)s is gemachtigd, maar niet door een "
                                   "aanwezig huishouden."), unit=row.unit.number)
        held[holder.unit_id] = held.get(holder.unit_id, 0) + 1
        if held[holder.unit_id] > max_proxies:
            raise RuleViolation(N_("Huishouden %(unit)s heeft te veel machtigingen: "
                                   "hoogstens %(max)s."), unit=holder.unit.number,
                                max=max_proxies)
    for row in listed:
        row.presence, row.proxy_unit_id = chosen[row.id]
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_meeting", entity_id=meeting.id,
                 action="alv_attendance", site_id=site_id_of(meeting.body),
                 changes=summary(listed))


def summary(listed: list[AlvAttendance]) -> dict[str, int]:
    counts = {"members": len(listed), "present": 0, "represented": 0}
    for row in listed:
        if row.presence == AlvPresence.AANWEZIG:
            counts["present"] += 1
        elif row.presence == AlvPresence.GEMACHTIGD:
            counts["represented"] += 1
    return counts


def motions_of(session: Session, meeting_id: int) -> list[Motion]:
    return list(session.scalars(sa.select(Motion).where(Motion.meeting_id == meeting_id)
                                .order_by(Motion.position)))


def add_motion(session: Session, meeting: Meeting, *, title: str, text: str | None,
               two_thirds: bool, actor_id: int | None) -> Motion:
    require_open(meeting)
    title = (title or "").strip()
    if not title:
        raise RuleViolation(N_("Vul de titel van het voorstel in."), field="title")
    position = max((m.position for m in motions_of(session, meeting.id)), default=0) + 1
    motion = Motion(meeting_id=meeting.id, position=position, title=title,
                    text=(text or "").strip() or None, two_thirds=two_thirds)
    session.add(motion)
    session.flush()
    return motion


def record_vote(session: Session, motion: Motion, *, votes_for: int | None,
                votes_against: int | None, abstentions: int | None, now: datetime,
                actor_id: int | None) -> Motion:
    """Record the vote (proxies included in the counts) and its result as a decision."""
    meeting = motion.meeting
    require_open(meeting)
    if motion.adopted is not None:
        raise RuleViolation(N_("Over dit voorstel is al gestemd."))
    counts = (votes_for, votes_against, abstentions)
    if any(c is None or c < 0 for c in counts):
        raise RuleViolation(N_("Vul voor, tegen en onthouding in (0 of meer)."),
                            field="votes_for")
    present = summary(attendance_list(session, meeting.id))
    eligible = present["present"] + present["represented"]
    if sum(counts) > eligible:
        raise RuleViolation(N_("Er zijn %(cast)s stemmen geteld, maar er zijn maar "
                               "%(eligible)s huishoudens aanwezig of vertegenwoordigd."),
                            field="votes_for", cast=sum(counts), eligible=eligible)
    settings = settings_for(session, meeting.body.organisation_id)
    result = assess_vote(members=present["members"], present=present["present"],
                         represented=present["represented"], votes_for=votes_for,
                         votes_against=votes_against, quorum_percent=settings.quorum_percent,
                         two_thirds=motion.two_thirds)
    motion.votes_for, motion.votes_against, motion.abstentions = counts
    motion.quorum_met, motion.adopted, motion.voted_at = result.quorum_met, result.adopted, now
    motion.decision = decisions.record_decision(
        session, meeting.body, meeting=meeting, actor_id=actor_id, text=decision_text(
            motion, result))
    session.flush()
    return motion


def decision_text(motion: Motion, result: VoteResult) -> str:
    """The log entry of a vote (stored in Dutch, as the minutes are)."""
    verdict = "aangenomen" if result.adopted else "verworpen"
    quorum = "quorum gehaald" if result.quorum_met else "quorum niet gehaald"
    majority = "twee derde" if motion.two_thirds else "gewone meerderheid"
    return (f"Voorstel '{motion.title}' {verdict}: {motion.votes_for} voor, "
            f"{motion.votes_against} tegen, {motion.abstentions} onthouding "
            f"({majority}; {quorum}: {result.present} aanwezig en {result.represented} "
            f"gemachtigd van {result.members} huishoudens).")
