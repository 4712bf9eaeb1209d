"""The figures on the association's dashboard, gathered once (no names of members who
are behind: the dashboard counts them)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from services.association import (bank, board, books, grants, members, participation,
                                  reminders)
from services.association.money import ZERO


@dataclass(frozen=True)
class Overview:
    members: int
    suggestions: int
    households_behind: int
    overdue: Decimal
    balances: dict[str, Decimal]
    open_lines: int
    concepts: int
    vacancies: list[str]
    kvk_pending: int
    grants_ending: list[grants.GrantRow]
    budgets: list[books.BudgetRow]
    participation: participation.SiteParticipation


def overview(session: Session, association_id: int, site_id: int, today: date) -> Overview:
    late = reminders.overdue(session, association_id, today)
    return Overview(
        members=len(members.members_on(session, association_id, today)),
        suggestions=len(members.suggestions(session, association_id, today)),
        households_behind=len(late), overdue=sum((r.overdue for r in late), ZERO),
        balances=books.balances_on(session, association_id, today + timedelta(days=1)),
        open_lines=bank.open_line_count(session, association_id),
        concepts=len(reminders.concepts(session, association_id)),
        vacancies=board.vacancies(session, association_id, today),
        kvk_pending=len(board.kvk_pending(session, association_id)),
        grants_ending=[g for g in grants.grant_rows(session, association_id, today)
                       if g.ending_soon],
        budgets=books.budget_rows(session, association_id, today.year),
        participation=participation.site_participation(session, site_id, today))
