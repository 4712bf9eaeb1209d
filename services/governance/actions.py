"""Action items: who does what by when, made in a meeting. Open items of earlier meetings
come back on every next meeting of the body until they are done or dropped; each status
change is a dated note; everybody sees their own on "Mijn actiepunten"."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from models import ActionItem, ActionNote, ActionStatus, BodyDecision, Meeting, MeetingItem
from services import audit
from services.errors import N_, RuleViolation
from services.governance.bodies import member_choices, site_id_of
from services.governance.localtime import local_day
from services.governance.schedule import require_open


def create_action(session: Session, meeting: Meeting, *, text: str, owner_id: int | None,
                  due_on: date | None, decision_id: int | None = None,
                  item_id: int | None = None, actor_id: int | None) -> ActionItem:
    """An action item made in ``meeting``; the owner is a member of the body with an
    account, and a decision or agenda item it follows from must be of the same meeting."""
    require_open(meeting)
    text = (text or "").strip()
    if not text:
        raise RuleViolation(N_("Beschrijf het actiepunt."), field="text")
    members = dict(member_choices(meeting.body, local_day(meeting.starts_at)))
    if owner_id not in members:
        raise RuleViolation(N_("Kies een eigenaar uit de leden van het overleg."),
                            field="owner_id")
    if due_on is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field="due_on")
    for model, key, field in ((BodyDecision, decision_id, "decision_id"),
                              (MeetingItem, item_id, "item_id")):
        if key is not None:
            found = session.get(model, key)
            if found is None or found.meeting_id != meeting.id:
                raise RuleViolation(N_("Kies iets uit deze vergadering."), field=field)
    action = ActionItem(body_id=meeting.body_id, meeting_id=meeting.id, item_id=item_id,
                        decision_id=decision_id, text=text, owner_id=owner_id, due_on=due_on,
                        status=ActionStatus.OPEN, created_by_id=actor_id)
    action.notes.append(ActionNote(on=local_day(meeting.starts_at), status=ActionStatus.OPEN,
                                   recorded_by_id=actor_id))
    session.add(action)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_action", entity_id=action.id,
                 action="create", site_id=site_id_of(meeting.body),
                 changes={"owner_id": owner_id, "due_on": due_on})
    return action


def set_status(session: Session, action: ActionItem, *, status: str, on: date | None,
               note: str | None, actor_id: int | None) -> ActionNote:
    """Record a dated status (open / gedaan / vervallen) with a note."""
    if status not in set(ActionStatus):
        raise RuleViolation(N_("Kies open, gedaan of vervallen."), field="status")
    if on is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field="on")
    note = (note or "").strip() or None
    if status == action.status and note is None:
        raise RuleViolation(N_("Kies een andere status of schrijf een notitie."),
                            field="note")
    if status == ActionStatus.VERVALLEN and note is None:
        raise RuleViolation(N_("Schrijf erbij waarom het actiepunt vervalt."), field="note")
    first = min((n.on for n in action.notes), default=on)
    if on < first:
        raise RuleViolation(N_("De datum ligt voor het ontstaan van het actiepunt (%(date)s)."),
                            field="on", date=first.isoformat())
    entry = ActionNote(on=on, status=status, note=note, recorded_by_id=actor_id)
    action.notes.append(entry)
    action.status = status
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_action", entity_id=action.id,
                 action="status", site_id=site_id_of(action.body),
                 changes={"status": status, "on": on})
    return entry


def my_actions(session: Session, user_id: int, *, include_closed: bool = False,
               limit: int | None = None) -> list[ActionItem]:
    """The user's action items over every body: open ones first, by due date; each with
    its body, loaded in the same query (whether the user has items or not); ``limit``:
    only the first so many."""
    stmt = sa.select(ActionItem).options(joinedload(ActionItem.body)) \
        .where(ActionItem.owner_id == user_id)
    if not include_closed:
        stmt = stmt.where(ActionItem.status == ActionStatus.OPEN)
    stmt = stmt.order_by((ActionItem.status != ActionStatus.OPEN), ActionItem.due_on,
                         ActionItem.id)
    return list(session.scalars(stmt if limit is None else stmt.limit(limit)))


def open_actions(session: Session, body_id: int) -> list[ActionItem]:
    return list(session.scalars(sa.select(ActionItem).where(
        ActionItem.body_id == body_id, ActionItem.status == ActionStatus.OPEN)
        .order_by(ActionItem.due_on, ActionItem.id)))


def carried_actions(session: Session, meeting: Meeting) -> list[ActionItem]:
    """The open action items this meeting takes over: made in earlier meetings of the
    body and not done or dropped (as they stand now)."""
    return list(session.scalars(
        sa.select(ActionItem).join(Meeting, Meeting.id == ActionItem.meeting_id).where(
            ActionItem.body_id == meeting.body_id, ActionItem.status == ActionStatus.OPEN,
            Meeting.starts_at < meeting.starts_at)
        .order_by(ActionItem.due_on, ActionItem.id)))


def actions_of_meeting(session: Session, meeting_id: int) -> list[ActionItem]:
    return list(session.scalars(sa.select(ActionItem).where(
        ActionItem.meeting_id == meeting_id).order_by(ActionItem.id)))


def snapshot(actions: list[ActionItem]) -> list[dict]:
    """The carried action items as plain data, frozen when the minutes are locked."""
    return [{"id": a.id, "text": a.text, "owner": a.owner.name, "due_on": a.due_on.isoformat(),
             "status": a.status} for a in actions]


def is_overdue(action: ActionItem, today: date) -> bool:
    return action.status == ActionStatus.OPEN and action.due_on < today
