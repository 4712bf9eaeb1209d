"""Funds and grants: temporary income with an end date that must be watched (seed 004
"7. Financiering"). Received and spent are the cash-book entries booked on the grant. A grant ends
"soon" within 6 months of its end date: in time to apply for a follow-up or plan
without it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import CashCategory, CashEntry, EntryKind, Grant
from services import audit
from services.association.money import ZERO, cents
from services.errors import N_, RuleViolation

ENDING_MONTHS = 6


def ends_soon(ends_on: date, today: date, months: int = ENDING_MONTHS) -> bool:
    """Whether a grant still runs but ends within ``months`` (pure)."""
    return today <= ends_on <= today + relativedelta(months=months)


@dataclass(frozen=True)
class GrantData:
    funder: str | None
    name: str | None
    amount: Decimal | None
    purpose: str | None
    conditions: str | None
    starts_on: date | None
    ends_on: date | None


def save_grant(session: Session, association_id: int, grant: Grant | None, data: GrantData, *,
               actor_id: int | None) -> Grant:
    """Record a grant, or change one."""
    values = {"funder": (data.funder or "").strip(), "name": (data.name or "").strip(),
              "purpose": (data.purpose or "").strip(),
              "conditions": (data.conditions or "").strip() or None,
              "starts_on": data.starts_on, "ends_on": data.ends_on,
              "amount": cents(data.amount) if data.amount is not None else None}
    for key, message in (("funder", N_("Vul in wie het geld geeft.")),
                         ("name", N_("Vul een naam in.")),
                         ("purpose", N_("Vul in waarvoor het geld is."))):
        if not values[key]:
            raise RuleViolation(message, field=key)
    if values["amount"] is None or values["amount"] <= 0:
        raise RuleViolation(N_("Vul een bedrag groter dan nul in."), field="amount")
    if data.starts_on is None or data.ends_on is None:
        raise RuleViolation(N_("Vul een begin- en einddatum in."), field="ends_on")
    if data.ends_on < data.starts_on:
        raise RuleViolation(N_("De einddatum ligt voor de begindatum."), field="ends_on")
    if grant is None:
        grant = Grant(association_id=association_id, created_by_id=actor_id)
        session.add(grant)
        changes = values
    else:
        changes = audit.changes_between(grant, values)
    for key, value in values.items():
        setattr(grant, key, value)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_grant", entity_id=grant.id,
                 action="save", changes=changes)
    return grant


@dataclass(frozen=True)
class GrantRow:
    grant: Grant
    received: Decimal
    spent: Decimal
    ending_soon: bool
    ended: bool


def grant_rows(session: Session, association_id: int, today: date) -> list[GrantRow]:
    """Every grant with what came in and went out on it; running ones first."""
    totals: dict[tuple[int, str], Decimal] = {
        (grant_id, kind): Decimal(total) for grant_id, kind, total in session.execute(
            sa.select(CashEntry.grant_id, CashCategory.kind, sa.func.sum(CashEntry.amount))
            .join(CashCategory, CashCategory.id == CashEntry.category_id)
            .where(CashEntry.association_id == association_id, CashEntry.grant_id.is_not(None))
            .group_by(CashEntry.grant_id, CashCategory.kind))}
    grants = session.scalars(sa.select(Grant).where(Grant.association_id == association_id)
                             .order_by(Grant.ends_on))
    rows = [GrantRow(g, cents(totals.get((g.id, EntryKind.INKOMSTEN.value), ZERO)),
                     cents(totals.get((g.id, EntryKind.UITGAVEN.value), ZERO)),
                     ends_soon(g.ends_on, today), g.ends_on < today) for g in grants]
    return sorted(rows, key=lambda r: (r.ended, r.grant.ends_on))
