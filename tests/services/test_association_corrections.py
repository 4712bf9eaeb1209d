"""Corrections in the association's books are new records, and what they undo stops
counting: a reversed bank match or a corrected cash-book booking opens its bank line
again (the trail keeps both); a membership that ends cancels the dues after it (a yearly
due is cut to its pro-rata part), so balances, the overdue list and reminders follow."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from models import AuditEvent, CashEntry, Due, DuesReminder, Payment
from services.association import (bank, books, dues, members as member_service, payments,
                                  reminders)
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


# --- a membership that ends after its dues were generated --------------------------------

def test_ending_a_membership_cancels_the_dues_after_it(session, a):
    vera = a.member("vrij1")
    concept, = reminders.draft(session, a.assoc, [vera.id], today=TODAY, actor_id=None)
    assert concept.amount_overdue == D(45)
    member_service.end_membership(session, vera, ends_on=date(2026, 2, 15), reason="verhuisd",
                                  actor_id=None, now=NOW)

    cancelled = [d for d in payments.dues_of(session, vera.id) if d.cancelled_at is not None]
    assert [d.period_start.month for d in cancelled] == [3, 4, 5, 6]     # 4 months, € 20
    assert {d.cancel_reason for d in cancelled} == {"Lidmaatschap beëindigd per 15 februari 2026"}
    assert count(session, Due, Due.member_id == vera.id) == 12 + 6      # nothing deleted
    assert owed(session, a)[3] == (D(30), D(30))      # February is owed: a member on the 1st
    assert dues.generate_dues(session, a.assoc, up_to=TODAY, actor_id=None) == 0
    row = next(r for r in reminders.overdue(session, a.assoc, TODAY) if r.member.id == vera.id)
    assert (row.overdue, row.concept) == (D(30), None)
    assert concept.status == "vervallen"              # written on dues that no longer stand
    fresh, = reminders.draft(session, a.assoc, [vera.id], today=TODAY, actor_id=None)
    assert fresh.amount_overdue == D(30) and "€ 30,00" in fresh.body
    event = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "end_dues"))
    assert event.entity_id == vera.id


def test_a_move_out_recorded_late_cancels_the_dues_after_it(session, a):
    from models import Resident
    from services.registry import residents as registry

    vera = session.get(Resident, a.w.residents["vrij1"].id)
    registry.record_move_out(session, vera, move_out=date(2026, 5, 1), reason="verhuisd",
                             actor_id=None)
    ended, = member_service.end_on_move_out(session, vera, actor_id=None, now=NOW)
    assert [d.period_start.month for d in payments.dues_of(session, ended.id)
            if d.cancelled_at is not None] == [5, 6]
    assert owed(session, a)[3] == (D(40), D(40))


def test_a_yearly_due_running_past_the_end_is_replaced_by_its_pro_rata_part(session, a):
    dues.save_scheme(session, a.assoc, year=2027, amount=D(60), frequency="jaar", note=None,
                     actor_id=None)
    dues.generate_dues(session, a.assoc, up_to=date(2027, 1, 1), actor_id=None)
    lies = a.member("linde")
    yearly = payments.dues_of(session, lies.id)[-1]
    assert (yearly.period_start, yearly.amount, yearly.months) == (date(2027, 1, 1), D(60), 12)
    before = owed(session, a)[1][0]
    member_service.end_membership(session, lies, ends_on=date(2027, 3, 10), reason=None,
                                  actor_id=None, now=NOW)
    assert yearly.cancelled_at is not None and yearly.cancel_reason == (
        "Lidmaatschap beëindigd per 10 maart 2027; vervangen door 3 maanden naar rato")
    part = payments.dues_of(session, lies.id)[-1]
    assert (part.period_start, part.period_end, part.months, part.amount, part.due_on) == (
        date(2027, 1, 1), date(2027, 4, 1), 3, D(15), yearly.due_on)      # Jan-Mar
    assert owed(session, a)[1][0] == before - 45
    assert [d.cancelled_at for d in payments.dues_of(session, lies.id)
            if d.period_start.year == 2026] == [None] * 12                  # before: untouched
    assert dues.generate_dues(session, a.assoc, up_to=date(2027, 12, 1), actor_id=None) == 0
    assert len(payments.dues_of(session, lies.id)) == 12 + 12 + 2     # not the whole year again


def test_a_reduction_is_kept_in_the_pro_rata_part(session, a):
    scheme = dues.save_scheme(session, a.assoc, year=2027, amount=D(60), frequency="jaar",
                              note=None, actor_id=None)
    half = dues.add_reduction(session, scheme, name="Minima", percent=D(50), actor_id=None)
    otto = a.member("vrij2")
    dues.set_member_reduction(session, otto, scheme, reduction_id=half.id, actor_id=None)
    dues.generate_dues(session, a.assoc, up_to=date(2027, 1, 1), actor_id=None)
    member_service.end_membership(session, otto, ends_on=date(2027, 7, 1), reason=None,
                                  actor_id=None, now=NOW)
    part = payments.dues_of(session, otto.id)[-1]
    assert (part.months, part.amount, part.reduction_id) == (6, D(15), half.id)


def test_dues_of_a_closed_year_stay_as_presented(session, a):
    """An end dated back into a closed year leaves that year's dues alone."""
    from models import PresentedStatement

    session.add(PresentedStatement(association_id=a.assoc, year=2025,
                                   meeting_id=a.ids["alv_meeting"]))
    session.flush()
    arie = a.member("anker")
    member_service.end_membership(session, arie, ends_on=date(2025, 11, 1), reason=None,
                                  actor_id=None, now=NOW)
    gone = [d.period_start for d in payments.dues_of(session, arie.id) if d.cancelled_at]
    assert gone == [date(2026, m, 1) for m in range(1, 7)]


def test_a_concept_of_a_member_whose_dues_stay_is_kept(session, a):
    arie = a.member("anker")
    concept, = reminders.draft(session, a.assoc, [arie.id], today=TODAY, actor_id=None)
    member_service.end_membership(session, arie, ends_on=date(2026, 7, 1), reason=None,
                                  actor_id=None, now=NOW)
    assert concept.status == "concept"                # nothing after 1 July was generated
    assert count(session, DuesReminder) == 1
