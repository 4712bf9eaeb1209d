"""The yearly financial statement for the ALV and the kascommissie's audit trail.

The statement of a year: income and expenses per category, the balance of the bank
account and the cash box at the start and the end of the year (the end follows from the
start and the result, so the statement always balances), every budget against what was
spent, the dues still open at the end of the year (as a total and a number of
households: no names) with the members' credit, and the grants that ran in the year.

The kascommissie ticks the items of :data:`AUDIT_ITEMS` with their name; each tick or
untick is a row, so the trail shows who checked what when. When every item is ticked,
the treasurer records at which ALV meeting the statement was presented; the year is
then closed (services/association/books.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (AuditCheck, Body, BodyKind, CashCategory, CashEntry, EntryKind, Grant,
                    Meeting, Organisation, PresentedStatement)
from services import audit
from services.association import books, payments
from services.association.money import ZERO, cents
from services.errors import N_, RuleViolation
from services.governance.localtime import local_day

AUDIT_ITEMS = (
    ("bank", N_("Het banksaldo op 1 januari en 31 december klopt met de bankafschriften.")),
    ("kas", N_("Het kasgeld is geteld en klopt met het kasboek.")),
    ("bonnen", N_("Bij elke uitgave is een bon of factuur.")),
    ("contributie", N_("De ontvangen en openstaande contributie kloppen met de ledenlijst.")),
    ("fondsen", N_("Subsidies en fondsen zijn besteed volgens hun voorwaarden.")),
    ("begrotingen", N_("De uitgaven per begroting zijn verklaard.")),
    ("advies", N_("De kascommissie adviseert de ALV het bestuur te dechargeren.")),
)
AUDIT_KEYS = tuple(key for key, _text in AUDIT_ITEMS)


@dataclass(frozen=True)
class Line:
    name: str
    amount: Decimal


@dataclass(frozen=True)
class BudgetLine:
    name: str
    budget: Decimal
    actual: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.actual


@dataclass(frozen=True)
class GrantLine:
    name: str
    funder: str
    amount: Decimal
    received: Decimal
    ends_on: date


@dataclass(frozen=True)
class Statement:
    association: str
    year: int
    income: list[Line]
    expenses: list[Line]
    start: dict[str, Decimal]        # bank, kas, total on 1 January
    end: dict[str, Decimal]          # at the end of ``through``
    budgets: list[BudgetLine]
    open_dues: Decimal               # not paid yet, whether its due date has passed or not
    households_behind: int           # households with open dues
    credit: Decimal
    grants: list[GrantLine]
    presented: PresentedStatement | None
    #: the last day the figures cover: 31 December, or today in a year not over yet
    through: date | None = None
    overdue: Decimal = ZERO          # the part of ``open_dues`` past its due date
    households_overdue: int = 0

    @property
    def complete(self) -> bool:
        """Whether the figures cover the whole year (else: up to and including today)."""
        return self.through is None or self.through == date(self.year, 12, 31)

    @property
    def total_income(self) -> Decimal:
        return sum((line.amount for line in self.income), ZERO)

    @property
    def total_expenses(self) -> Decimal:
        return sum((line.amount for line in self.expenses), ZERO)

    @property
    def result(self) -> Decimal:
        return self.total_income - self.total_expenses


def _by_category(session: Session, association_id: int, start: date,
                 end: date) -> tuple[list[Line], list[Line]]:
    rows = session.execute(
        sa.select(CashCategory.name, CashCategory.kind, sa.func.sum(CashEntry.amount))
        .join(CashEntry, CashEntry.category_id == CashCategory.id)
        .where(CashEntry.association_id == association_id, CashEntry.booked_on >= start,
               CashEntry.booked_on < end)
        .group_by(CashCategory.id, CashCategory.name, CashCategory.kind, CashCategory.position)
        .order_by(CashCategory.position, CashCategory.name)).all()
    lines = {kind: [Line(name, cents(total)) for name, k, total in rows if k == kind and total]
             for kind in EntryKind}
    return lines[EntryKind.INKOMSTEN], lines[EntryKind.UITGAVEN]


def build_statement(session: Session, association_id: int, year: int,
                    today: date | None = None) -> Statement:
    """The year's figures; a year not over yet on ``today`` up to and including today (so
    the closing balance and the dues agree with the association's dashboard). Open dues
    count every unpaid due; the overdue part only those past their due date, as the
    dashboard's arrears do."""
    start, through = date(year, 1, 1), date(year, 12, 31)
    if today is not None and today < through:
        through = today
    end = through + timedelta(days=1)
    income, expenses = _by_category(session, association_id, start, end)
    at_end = payments.balances(session, association_id, until=end).values()
    grants = session.scalars(sa.select(Grant).where(
        Grant.association_id == association_id, Grant.starts_on < end,
        Grant.ends_on >= start).order_by(Grant.ends_on))
    received = dict(session.execute(
        sa.select(CashEntry.grant_id, sa.func.sum(CashEntry.amount))
        .join(CashCategory, CashCategory.id == CashEntry.category_id)
        .where(CashEntry.association_id == association_id, CashEntry.booked_on >= start,
               CashEntry.booked_on < end, CashCategory.kind == EntryKind.INKOMSTEN,
               CashEntry.grant_id.is_not(None))
        .group_by(CashEntry.grant_id)).all())
    return Statement(
        association=session.get(Organisation, association_id).name, year=year,
        income=income, expenses=expenses,
        start=books.balances_on(session, association_id, start),
        end=books.balances_on(session, association_id, end),
        budgets=[BudgetLine(r.budget.name, r.budget.amount, r.spent)
                 for r in books.budget_rows(session, association_id, year)],
        open_dues=sum((b.open for b in at_end), ZERO),
        households_behind=sum(1 for b in at_end if b.open > 0),
        credit=sum((b.credit for b in at_end), ZERO),
        grants=[GrantLine(g.name, g.funder, g.amount, cents(received.get(g.id, ZERO)), g.ends_on)
                for g in grants],
        presented=presented(session, association_id, year), through=through,
        overdue=sum((b.overdue(through) for b in at_end), ZERO),
        households_overdue=sum(1 for b in at_end if b.overdue(through) > 0))


def years(session: Session, association_id: int, today: date) -> list[int]:
    """The years with books, newest first (at least this year)."""
    first = session.scalar(sa.select(sa.func.min(CashEntry.booked_on)).where(
        CashEntry.association_id == association_id))
    start = books.settings_for(session, association_id).books_start
    since = min(d.year for d in (first, start, today) if d is not None)
    return list(range(today.year, since - 1, -1))


# --- the kascommissie's audit and presenting -----------------------------------------

def presented(session: Session, association_id: int, year: int) -> PresentedStatement | None:
    return session.scalar(sa.select(PresentedStatement).where(
        PresentedStatement.association_id == association_id, PresentedStatement.year == year))


def audit_trail(session: Session, association_id: int, year: int) -> list[AuditCheck]:
    return list(session.scalars(sa.select(AuditCheck).where(
        AuditCheck.association_id == association_id, AuditCheck.year == year)
        .order_by(AuditCheck.recorded_at, AuditCheck.id)))


def audit_state(session: Session, association_id: int, year: int) -> dict[str, AuditCheck]:
    """item -> its latest tick or untick (items never touched are missing)."""
    return {row.item: row for row in audit_trail(session, association_id, year)}


def record_check(session: Session, association_id: int, year: int, *, item: str | None,
                 checked: bool, by_name: str | None, note: str | None, now,
                 actor_id: int | None) -> AuditCheck:
    if item not in AUDIT_KEYS:
        raise RuleViolation(N_("Kies een punt van de controle."), field="item")
    by_name = (by_name or "").strip()
    if not by_name:
        raise RuleViolation(N_("Vul de naam in van het lid van de kascommissie."),
                            field="by_name")
    if presented(session, association_id, year) is not None:
        raise RuleViolation(N_("Het jaar %(year)s is afgesloten."), field="item", year=year)
    row = AuditCheck(association_id=association_id, year=year, item=item, checked=checked,
                     checked_by_name=by_name[:200], note=(note or "").strip()[:500] or None,
                     recorded_at=now, recorded_by_id=actor_id)
    session.add(row)
    session.flush()
    return row


def alv_meetings(session: Session, association_id: int, year: int) -> list[Meeting]:
    """The association's ALV meetings after the year, at which its statement can be
    presented."""
    found = session.scalars(sa.select(Meeting).join(Body).where(
        Body.kind == BodyKind.ALV, Body.organisation_id == association_id)
        .order_by(Meeting.starts_at))
    return [m for m in found if local_day(m.starts_at).year > year]


def present(session: Session, association_id: int, year: int, *, meeting_id: int | None,
            today: date, actor_id: int | None) -> PresentedStatement:
    """Record that the statement was presented at this ALV; the year is closed then."""
    if year >= today.year:
        raise RuleViolation(N_("Een jaar kan pas na afloop worden afgesloten."),
                            field="meeting_id")
    if presented(session, association_id, year) is not None:
        raise RuleViolation(N_("Het verslag over %(year)s is al gepresenteerd."),
                            field="meeting_id", year=year)
    if meeting_id not in {m.id for m in alv_meetings(session, association_id, year)}:
        raise RuleViolation(N_("Kies een ALV van de vereniging na afloop van het jaar."),
                            field="meeting_id")
    state = audit_state(session, association_id, year)
    if not all(key in state and state[key].checked for key in AUDIT_KEYS):
        raise RuleViolation(N_("De kascommissie heeft nog niet alles afgevinkt."),
                            field="meeting_id")
    row = PresentedStatement(association_id=association_id, year=year, meeting_id=meeting_id,
                             presented_by_id=actor_id)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_statement", entity_id=row.id,
                 action="present", changes={"year": year, "meeting": meeting_id})
    return row
