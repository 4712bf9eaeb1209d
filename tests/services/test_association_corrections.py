"""Corrections in the association's books are new records, and what they undo stops
counting: a reversed bank match or a corrected cash-book booking opens its bank line
again (the trail keeps both)."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from models import CashEntry, Payment
from services.association import bank, books, payments
from services.errors import RuleViolation
from tests.conftest import TODAY
from tests.services.test_association import NOW, _import, a, count, owed  # noqa: F401


def _line(session, a, amount):
    return next(v.line for v in bank.line_views(session, a.assoc, today=TODAY)
                if v.line.amount == D(amount))


def _view(session, a, line):
    return next(v for v in bank.line_views(session, a.assoc, today=TODAY) if v.line is line)


# --- bank lines: a reversed match ---------------------------------------------------------

def test_a_reversed_bank_match_opens_the_line_for_the_right_member(session, a):
    _import(session, a)
    line = _line(session, a, "45")                   # Vera's, proposed by name and amount
    bank_before = books.balances_on(session, a.assoc, date(2026, 6, 16))["bank"]
    wrong = bank.confirm_payment(session, line, member_id=a.ids["member_linde"], today=TODAY,
                                 actor_id=None)
    assert _view(session, a, line).state == "betaling"
    payments.reverse_payment(session, wrong, reason="verkeerd lid", today=TODAY, actor_id=None)

    view = _view(session, a, line)
    assert (view.state, view.member.number, view.proposal.reason) == ("open", 3, "naam_bedrag")
    assert bank.open_line_count(session, a.assoc) == 5
    assert not bank.is_handled(session, line)
    linde = next(c for c in bank.candidates(session, a.assoc, TODAY)
                 if c.member_id == a.ids["member_linde"])
    assert linde.ibans == frozenset()                 # the undone match teaches no account

    right = bank.confirm_payment(session, line, member_id=a.ids["member_vrij1"], today=TODAY,
                                 actor_id=None)
    view = _view(session, a, line)
    assert (view.state, view.member.number) == ("betaling", 3)
    assert owed(session, a)[1] == (D(0), D(0)) and owed(session, a)[3] == (D(5), D(0))
    assert books.balances_on(session, a.assoc, date(2026, 6, 16))["bank"] == bank_before + 45
    earlier, = bank.history(session, line)            # the trail keeps both
    assert (earlier.payment.id, earlier.payment.member.number) == (wrong.id, 1)
    assert [p.id for p in session.scalars(sa.select(Payment).where(
        Payment.bank_line_id == line.id).order_by(Payment.id))] == [wrong.id, right.id]
    with pytest.raises(RuleViolation, match="al verwerkt"):
        bank.confirm_payment(session, line, member_id=a.ids["member_linde"], today=TODAY,
                             actor_id=None)
    with pytest.raises(RuleViolation, match="al verwerkt"):
        bank.ignore_line(session, line, reason="toch niet", now=NOW, actor_id=None)


def test_a_line_confirmed_and_reversed_twice_still_counts_once(session, a):
    _import(session, a)
    line = _line(session, a, "25")
    for member in ("linde", "vrij2"):
        wrong = bank.confirm_payment(session, line, member_id=a.ids[f"member_{member}"],
                                     today=TODAY, actor_id=None)
        payments.reverse_payment(session, wrong, reason="verkeerd", today=TODAY, actor_id=None)
    bank.confirm_payment(session, line, member_id=a.ids["member_anker"], today=TODAY,
                         actor_id=None)
    assert [e.payment.member.number for e in bank.history(session, line)] == [1, 4]
    assert owed(session, a)[2] == (D(5), D(0))        # Arie's 25 counted once
    assert bank.open_line_count(session, a.assoc) == 4


# --- bank lines: a corrected cash-book booking -------------------------------------------

def test_a_corrected_booking_opens_the_line_for_the_right_category(session, a):
    _import(session, a)
    line = _line(session, a, "-49.95")
    furnishing = books.category_by_key(session, a.assoc, "inrichting")
    activities = books.category_by_key(session, a.assoc, "activiteiten")
    wrong = bank.book_line(session, line, category_id=furnishing.id, description=None,
                           budget_id=None, grant_id=None, actor_id=None)
    assert _view(session, a, line).state == "kasboek"
    books.counter_entry(session, wrong, reason="verkeerde categorie", today=TODAY,
                        actor_id=None)

    assert _view(session, a, line).state == "open"
    assert bank.open_line_count(session, a.assoc) == 5
    right = bank.book_line(session, line, category_id=activities.id, description=None,
                           budget_id=None, grant_id=None, actor_id=None)
    view = _view(session, a, line)
    assert (view.state, view.entry.id, view.entry.category.key) == ("kasboek", right.id,
                                                                      "activiteiten")
    earlier, = bank.history(session, line)
    assert earlier.entry.id == wrong.id and earlier.entry.category.key == "inrichting"
    by_category = {c: total for c, total in session.execute(
        sa.select(CashEntry.category_id, sa.func.sum(CashEntry.amount)).where(
            CashEntry.booked_on == line.booked_on).group_by(CashEntry.category_id))}
    assert (by_category[furnishing.id], by_category[activities.id]) == (D(0), D("49.95"))
    with pytest.raises(RuleViolation, match="al verwerkt"):
        bank.book_line(session, line, category_id=furnishing.id, description=None,
                       budget_id=None, grant_id=None, actor_id=None)
