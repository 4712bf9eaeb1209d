"""A member's balance, derived (never stored): the dues owed minus what was paid.

Payments pay the oldest dues first (by period, then by id), whatever the member wrote
with a payment; a partial payment leaves the rest of that due open, and an overpayment
is credit (tegoed) that pays the next dues as they come. A due is overdue when it is
still (partly) open after its ``due_on`` date. Pure functions of plain values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.association.money import ZERO


@dataclass(frozen=True)
class DueLine:
    id: int
    period_start: date
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class DueState:
    due: DueLine
    paid: Decimal
    open: Decimal

    def overdue(self, today: date) -> bool:
        return self.open > 0 and self.due.due_on < today


@dataclass(frozen=True)
class Balance:
    dues: Decimal
    paid: Decimal
    states: tuple[DueState, ...]

    @property
    def owed(self) -> Decimal:
        """Positive when the member is behind, negative when they have credit."""
        return self.dues - self.paid

    @property
    def open(self) -> Decimal:
        return max(self.owed, ZERO)

    @property
    def credit(self) -> Decimal:
        return max(-self.owed, ZERO)

    def overdue(self, today: date) -> Decimal:
        return sum((s.open for s in self.states if s.overdue(today)), ZERO)

    def overdue_since(self, today: date) -> date | None:
        """The due date of the oldest overdue due."""
        return next((s.due.due_on for s in self.states if s.overdue(today)), None)


def allocate(dues: list[DueLine], paid: Decimal) -> Balance:
    """Spread the total paid over the dues, oldest first."""
    left = paid
    states = []
    for due in sorted(dues, key=lambda d: (d.period_start, d.id)):
        share = min(max(left, ZERO), due.amount)
        left -= share
        states.append(DueState(due, share, due.amount - share))
    return Balance(sum((d.amount for d in dues), ZERO), paid, tuple(states))
