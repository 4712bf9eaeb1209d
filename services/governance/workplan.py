"""The yearly community work plan (communitywerkplan): goals grouped by the seven
ingredients, actions with owner, due date and progress. The kerngroep sets it (linked to
its decision) and sees the year at a glance; the communityteam's monthly meeting shows
the progress."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (BodyDecision, Ingredient, Progress, Site, User, WorkPlan, WorkPlanAction,
                    WorkPlanGoal)
from services import audit
from services.errors import N_, RuleViolation


@dataclass
class IngredientRow:
    ingredient: str
    goals: list[WorkPlanGoal] = field(default_factory=list)
    progress: Counter = field(default_factory=Counter)

    @property
    def actions(self) -> int:
        return sum(self.progress.values())


def plan_for(session: Session, site_id: int, year: int) -> WorkPlan | None:
    return session.scalar(sa.select(WorkPlan).where(WorkPlan.site_id == site_id,
                                                    WorkPlan.year == year))


def create_plan(session: Session, site: Site, *, year: int | None, decision_id: int | None,
                actor_id: int | None) -> WorkPlan:
    """Start the work plan of a year, optionally with the kerngroep decision adopting it."""
    if year is None or not 2000 <= year <= 2100:
        raise RuleViolation(N_("Vul een jaar in."), field="year")
    if plan_for(session, site.id, year) is not None:
        raise RuleViolation(N_("Er is al een werkplan voor %(year)s."), field="year", year=year)
    if decision_id is not None and session.get(BodyDecision, decision_id) is None:
        raise RuleViolation(N_("Kies een bestaand besluit."), field="decision_id")
    plan = WorkPlan(site_id=site.id, year=year, decision_id=decision_id)
    session.add(plan)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_work_plan", entity_id=plan.id,
                 action="create", site_id=site.id, changes={"year": year})
    return plan


def add_goal(session: Session, plan: WorkPlan, *, ingredient: str, text: str,
             actor_id: int | None) -> WorkPlanGoal:
    if ingredient not in set(Ingredient):
        raise RuleViolation(N_("Kies een ingrediënt."), field="ingredient")
    text = (text or "").strip()
    if not text:
        raise RuleViolation(N_("Beschrijf het doel."), field="text")
    goal = WorkPlanGoal(ingredient=ingredient, text=text)
    plan.goals.append(goal)
    session.flush()
    return goal


def add_action(session: Session, goal: WorkPlanGoal, *, text: str, owner_id: int | None,
               due_on: date | None, now: datetime, actor_id: int | None) -> WorkPlanAction:
    text = (text or "").strip()
    if not text:
        raise RuleViolation(N_("Beschrijf de actie."), field="text")
    owner = session.get(User, owner_id) if owner_id is not None else None
    if owner is None or not owner.active:
        raise RuleViolation(N_("Kies een eigenaar."), field="owner_id")
    if due_on is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field="due_on")
    action = WorkPlanAction(text=text, owner_id=owner.id, due_on=due_on,
                            progress=Progress.NIET_GESTART, updated_at=now)
    goal.actions.append(action)
    session.flush()
    return action


def set_progress(session: Session, action: WorkPlanAction, *, progress: str, note: str | None,
                 now: datetime, actor_id: int | None) -> WorkPlanAction:
    if progress not in set(Progress):
        raise RuleViolation(N_("Kies de voortgang."), field="progress")
    action.progress, action.progress_note = progress, (note or "").strip() or None
    action.updated_at = now
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_work_plan_action",
                 entity_id=action.id, action="progress", site_id=action.goal.plan.site_id,
                 changes={"progress": progress})
    return action


def at_a_glance(plan: WorkPlan | None) -> list[IngredientRow]:
    """All seven ingredients in the seed's order, with their goals and progress counts."""
    rows = {ingredient.value: IngredientRow(ingredient.value) for ingredient in Ingredient}
    for goal in plan.goals if plan else ():
        row = rows[goal.ingredient]
        row.goals.append(goal)
        row.progress.update(a.progress for a in goal.actions)
    return list(rows.values())


def progress_totals(plan: WorkPlan | None) -> Counter:
    totals: Counter = Counter()
    for row in at_a_glance(plan):
        totals.update(row.progress)
    return totals
