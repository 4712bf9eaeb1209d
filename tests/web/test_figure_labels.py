"""Figures that are the same thing agree, and figures that differ say why: the
association's dashboard and the statement of the year not over yet (up to and including
today, "t/m vandaag"), open dues against arrears past their due date. The expected
numbers are computed here from the stored dues and payments (tests/association_fixtures.py,
TODAY = 2026-06-15)."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from models import AssociationMember, CashEntry, Due, Payment, db
from services.association import books
from services.association.books import EntryData
from tests.association_fixtures import make_association
from tests.conftest import TODAY
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import main_of, query, stats, strip_tags, table_rows, text

LATER = TODAY + timedelta(days=30)   # booked ahead: not in "today"'s figures


@pytest.fixture
def ids(app, world):
    ids = make_association(app, world)
    with app.app_context():
        category = books.category_by_key(db.session, ids["association"], "nuts").id
        books.add_entry(db.session, ids["association"], EntryData(
            LATER, "bank", category, Decimal("33.00"), "Energie (vooruit geboekt)"),
            actor_id=None)
        db.session.commit()
        db.session.remove()
    return {**ids, "site": world.site}


def dues_by_hand(app, association_id: int, on: date) -> dict[str, Decimal | int]:
    """Per member the payments (made up to ``on``) pay the oldest dues first; the rest is
    open, and the open part of dues whose due date is before ``on`` is arrears."""
    def load(session):
        dues = session.execute(
            sa.select(Due.member_id, Due.due_on, Due.amount).join(AssociationMember)
            .where(AssociationMember.association_id == association_id,
                   Due.cancelled_at.is_(None), Due.period_start <= on)
            .order_by(Due.period_start, Due.id)).all()
        paid = dict(session.execute(
            sa.select(Payment.member_id, sa.func.sum(Payment.amount)).join(AssociationMember)
            .where(AssociationMember.association_id == association_id, Payment.paid_on <= on)
            .group_by(Payment.member_id)).all())
        return dues, paid

    dues, paid = query(app, load)
    left = {m: Decimal(str(v)) for m, v in paid.items()}
    open_, overdue = defaultdict(Decimal), defaultdict(Decimal)
    for member, due_on, amount in dues:
        share = min(left.get(member, Decimal(0)), amount)
        left[member] = left.get(member, Decimal(0)) - share
        open_[member] += amount - share
        if due_on < on:
            overdue[member] += amount - share
    return {"open": sum(open_.values(), Decimal(0)),
            "open_households": sum(1 for v in open_.values() if v > 0),
            "overdue": sum(overdue.values(), Decimal(0)),
            "overdue_households": sum(1 for v in overdue.values() if v > 0)}


def euro(amount: Decimal) -> str:
    """As the pages show it, after strip_tags (which makes the no-break space a space)."""
    whole, cents = f"{amount:.2f}".split(".")
    return f"€ {int(whole):,}".replace(",", ".") + f",{cents}"


def households(n: int) -> str:
    return f"{n} huishouden" if n == 1 else f"{n} huishoudens"


def details(page: str) -> dict[str, str]:
    return {strip_tags(dt): strip_tags(dd) for dt, dd in re.findall(
        r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", page, re.S)}


def balance_heads(statement: str) -> list[str]:
    """The heads of the balance table's two columns (the first table with a head)."""
    return [strip_tags(h) for h in re.findall(
        r'<th scope="col" class="num">(.*?)</th>', statement, re.S)[:2]]


def day(d: date) -> str:
    return format_date(d, "d MMM yyyy", locale="nl")


def test_dashboard_and_this_years_statement_agree_on_the_dues(login_as, app, ids):
    expected = dues_by_hand(app, ids["association"], TODAY)
    assert expected["open"] > expected["overdue"] > 0   # the data tell them apart
    client = login_as("bestuur")
    base = f"/locaties/{ids['site']}/vereniging"
    dashboard = stats(text(client.get(base + "/")))
    assert dashboard["Achterstallig (vervaldatum voorbij)"] == euro(expected["overdue"])
    assert dashboard["Huishoudens met achterstand"] == str(expected["overdue_households"])

    statement = main_of(text(client.get(f"{base}/jaarverslag/{TODAY.year}")))
    dues = details(statement)
    assert dues[f"Openstaand t/m vandaag ({day(TODAY)})"] == \
        f"{euro(expected['open'])} ({households(expected['open_households'])})"
    overdue = dues["Waarvan achterstallig (vervaldatum voorbij)"]
    assert overdue.startswith(
        f"{euro(expected['overdue'])} ({households(expected['overdue_households'])})")
    assert "vervaldatum is nog niet voorbij" in overdue   # why the two differ


def test_this_years_closing_balance_is_todays_as_on_the_dashboard(login_as, app, ids):
    client = login_as("bestuur")
    base = f"/locaties/{ids['site']}/vereniging"
    dashboard = stats(text(client.get(base + "/")))
    statement = main_of(text(client.get(f"{base}/jaarverslag/{TODAY.year}")))
    assert balance_heads(statement) == ["1 januari", f"t/m vandaag ({day(TODAY)})"]
    balance = {row[0]: row[1:] for row in table_rows(statement) if len(row) == 3}
    assert balance["Bank"][1] == dashboard["Bank"]
    assert balance["Kas"][1] == dashboard["Kas"]
    ahead = query(app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(CashEntry)
                                          .where(CashEntry.booked_on > TODAY)))
    assert ahead == 1   # the entry booked ahead exists, and is in neither figure


def test_a_past_year_closes_on_31_december(login_as, app, ids):
    client = login_as("bestuur")
    statement = main_of(text(client.get(
        f"/locaties/{ids['site']}/vereniging/jaarverslag/{TODAY.year - 1}")))
    assert balance_heads(statement) == ["1 januari", "31 december"]
    assert "t/m vandaag" not in statement
    end = date(TODAY.year - 1, 12, 31)
    expected = dues_by_hand(app, ids["association"], end)
    assert details(statement)["Openstaand op 31 december"] == \
        f"{euro(expected['open'])} ({households(expected['open_households'])})"
