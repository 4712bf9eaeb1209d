"""The association's books: settings with the opening balances, the categories, the cash
book (kasboek) and the account balances, and the budgets.

Conventions:

* the association year is the calendar year;
* a cash-book entry is an income or expense of the bank account or the cash box, by its
  category; amounts are positive. A correction is a counter-entry (the amount negated,
  referring to the corrected entry) dated like the entry when its year is still open,
  else on the day of the correction; the corrected entry itself never changes;
* the default categories (the seeds' sources of income and the usual expenses) are
  created on the first write to the books (the settings, a payment, an own category);
  payments of dues book themselves into the category with key ``contributie``;
* a balance on a day is the opening balance plus every entry before that day; a year
  whose statement was presented at the ALV is closed: nothing dated in it is added, and
  the opening balances can no longer change;
* what is spent of a budget is the sum of the expense entries booked on it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (Account, AssociationSettings, Budget, CashCategory, CashEntry, Commission,
                    EntryKind, Grant, PresentedStatement)
from services import audit
from services.association.money import ZERO, cents
from services.association.records import owned
from services.errors import N_, RuleViolation

CONTRIBUTIE = "contributie"
DEFAULT_CATEGORIES = (
    (EntryKind.INKOMSTEN, CONTRIBUTIE, "Contributie"),
    (EntryKind.INKOMSTEN, "corporatie", "Bijdrage corporatie"),
    (EntryKind.INKOMSTEN, "subsidie", "Subsidie gemeente"),
    (EntryKind.INKOMSTEN, "fondsen", "Fondsen"),
    (EntryKind.INKOMSTEN, "activiteiten_in", "Opbrengst activiteiten"),
    (EntryKind.INKOMSTEN, "koffie", "Verkoop koffie en thee"),
    (EntryKind.INKOMSTEN, "zaalhuur", "Zaalhuur externe gebruikers"),
    (EntryKind.UITGAVEN, "activiteiten", "Activiteiten"),
    (EntryKind.UITGAVEN, "inrichting", "Inrichting ontmoetingsruimte"),
    (EntryKind.UITGAVEN, "nuts", "Nutsvoorzieningen"),
    (EntryKind.UITGAVEN, "software", "Software"),
    (EntryKind.UITGAVEN, "coach", "Bijdrage communitycoach"),
    (EntryKind.UITGAVEN, "bankkosten", "Bankkosten"),
    (EntryKind.UITGAVEN, "overig", "Overige uitgaven"),
)
IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def normalise_iban(text: str | None) -> str | None:
    """An IBAN without spaces in capitals, checked by its mod-97 check digits."""
    iban = re.sub(r"\s+", "", text or "").upper()
    if not iban:
        return None
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4]) if IBAN.match(iban) else ""
    if not digits or int(digits) % 97 != 1:
        raise RuleViolation(N_("Vul een geldig IBAN in, bijvoorbeeld NL91 ABNA 0417 1643 00."),
                            field="iban")
    return iban


# --- settings and closed years -----------------------------------------------------

def settings_for(session: Session, association_id: int) -> AssociationSettings:
    """The association's settings (the defaults, not saved, when it has none)."""
    return session.get(AssociationSettings, association_id) or AssociationSettings(
        association_id=association_id, opening_bank=ZERO, opening_cash=ZERO,
        payment_term_days=30)


def closed_years(session: Session, association_id: int) -> set[int]:
    return set(session.scalars(sa.select(PresentedStatement.year).where(
        PresentedStatement.association_id == association_id)))


def require_open_day(session: Session, association_id: int, day: date | None,
                     field: str) -> None:
    """Refuse a day in a closed year or before the books start."""
    if day is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field=field)
    if day.year in closed_years(session, association_id):
        raise RuleViolation(N_("Het jaar %(year)s is afgesloten: het financieel verslag is "
                               "op de ALV gepresenteerd."), field=field, year=day.year)
    start = settings_for(session, association_id).books_start
    if start is not None and day < start:
        raise RuleViolation(N_("De boeken beginnen op %(date)s; eerder kan niet."),
                            field=field, date=start.strftime("%d-%m-%Y"))


def save_settings(session: Session, association_id: int, *, books_start: date | None,
                  opening_bank: Decimal | None, opening_cash: Decimal | None,
                  iban: str | None, payment_term_days: int | None, actor_id: int | None,
                  now) -> AssociationSettings:
    if payment_term_days is None or not 0 <= payment_term_days <= 365:
        raise RuleViolation(N_("De betaaltermijn is 0 tot en met 365 dagen."),
                            field="payment_term_days")
    settings = settings_for(session, association_id)
    values = {"books_start": books_start, "opening_bank": cents(opening_bank or 0),
              "opening_cash": cents(opening_cash or 0), "iban": normalise_iban(iban),
              "payment_term_days": payment_term_days}
    opening = ("books_start", "opening_bank", "opening_cash")
    changes = audit.changes_between(settings, values)
    if closed_years(session, association_id) and any(k in changes for k in opening):
        raise RuleViolation(N_("Er is al een jaar afgesloten; het beginsaldo ligt vast."),
                            field="books_start")
    for key, value in values.items():
        setattr(settings, key, value)
    settings.updated_at, settings.updated_by_id = now, actor_id
    session.add(settings)
    session.flush()
    ensure_categories(session, association_id)
    audit.record(session, actor_id=actor_id, entity_type="assoc_settings",
                 entity_id=association_id, action="update", changes=changes)
    return settings


# --- categories --------------------------------------------------------------------

def ensure_categories(session: Session, association_id: int) -> None:
    """Create the default categories when the association has none yet (on the first
    write to its books: the settings, a payment, a category of its own)."""
    if session.scalar(sa.select(CashCategory.id).where(
            CashCategory.association_id == association_id).limit(1)) is None:
        session.add_all(CashCategory(association_id=association_id, kind=k, key=key, name=name,
                                     position=i) for i, (k, key, name) in
                        enumerate(DEFAULT_CATEGORIES))
        session.flush()


def categories(session: Session, association_id: int,
               kind: str | None = None) -> list[CashCategory]:
    """The categories, income first (none before the books are first written to)."""
    found = session.scalars(sa.select(CashCategory).where(
        CashCategory.association_id == association_id))
    return sorted((c for c in found if kind is None or c.kind == kind),
                  key=lambda c: (c.kind != EntryKind.INKOMSTEN, c.position, c.name))


def category_by_key(session: Session, association_id: int, key: str) -> CashCategory:
    """One of the default categories (created when missing: only for writing)."""
    ensure_categories(session, association_id)
    return next(c for c in categories(session, association_id) if c.key == key)


def add_category(session: Session, association_id: int, *, name: str, kind: str,
                 actor_id: int | None) -> CashCategory:
    name = (name or "").strip()
    if not name:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    if kind not in set(EntryKind):
        raise RuleViolation(N_("Kies inkomsten of uitgaven."), field="kind")
    ensure_categories(session, association_id)
    existing = categories(session, association_id)
    if any(c.name.lower() == name.lower() for c in existing):
        raise RuleViolation(N_("Deze categorie bestaat al."), field="name")
    category = CashCategory(association_id=association_id, name=name, kind=kind,
                            position=max(c.position for c in existing) + 1)
    session.add(category)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_category",
                 entity_id=category.id, action="create", changes={"name": name, "kind": kind})
    return category


# --- the cash book -----------------------------------------------------------------

@dataclass(frozen=True)
class EntryData:
    booked_on: date | None
    account: str
    category_id: int | None
    amount: Decimal | None
    description: str | None
    budget_id: int | None = None
    grant_id: int | None = None


def _check_entry(session: Session, association_id: int, data: EntryData) -> CashCategory:
    require_open_day(session, association_id, data.booked_on, "booked_on")
    if data.account not in set(Account):
        raise RuleViolation(N_("Kies bank of kas."), field="account")
    category = owned(session, CashCategory, data.category_id, association_id)
    if category is None:
        raise RuleViolation(N_("Kies een categorie."), field="category_id")
    if data.amount is None or data.amount <= 0:
        raise RuleViolation(N_("Vul een bedrag groter dan nul in."), field="amount")
    if not (data.description or "").strip():
        raise RuleViolation(N_("Schrijf kort op waar het om gaat."), field="description")
    if data.budget_id is not None:
        budget = owned(session, Budget, data.budget_id, association_id)
        if budget is None or budget.year != data.booked_on.year:
            raise RuleViolation(N_("Kies een begroting van hetzelfde jaar."),
                                field="budget_id")
        if category.kind != EntryKind.UITGAVEN:
            raise RuleViolation(N_("Alleen uitgaven horen bij een begroting."),
                                field="budget_id")
    if data.grant_id is not None and owned(session, Grant, data.grant_id,
                                           association_id) is None:
        raise RuleViolation(N_("Kies een fonds of subsidie van deze vereniging."),
                            field="grant_id")
    return category


def add_entry(session: Session, association_id: int, data: EntryData, *,
              actor_id: int | None, payment_id: int | None = None,
              bank_line_id: int | None = None) -> CashEntry:
    """Book an income or expense."""
    _check_entry(session, association_id, data)
    entry = CashEntry(association_id=association_id, booked_on=data.booked_on,
                      account=data.account, category_id=data.category_id,
                      amount=cents(data.amount), description=data.description.strip(),
                      budget_id=data.budget_id, grant_id=data.grant_id,
                      payment_id=payment_id, bank_line_id=bank_line_id, created_by_id=actor_id)
    session.add(entry)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_cash_entry", entity_id=entry.id,
                 action="create", changes={"amount": entry.amount, "category": entry.category_id,
                                           "booked_on": entry.booked_on})
    return entry


def counter_entry(session: Session, entry: CashEntry, *, reason: str | None, today: date,
                  actor_id: int | None, payment_id: int | None = None) -> CashEntry:
    """Undo ``entry`` with a counter-entry (see the module docstring for its date)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(N_("Geef aan waarom u corrigeert."), field="reason")
    if entry.amount < 0 or session.scalar(sa.select(CashEntry.id).where(
            CashEntry.corrects_entry_id == entry.id)):
        raise RuleViolation(N_("Deze boeking is al gecorrigeerd."), field="reason")
    closed = closed_years(session, entry.association_id)
    on = entry.booked_on if entry.booked_on.year not in closed else today
    require_open_day(session, entry.association_id, on, "reason")
    counter = CashEntry(association_id=entry.association_id, booked_on=on,
                        account=entry.account, category_id=entry.category_id,
                        amount=-entry.amount, description=f"Correctie: {reason}"[:300],
                        budget_id=entry.budget_id, grant_id=entry.grant_id,
                        payment_id=payment_id, corrects_entry_id=entry.id,
                        created_by_id=actor_id)
    session.add(counter)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_cash_entry",
                 entity_id=counter.id, action="correct",
                 changes={"corrects": entry.id, "reason": reason})
    return counter


def corrected_ids(session: Session, association_id: int) -> set[int]:
    return set(session.scalars(sa.select(CashEntry.corrects_entry_id).where(
        CashEntry.association_id == association_id, CashEntry.corrects_entry_id.is_not(None))))


def entries_between(session: Session, association_id: int, start: date,
                    end: date) -> list[CashEntry]:
    """The entries from ``start`` up to (not including) ``end``, oldest first."""
    return list(session.scalars(sa.select(CashEntry).where(
        CashEntry.association_id == association_id, CashEntry.booked_on >= start,
        CashEntry.booked_on < end).order_by(CashEntry.booked_on, CashEntry.id)))


def signed(amount_column=CashEntry.amount):
    """SQL: the entry's amount, negative for an expense."""
    return sa.case((CashCategory.kind == EntryKind.INKOMSTEN, amount_column),
                   else_=-amount_column)


def balances_on(session: Session, association_id: int, day: date) -> dict[str, Decimal]:
    """Bank and cash balance at the start of ``day`` (and their total)."""
    settings = settings_for(session, association_id)
    totals = dict(session.execute(
        sa.select(CashEntry.account, sa.func.coalesce(sa.func.sum(signed()), 0))
        .join(CashCategory, CashCategory.id == CashEntry.category_id)
        .where(CashEntry.association_id == association_id, CashEntry.booked_on < day)
        .group_by(CashEntry.account)).all())
    result = {Account.BANK.value: cents(settings.opening_bank + Decimal(totals.get("bank", 0))),
              Account.KAS.value: cents(settings.opening_cash + Decimal(totals.get("kas", 0)))}
    result["total"] = result["bank"] + result["kas"]
    return result


@dataclass(frozen=True)
class BookRow:
    entry: CashEntry
    signed: Decimal          # negative for an expense
    balance: Decimal         # bank and cash together, after this entry
    corrected: bool          # undone by a counter-entry (or itself one)

    @property
    def correctable(self) -> bool:
        """A payment is undone on its member's page, not here."""
        return not self.corrected and self.entry.payment_id is None


@dataclass(frozen=True)
class YearBook:
    year: int
    start: dict[str, Decimal]
    rows: list[BookRow]
    end: dict[str, Decimal]


def year_book(session: Session, association_id: int, year: int) -> YearBook:
    """The entries of a year with the balance after each (derived here, never stored)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    opening = balances_on(session, association_id, start)
    corrected = corrected_ids(session, association_id)
    balance, rows = opening["total"], []
    for entry in entries_between(session, association_id, start, end):
        amount = entry.amount if entry.category.kind == EntryKind.INKOMSTEN else -entry.amount
        balance += amount
        rows.append(BookRow(entry, amount, balance,
                            entry.id in corrected or entry.corrects_entry_id is not None))
    return YearBook(year, opening, rows, balances_on(session, association_id, end))


# --- budgets -----------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetRow:
    budget: Budget
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget.amount - self.spent

    @property
    def over(self) -> bool:
        return self.spent > self.budget.amount


def save_budget(session: Session, association_id: int, *, year: int | None, name: str | None,
                commission_id: int | None, amount: Decimal | None,
                actor_id: int | None) -> Budget:
    """Set the budget of a commission or activity for a year (a new one, or its amount)."""
    if year is None or not 2000 <= year <= 2100:
        raise RuleViolation(N_("Vul een geldig jaar in."), field="year")
    if year in closed_years(session, association_id):
        raise RuleViolation(N_("Het jaar %(year)s is afgesloten."), field="year", year=year)
    if amount is None or amount < 0:
        raise RuleViolation(N_("Vul een bedrag van nul of meer in."), field="amount")
    commission = owned(session, Commission, commission_id, association_id)
    if commission_id is not None and commission is None:
        raise RuleViolation(N_("Kies een commissie van deze vereniging."), field="commission_id")
    name = (name or "").strip() or (commission.name if commission else "")
    if not name:
        raise RuleViolation(N_("Vul een naam in of kies een commissie."), field="name")
    budget = session.scalar(sa.select(Budget).where(
        Budget.association_id == association_id, Budget.year == year, Budget.name == name))
    if budget is None:
        budget = Budget(association_id=association_id, year=year, name=name, amount=ZERO)
        session.add(budget)
    changes = audit.changes_between(budget, {"amount": cents(amount)})
    budget.amount, budget.commission_id = cents(amount), commission_id
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_budget", entity_id=budget.id,
                 action="save", changes={"year": year, "name": name, **changes})
    return budget


def budgets_of(session: Session, association_id: int, year: int) -> list[Budget]:
    return list(session.scalars(sa.select(Budget).where(
        Budget.association_id == association_id, Budget.year == year).order_by(Budget.name)))


def budget_rows(session: Session, association_id: int, year: int) -> list[BudgetRow]:
    spent = dict(session.execute(
        sa.select(CashEntry.budget_id, sa.func.sum(CashEntry.amount))
        .join(Budget, Budget.id == CashEntry.budget_id)
        .where(Budget.association_id == association_id, Budget.year == year)
        .group_by(CashEntry.budget_id)).all())
    return [BudgetRow(b, cents(Decimal(spent.get(b.id, 0))))
            for b in budgets_of(session, association_id, year)]
