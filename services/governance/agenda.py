"""What a meeting page and its print view show: the agenda with its markers (carried
over, escalated in, escalated up, outcome reported back), the decisions and action items
made in the meeting, the open action items it took over (frozen once the minutes are
locked), and for the communityteam the progress of this year's work plan."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from models import ActionItem, BodyDecision, BodyKind, Escalation, Meeting, MeetingItem, WorkPlan
from services.governance import actions, decisions, workplan
from services.governance.escalation import LADDER, higher_body
from services.governance.localtime import local_day
from services.governance.schedule import following_meeting, previous_meeting


@dataclass(frozen=True)
class ItemView:
    item: MeetingItem
    carried_from: date | None           # the day of the meeting it was carried over from
    escalated_from: Escalation | None   # came onto this agenda from a lower body
    escalated_to: Escalation | None     # passed up by this meeting
    outcome_of: Escalation | None       # reports a higher body's outcome back

    @property
    def awaits_outcome(self) -> bool:
        return self.escalated_from is not None and self.escalated_from.outcome is None


@dataclass(frozen=True)
class CarriedAction:
    text: str
    owner: str
    due_on: date
    status: str
    action: ActionItem | None = None    # None once frozen in the locked minutes


@dataclass
class MeetingView:
    meeting: Meeting
    day: date
    items: list[ItemView]
    decisions: list[BodyDecision]
    actions: list[ActionItem]
    carried_actions: list[CarriedAction]
    previous: Meeting | None
    following: Meeting | None
    escalates_to: str | None            # the kind of the next rung, if there is one
    work_plan: WorkPlan | None
    work_plan_rows: list[workplan.IngredientRow]

    @property
    def editable(self) -> bool:
        return self.meeting.locked_at is None

    @property
    def approved_in(self) -> date | None:
        """The day of the meeting that approved the locked minutes, when one did."""
        found = (self.meeting.snapshot or {}).get("approved_in")
        return date.fromisoformat(found["on"]) if found else None


def _carried(session: Session, meeting: Meeting) -> list[CarriedAction]:
    if meeting.snapshot is not None:
        return [CarriedAction(a["text"], a["owner"], date.fromisoformat(a["due_on"]),
                              a["status"]) for a in meeting.snapshot.get("actions", [])]
    return [CarriedAction(a.text, a.owner.name, a.due_on, a.status, a)
            for a in actions.carried_actions(session, meeting)]


def build(session: Session, meeting: Meeting) -> MeetingView:
    body = meeting.body
    day = local_day(meeting.starts_at)
    items = [ItemView(item, local_day(item.carried_over_from.meeting.starts_at)
                      if item.carried_over_from else None,
                      item.escalated_from, item.escalation, item.outcome_of)
             for item in meeting.items]
    plan = None
    if body.kind == BodyKind.COMMUNITYTEAM and body.sites:
        plan = workplan.plan_for(session, body.sites[0].id, day.year)
    return MeetingView(
        meeting, day, items, decisions.decisions_of_meeting(session, meeting.id),
        actions.actions_of_meeting(session, meeting.id), _carried(session, meeting),
        previous_meeting(session, meeting), following_meeting(session, meeting),
        LADDER.get(body.kind) if higher_body(session, body) is not None else None,
        plan, workplan.at_a_glance(plan) if plan else [])
