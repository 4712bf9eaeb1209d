"""A body's meetings: plan one (members invited, open business carried over), keep the
attendance and the minutes per agenda item, lock the minutes once approved (at the next
meeting), and add addenda afterwards.

Carry-over: an agenda item that is neither handled (afgehandeld) nor escalated is on the
body's next meeting as a copy pointing back to it, kept in step with the previous
meeting whenever an agenda changes (services/governance/carryover.py). Items escalated
to a body and the outcomes of escalations it raised go onto its next open meeting when
that is planned, when the previous minutes are locked, and when an escalation is raised
or answered. Open action items of earlier meetings are shown on every next meeting
(services/governance/actions.py).

Locking records which meeting approved the minutes: the first meeting of the body after
this one that was not called off and has taken place by the day of locking (None when
they were approved outside a meeting).
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (Body, BodyKind, Escalation, Invitation, Meeting, MeetingAddendum,
                    MeetingItem, MeetingStatus)
from models.enums import Presence
from services import audit
from services.errors import N_, RuleViolation
from services.minutes import append_addendum
from services.governance import actions, alv, carryover
from services.governance.bodies import active_members, site_id_of, sync_role_members
from services.governance.localtime import local_day
from services.governance.schedule import (approving_meeting, following_meeting,
                                          next_open_meeting, require_open)

OUTCOME_PREFIX = "Terugkoppeling: "


def _check_time(starts_at: datetime | None, duration_minutes: int | None) -> None:
    if starts_at is None or starts_at.tzinfo is None:
        raise RuleViolation(N_("Vul een geldige datum en tijd in."), field="starts_on")
    if duration_minutes is None or not 15 <= duration_minutes <= 720:
        raise RuleViolation(N_("Een vergadering duurt 15 tot 720 minuten."),
                            field="duration_minutes")


def create_meeting(session: Session, body: Body, *, starts_at: datetime,
                   duration_minutes: int | None, place: str | None, today: date,
                   actor_id: int | None) -> Meeting:
    """Plan a meeting: seats are brought in step with the site roles, the members are
    invited, open business is carried over; an ALV gets its list of member households."""
    _check_time(starts_at, duration_minutes)
    sync_role_members(session, body, today=today, actor_id=actor_id)
    meeting = Meeting(body=body, starts_at=starts_at, duration_minutes=duration_minutes,
                      place=(place or "").strip() or None, status=MeetingStatus.GEPLAND,
                      created_by_id=actor_id)
    session.add(meeting)
    session.flush()
    for member in active_members(body, local_day(starts_at)):
        meeting.invitations.append(Invitation(member_id=member.id))
    if body.kind == BodyKind.ALV:
        alv.fill_attendance_list(session, meeting)
    pull_pending(session, meeting)
    carryover.resync(session, body.id, since=starts_at)   # the later ones follow this one
    audit.record(session, actor_id=actor_id, entity_type="gov_meeting", entity_id=meeting.id,
                 action="create", site_id=site_id_of(body),
                 changes={"body": body.id, "starts_at": starts_at.isoformat()})
    return meeting


def update_meeting(session: Session, meeting: Meeting, *, starts_at: datetime,
                   duration_minutes: int | None, place: str | None, status: str,
                   actor_id: int | None) -> Meeting:
    """Move a meeting, change its place, or call it off (the invitation's sequence goes
    up so calendars replace the old one)."""
    require_open(meeting)
    _check_time(starts_at, duration_minutes)
    if status not in set(MeetingStatus):
        raise RuleViolation(N_("Kies gepland of afgelast."), field="status")
    values = {"starts_at": starts_at, "duration_minutes": duration_minutes,
              "place": (place or "").strip() or None, "status": status}
    changes = audit.changes_between(meeting, values)
    if changes:
        moved_from = meeting.starts_at
        for key, value in values.items():
            setattr(meeting, key, value)
        meeting.sequence += 1
        session.flush()
        carryover.resync(session, meeting.body_id, since=min(moved_from, starts_at))
        audit.record(session, actor_id=actor_id, entity_type="gov_meeting",
                     entity_id=meeting.id, action="update", site_id=site_id_of(meeting.body),
                     changes=changes)
    return meeting


def _append(meeting: Meeting, title: str, **links) -> MeetingItem:
    position = max((i.position for i in meeting.items), default=0) + 1
    item = MeetingItem(position=position, title=title[:200], **links)
    meeting.items.append(item)
    return item


def pull_pending(session: Session, meeting: Meeting) -> int:
    """Bring onto this meeting's agenda what is waiting for it: the open items of the
    previous meeting (in step with it, see carryover.sync), and on a planned meeting
    escalations to this body and outcomes of escalations it raised that are on no agenda
    yet. Returns how many items were added."""
    if meeting.locked_at is not None:
        return 0
    added = carryover.sync(session, meeting)
    if meeting.status != MeetingStatus.GEPLAND:
        return added
    day = local_day(meeting.starts_at)
    placed = sa.select(MeetingItem.escalated_from_id).where(
        MeetingItem.escalated_from_id.is_not(None))
    for escalation in session.scalars(sa.select(Escalation).where(
            Escalation.to_body_id == meeting.body_id, Escalation.raised_on <= day,
            Escalation.id.not_in(placed))
            .order_by(Escalation.id)):
        _append(meeting, escalation.title, escalated_from=escalation)
        added += 1
    reported = sa.select(MeetingItem.outcome_of_id).where(MeetingItem.outcome_of_id.is_not(None))
    for escalation in session.scalars(sa.select(Escalation).where(
            Escalation.from_body_id == meeting.body_id, Escalation.outcome_on <= day,
            Escalation.id.not_in(reported)).order_by(Escalation.id)):
        _append(meeting, OUTCOME_PREFIX + escalation.title, outcome_of=escalation)
        added += 1
    session.flush()
    return added


def pull_into_next(session: Session, body_id: int, today: date) -> Meeting | None:
    """Bring waiting business onto the body's next open meeting, if one is planned."""
    meeting = next_open_meeting(session, body_id, today)
    if meeting is not None:
        pull_pending(session, meeting)
    return meeting


def record_attendance(session: Session, meeting: Meeting, presence: dict[int, str | None], *,
                      actor_id: int | None) -> None:
    """Presence per invitation (aanwezig / afwezig met bericht / afwezig, or unknown)."""
    require_open(meeting)
    for invitation in meeting.invitations:
        value = presence.get(invitation.id, invitation.presence) or None
        if value is not None and value not in set(Presence):
            raise RuleViolation(N_("Kies aanwezig, afwezig met bericht of afwezig."))
        invitation.presence = value
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_meeting", entity_id=meeting.id,
                 action="attendance", site_id=site_id_of(meeting.body),
                 changes={str(i.member_id): i.presence for i in meeting.invitations})


def save_minutes(session: Session, meeting: Meeting, minutes: dict[int, str | None],
                 handled: set[int], *, actor_id: int | None) -> None:
    """The minutes per agenda item (item id -> text) and which items are handled."""
    require_open(meeting)
    for item in meeting.items:
        if item.id in minutes:
            item.minutes = (minutes[item.id] or "").strip() or None
        item.handled = item.id in handled
    session.flush()
    carryover.resync(session, meeting.body_id, since=meeting.starts_at)


def add_item(session: Session, meeting: Meeting, title: str, *,
             actor_id: int | None) -> MeetingItem:
    """Add a point to the agenda by hand, after the last one."""
    require_open(meeting)
    title = (title or "").strip()
    if not title:
        raise RuleViolation(N_("Vul een onderwerp in."), field="title")
    item = _append(meeting, title)
    session.flush()
    carryover.resync(session, meeting.body_id, since=meeting.starts_at)
    return item


def lock_minutes(session: Session, meeting: Meeting, *, now: datetime, today: date,
                 actor_id: int | None) -> None:
    """Finalise the minutes (after approval, normally at the next meeting): from now on
    they are read-only; the action items it took over and an ALV's attendance are frozen
    as they stood, with the meeting that approved them (see the module docstring), and
    its open items move to the next meeting if that is planned."""
    require_open(meeting)
    if local_day(meeting.starts_at) > today:
        raise RuleViolation(N_("Deze vergadering moet nog plaatsvinden; er is nog geen "
                               "verslag om vast te stellen."))
    snapshot = {"actions": actions.snapshot(actions.carried_actions(session, meeting))}
    if meeting.body.kind == BodyKind.ALV:
        snapshot["alv"] = alv.summary(alv.attendance_list(session, meeting.id))
    approving = approving_meeting(session, meeting, today)
    snapshot["approved_in"] = None if approving is None else {
        "meeting_id": approving.id, "on": local_day(approving.starts_at).isoformat()}
    meeting.snapshot = snapshot
    meeting.locked_at, meeting.locked_by_id = now, actor_id
    session.flush()
    following = following_meeting(session, meeting)
    if following is not None:
        pull_pending(session, following)
    audit.record(session, actor_id=actor_id, entity_type="gov_meeting", entity_id=meeting.id,
                 action="lock", site_id=site_id_of(meeting.body),
                 changes={"approved_in": approving.id if approving is not None else None})


def add_addendum(session: Session, meeting: Meeting, text: str, *,
                 actor_id: int | None) -> MeetingAddendum:
    """A correction to locked minutes."""
    addendum = append_addendum(meeting, text, actor_id)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_meeting", entity_id=meeting.id,
                 action="addendum", site_id=site_id_of(meeting.body))
    return addendum
