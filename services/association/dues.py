"""Contribution schemes with their reductions, and generating the dues.

Conventions (a choice where the statutes of an association may differ):

* a scheme holds for one calendar year: an amount per household per month or per year;
* monthly: a household owes a month when it is a member on the first day of the month
  (moving in on the 15th, the first due is next month's; moving out mid-month, that
  month is owed and nothing is refunded);
* yearly: a household that is a member on 1 January owes the year; one that joins later
  owes the whole months that are left, from the first day of the month after joining
  (or of the joining day when it is a first), pro rata; one that leaves during the year
  owes the months it was a member on their first day (as with monthly dues: leaving on
  10 June, June is owed and July-December are not), pro rata;
* when a membership ends after its dues were generated (:func:`end_dues`), the dues of
  periods starting on or after the end date are cancelled, and a yearly due running
  past it is cancelled and replaced by the due of those months, pro rata, so the
  result is what generating after the end would have given. Cancelled dues stay with
  their reason; dues in a closed year stay as presented; concept reminders of the
  member are discarded, as they were written on dues that no longer stand;
* a member's reduction (a percentage of the scheme) applies to dues generated after it
  is set; dues are generated up to a day and never twice for a period (so generating
  again, e.g. every month, only adds what is new); a due is payable ``payment_term_days``
  after its period starts.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import (AssociationMember, ContributionScheme, Due, DuesReminder, Frequency,
                    MemberReduction, Reduction, ReminderStatus)
from services import audit
from services.association import books
from services.association.money import cents, pro_rata, reduced
from services.errors import N_, RuleViolation
from services.words import counted, long_date


def _month_on_or_after(day: date) -> date:
    return day if day.day == 1 else (day.replace(day=1) + relativedelta(months=1))


def member_periods(year: int, frequency: str, starts_on: date, ends_on: date | None,
                   up_to: date) -> list[tuple[date, date, int]]:
    """(start, end, whole months) of the periods a membership owes in ``year``, of those
    starting on or before ``up_to`` (pure)."""
    def member_on(day: date) -> bool:
        return starts_on <= day and (ends_on is None or day < ends_on)

    year_end = date(year + 1, 1, 1)
    if frequency == Frequency.MAAND:
        starts = [date(year, month, 1) for month in range(1, 13)]
        return [(s, s + relativedelta(months=1), 1) for s in starts
                if s <= up_to and member_on(s)]
    first = max(date(year, 1, 1), _month_on_or_after(starts_on))
    if first >= year_end or first > up_to or not member_on(first):
        return []
    end = min(year_end, _month_on_or_after(ends_on)) if ends_on else year_end
    return [(first, end, months_between(first, end))]


def months_between(start: date, end: date) -> int:
    """Whole months from one first of a month to another (pure)."""
    return (end.year - start.year) * 12 + end.month - start.month


def due_amount(scheme_amount: Decimal, frequency: str, months: int,
               percent: Decimal | None) -> Decimal:
    """What one period costs: a month's amount, or the yearly amount pro rata (pure)."""
    base = cents(scheme_amount) if frequency == Frequency.MAAND else pro_rata(scheme_amount,
                                                                              months)
    return reduced(base, percent)


def schemes(session: Session, association_id: int) -> list[ContributionScheme]:
    return list(session.scalars(sa.select(ContributionScheme).where(
        ContributionScheme.association_id == association_id)
        .order_by(ContributionScheme.year.desc())))


def scheme_for(session: Session, association_id: int, year: int) -> ContributionScheme | None:
    return session.scalar(sa.select(ContributionScheme).where(
        ContributionScheme.association_id == association_id, ContributionScheme.year == year))


def has_dues(session: Session, scheme_id: int) -> bool:
    return session.scalar(sa.select(Due.id).where(Due.scheme_id == scheme_id).limit(1)) \
        is not None


def save_scheme(session: Session, association_id: int, *, year: int | None,
                amount: Decimal | None, frequency: str | None, note: str | None,
                actor_id: int | None) -> ContributionScheme:
    """Set the contribution of a year (changeable until its first dues exist)."""
    if year is None or not 2000 <= year <= 2100:
        raise RuleViolation(N_("Vul een geldig jaar in."), field="year")
    if amount is None or amount <= 0:
        raise RuleViolation(N_("Vul een bedrag groter dan nul in."), field="amount")
    if frequency not in set(Frequency):
        raise RuleViolation(N_("Kies per maand of per jaar."), field="frequency")
    scheme = scheme_for(session, association_id, year)
    if scheme is not None and has_dues(session, scheme.id):
        raise RuleViolation(N_("Voor %(year)s is al contributie aangemaakt; het bedrag ligt "
                               "vast."), field="amount", year=year)
    if scheme is None:
        scheme = ContributionScheme(association_id=association_id, year=year,
                                    created_by_id=actor_id)
        session.add(scheme)
    changes = audit.changes_between(scheme, {"amount": cents(amount), "frequency": frequency})
    scheme.amount, scheme.frequency = cents(amount), frequency
    scheme.note = (note or "").strip() or None
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_scheme", entity_id=scheme.id,
                 action="save", changes={"year": year, **changes})
    return scheme


def add_reduction(session: Session, scheme: ContributionScheme, *, name: str | None,
                  percent: Decimal | None, actor_id: int | None) -> Reduction:
    name = (name or "").strip()
    if not name:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    if percent is None or not Decimal(0) < percent <= Decimal(100):
        raise RuleViolation(N_("Een korting is meer dan 0 en hoogstens 100 procent."),
                            field="percent")
    if any(r.name.lower() == name.lower() for r in scheme.reductions):
        raise RuleViolation(N_("Deze korting bestaat al."), field="name")
    reduction = Reduction(scheme_id=scheme.id, name=name, percent=percent)
    session.add(reduction)
    session.flush()
    session.refresh(scheme, ["reductions"])
    audit.record(session, actor_id=actor_id, entity_type="assoc_scheme", entity_id=scheme.id,
                 action="add_reduction", changes={"name": name, "percent": percent})
    return reduction


def member_reductions(session: Session, scheme_id: int) -> dict[int, Reduction]:
    """member id -> reduction in this scheme."""
    return {row.member_id: row.reduction for row in session.scalars(
        sa.select(MemberReduction).where(MemberReduction.scheme_id == scheme_id))}


def set_member_reduction(session: Session, member: AssociationMember,
                         scheme: ContributionScheme, *, reduction_id: int | None,
                         actor_id: int | None) -> None:
    """Give a member a reduction in a scheme year (or none)."""
    if reduction_id is not None and reduction_id not in {r.id for r in scheme.reductions}:
        raise RuleViolation(N_("Kies een korting van dit jaar."), field="reduction_id")
    row = session.scalar(sa.select(MemberReduction).where(
        MemberReduction.member_id == member.id, MemberReduction.scheme_id == scheme.id))
    if reduction_id is None and row is not None:
        session.delete(row)   # a setting, not a record: the audit log keeps it
    elif reduction_id is not None:
        row = row or MemberReduction(member_id=member.id, scheme_id=scheme.id)
        row.reduction_id = reduction_id
        session.add(row)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_member", entity_id=member.id,
                 action="set_reduction", changes={"year": scheme.year,
                                                  "reduction": reduction_id})


def generate_dues(session: Session, association_id: int, *, up_to: date,
                  actor_id: int | None) -> int:
    """Add the dues of every member for every period that started on or before ``up_to``
    (in the open years with a scheme); returns how many were added."""
    closed = books.closed_years(session, association_id)
    term = relativedelta(days=books.settings_for(session, association_id).payment_term_days)
    members = list(session.scalars(sa.select(AssociationMember).where(
        AssociationMember.association_id == association_id)))
    existing = set(session.execute(sa.select(Due.member_id, Due.period_start).join(
        AssociationMember).where(AssociationMember.association_id == association_id)).all())
    added = 0
    for scheme in schemes(session, association_id):
        if scheme.year in closed or scheme.year > up_to.year:
            continue
        reductions = member_reductions(session, scheme.id)
        for member in members:
            reduction = reductions.get(member.id)
            for start, end, months in member_periods(scheme.year, scheme.frequency,
                                                     member.starts_on, member.ends_on, up_to):
                if (member.id, start) in existing:
                    continue
                session.add(Due(member_id=member.id, scheme_id=scheme.id, period_start=start,
                                period_end=end, due_on=start + term,
                                amount=due_amount(scheme.amount, scheme.frequency, months,
                                                  reduction.percent if reduction else None),
                                reduction_id=reduction.id if reduction else None))
                added += 1
    session.flush()
    if added:
        audit.record(session, actor_id=actor_id, entity_type="assoc_dues",
                     entity_id=association_id, action="generate",
                     changes={"up_to": up_to, "added": added})
    return added


def cancel_due(session: Session, due: Due, *, reason: str | None, now: datetime,
               actor_id: int | None) -> Due:
    """Withdraw a due generated by mistake (it stays, marked cancelled)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(N_("Geef aan waarom deze contributie vervalt."), field="reason")
    if due.cancelled_at is not None:
        raise RuleViolation(N_("Deze contributie is al vervallen."), field="reason")
    books.require_open_day(session, due.member.association_id, due.period_start, "reason")
    due.cancelled_at, due.cancelled_by_id, due.cancel_reason = now, actor_id, reason[:300]
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_due", entity_id=due.id,
                 action="cancel", changes={"reason": reason})
    return due


def end_dues(session: Session, member: AssociationMember, *, now: datetime,
             actor_id: int | None) -> list[Due]:
    """The membership ended on ``member.ends_on``: cancel the dues it no longer owes and
    replace a yearly due running past the end by its pro-rata part (see the module
    docstring); returns the new dues."""
    ends_on = member.ends_on
    closed = books.closed_years(session, member.association_id)
    paid_up_to = _month_on_or_after(ends_on)
    affected = [d for d in session.scalars(sa.select(Due).where(
        Due.member_id == member.id, Due.cancelled_at.is_(None), Due.period_end > paid_up_to)
        .order_by(Due.period_start)) if d.period_start.year not in closed]
    made: list[Due] = []
    for due in affected:
        reason = f"Lidmaatschap beëindigd per {long_date(ends_on)}"
        if due.period_start < ends_on:
            scheme = session.get(ContributionScheme, due.scheme_id)
            months = months_between(due.period_start, paid_up_to)
            made.append(Due(member_id=member.id, scheme_id=scheme.id,
                            period_start=due.period_start, period_end=paid_up_to,
                            due_on=due.due_on, reduction_id=due.reduction_id,
                            amount=due_amount(scheme.amount, scheme.frequency, months,
                                              due.reduction.percent if due.reduction else None)))
            reason += f"; vervangen door {counted(months, 'maand', 'maanden')} naar rato"
        due.cancelled_at, due.cancelled_by_id, due.cancel_reason = now, actor_id, reason
    if not affected:
        return []
    session.flush()      # the cancellations first: the partial unique index sees them
    session.add_all(made)
    concepts = list(session.scalars(sa.select(DuesReminder).where(
        DuesReminder.member_id == member.id, DuesReminder.status == ReminderStatus.CONCEPT)))
    for reminder in concepts:
        reminder.status, reminder.decided_at, reminder.decided_by_id = (
            ReminderStatus.VERVALLEN, now, actor_id)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_member",
                 entity_id=member.id, action="end_dues",
                 changes={"ends_on": ends_on, "cancelled": [d.id for d in affected],
                          "replaced_by": [d.id for d in made],
                          "concepts_discarded": [r.id for r in concepts]})
    return made
