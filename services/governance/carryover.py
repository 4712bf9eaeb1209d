"""Carry-over of open agenda items (open agenda items carry over to the next
meeting of the same body automatically).

The agenda of a meeting whose minutes are still open always reflects the current state of
the body's previous meeting: every item there that is neither handled (afgehandeld) nor
escalated is on it once, as a copy pointing back (``carried_over_from``). Bodies plan
their meetings a year ahead, so the previous meeting may change long after the next one
was planned; whenever an agenda changes (an item added, minutes saved, an item escalated,
a meeting planned or moved) the body's later open meetings are brought in step, oldest
first, so a change travels down the whole chain.

An item handled in the previous meeting after all is taken off the next agenda again,
but only while nobody has worked on the copy: once it has minutes, is ticked, escalated,
or has a decision or action item, the copy stays (history is never lost), and so does a
copy of which a later meeting already holds a worked-on copy. Copies are matched by the
item they first came from, so an item is never on one agenda twice.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ActionItem, BodyDecision, Meeting, MeetingItem
from services.governance.schedule import previous_meeting


def is_open(item: MeetingItem) -> bool:
    """An item that moves on to the next meeting: not handled and not escalated."""
    return not item.handled and item.escalation_id is None


def origin_id(item: MeetingItem) -> int:
    """The id of the item this one was (through any number of meetings) carried from."""
    while item.carried_over_from is not None:
        item = item.carried_over_from
    return item.id


def _copies_of(session: Session, item_id: int) -> list[MeetingItem]:
    return list(session.scalars(sa.select(MeetingItem).where(
        MeetingItem.carried_over_from_id == item_id).order_by(MeetingItem.id)))


def _worked_on(session: Session, item: MeetingItem) -> bool:
    """Whether the item holds anything of the meeting's own: minutes, the handled tick, an
    escalation, a decision or an action item, or minutes that are locked."""
    if (item.minutes is not None or item.handled or item.escalation_id is not None
            or item.meeting.locked_at is not None):
        return True
    return any(session.scalar(sa.select(sa.exists().where(column == item.id)))
               for column in (BodyDecision.item_id, ActionItem.item_id))


def _chain(session: Session, item: MeetingItem) -> list[MeetingItem] | None:
    """The copy and every later copy of it, latest first; None when any was worked on."""
    found: list[MeetingItem] = []
    for later in _copies_of(session, item.id):
        below = _chain(session, later)
        if below is None:
            return None
        found += below
    if _worked_on(session, item):
        return None
    return found + [item]


def withdraw(session: Session, copy: MeetingItem) -> bool:
    """Take an untouched carried copy (and its untouched later copies) off the agendas.
    Returns False, changing nothing, when any of them was worked on."""
    chain = _chain(session, copy)
    if chain is None:
        return False
    for item in chain:                  # latest first: nothing points at a removed row
        meeting = item.meeting
        session.delete(item)
        session.flush()
        session.expire(meeting, ["items"])
    return True


def _append(meeting: Meeting, source: MeetingItem) -> None:
    position = max((i.position for i in meeting.items), default=0) + 1
    meeting.items.append(MeetingItem(
        position=position, title=source.title, carried_over_from=source,
        escalated_from_id=source.escalated_from_id, outcome_of_id=source.outcome_of_id))


def sync(session: Session, meeting: Meeting) -> int:
    """Bring this meeting's carried items in step with the previous meeting: add what is
    open there and missing here, withdraw untouched copies of what is no longer open
    there. Locked minutes are left alone. Returns how many items were added."""
    if meeting.locked_at is not None:
        return 0
    previous = previous_meeting(session, meeting)
    wanted = {i.id for i in previous.items if is_open(i)} if previous is not None else set()
    present: set[int] = set()
    for copy in [i for i in meeting.items if i.carried_over_from_id is not None]:
        if copy.carried_over_from_id in wanted or not withdraw(session, copy):
            present.add(origin_id(copy))
    sources = [i for i in previous.items if i.id in wanted] if previous is not None else []
    added = 0
    for source in sources:
        if origin_id(source) not in present:
            _append(meeting, source)
            present.add(origin_id(source))
            added += 1
    session.flush()
    return added


def resync(session: Session, body_id: int, since: datetime) -> None:
    """Bring every open meeting of the body from ``since`` on in step, oldest first."""
    for meeting in session.scalars(sa.select(Meeting).where(
            Meeting.body_id == body_id, Meeting.locked_at.is_(None),
            Meeting.starts_at >= since).order_by(Meeting.starts_at, Meeting.id)).all():
        sync(session, meeting)
