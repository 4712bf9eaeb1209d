"""The demo association (services/seed/demo_association.py) seeded with TODAY: what it
promises, and its 2025 ALV statement against a hand computation from the raw rows."""
from collections import defaultdict
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from models import (AssociationMember, AssociationSettings, CashCategory, CashEntry,
                    ContributionScheme, Due, Payment, Resident, Site, Unit)
from services.association import board, grants, members, reminders, statement
from services.seed import demo
from tests.conftest import TODAY


@pytest.fixture
def site(session):
    demo.seed_demo(session, today=TODAY, password="noaber-demo-1")
    return session.scalar(sa.select(Site).where(Site.name == demo.SITE_NAME))


def test_the_demo_association(session, site):
    association_id = site.association_id
    households = session.scalar(sa.select(sa.func.count(sa.distinct(Resident.unit_id)))
                                .join(Unit).where(Unit.site_id == site.id,
                                                  Resident.move_in_date <= TODAY,
                                                  sa.or_(Resident.move_out_date.is_(None),
                                                         Resident.move_out_date > TODAY)))
    current = members.members_on(session, association_id, TODAY)
    assert households - 4 <= len(current) < households                # most households
    assert [s.kind for s in members.suggestions(session, association_id, TODAY)] == ["nieuw"]
    schemes = {s.year: (s.amount, s.frequency) for s in session.scalars(
        sa.select(ContributionScheme))}
    assert schemes == {2025: (D(5), "maand"), 2026: (D(5), "maand")}
    assert session.scalar(sa.select(sa.func.min(Due.period_start))) == date(2025, 1, 1)
    behind = reminders.overdue(session, association_id, TODAY)
    assert 3 <= len(behind) <= 6
    assert board.vacancies(session, association_id, TODAY) == ["secretaris"]
    ending = [r.grant.funder for r in grants.grant_rows(session, association_id, TODAY)
              if r.ending_soon]
    assert ending == ["Gemeente Rijnstad"]
    assert statement.presented(session, association_id, 2025) is not None   # ALV in April


def test_demo_statement_2025_against_a_hand_computation(session, site):
    association_id = site.association_id
    s = statement.build_statement(session, association_id, 2025)
    sums: dict[tuple[str, str], D] = defaultdict(D)
    totals = {"bank": D(0), "kas": D(0)}
    for entry, kind, name in session.execute(
            sa.select(CashEntry, CashCategory.kind, CashCategory.name)
            .join(CashCategory, CashCategory.id == CashEntry.category_id)
            .where(CashEntry.association_id == association_id)):
        sign = 1 if kind == "inkomsten" else -1
        if entry.booked_on.year == 2025:
            sums[(kind, name)] += entry.amount
        if entry.booked_on < date(2026, 1, 1):
            totals[entry.account] += sign * entry.amount
    assert {(line.name, line.amount) for line in s.income} == {
        (name, amount) for (kind, name), amount in sums.items()
        if kind == "inkomsten" and amount}
    assert {(line.name, line.amount) for line in s.expenses} == {
        (name, amount) for (kind, name), amount in sums.items()
        if kind == "uitgaven" and amount}
    settings = session.get(AssociationSettings, association_id)
    assert s.start == {"bank": settings.opening_bank, "kas": settings.opening_cash,
                       "total": settings.opening_bank + settings.opening_cash}
    assert s.end == {"bank": settings.opening_bank + totals["bank"],
                     "kas": settings.opening_cash + totals["kas"],
                     "total": settings.opening_bank + settings.opening_cash
                     + totals["bank"] + totals["kas"]}
    assert s.start["total"] + s.result == s.end["total"]
    contributie = sum(p.amount for p in session.scalars(sa.select(Payment).where(
        Payment.paid_on < date(2026, 1, 1))))
    assert dict((line.name, line.amount) for line in s.income)["Contributie"] == contributie
    owed: dict[int, D] = defaultdict(D)
    for member_id, amount in session.execute(sa.select(Due.member_id, Due.amount).where(
            Due.period_start < date(2026, 1, 1), Due.cancelled_at.is_(None))):
        owed[member_id] += amount
    for member_id, amount in session.execute(sa.select(Payment.member_id, Payment.amount)
                                             .where(Payment.paid_on < date(2026, 1, 1))):
        owed[member_id] -= amount
    assert s.open_dues == sum((v for v in owed.values() if v > 0), D(0))
    assert s.credit == -sum((v for v in owed.values() if v < 0), D(0))
    assert s.households_behind == sum(1 for v in owed.values() if v > 0)
    assert {b.name for b in s.budgets} == {"Activiteitencommissie", "Welkomstcommissie",
                                           "Tuincommissie"}
    assert session.scalar(sa.select(sa.func.count()).select_from(AssociationMember)) > 60
