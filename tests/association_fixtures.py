"""Association data for the tests, built with the services on the world of
tests/conftest.py (TODAY = 2026-06-15; four households moved in on 2024-03-01).

* books from 2025-01-01: bank € 500,00, cash box € 20,00; IBAN NL91ABNA0417164300;
* members 1 Lies Linde (A1), 2 Arie Anker (A2), 3 Vera Vrij (B1), 4 Otto Open (B2);
* € 5 per month in 2025 and 2026; in 2026 Otto has the "Minima" reduction of 50%;
  dues generated up to TODAY;
* payments: Lies € 60 (2025-01-20) and € 30 (2026-02-01); Arie € 60 by direct debit
  (2025-12-01); Vera € 40 cash (2025-03-10); Otto € 70 (2025-06-01, € 10 too much);
* 2025 cash book besides dues: corporation € 1.000, municipal subsidy € 2.500 (on the
  grant), coffee € 85,50 (cash); activities € 420,25 (on the activiteitencommissie's
  budget of € 600), furnishing € 310, utilities € 100 corrected to nothing, software
  € 59,88, bank costs € 12;
* a municipal grant of € 2.500 running 2025-03-01 up to 2026-10-31 (ends in 4.5 months);
* the bestuur body with the bestuur account as penningmeester and "Vera Vrij" (a seat
  without account) as voorzitter since 2025-01-01, both registered at the KvK; no
  secretaris; the ALV body with a meeting on 2026-04-20.

The 2025 statement by hand: income 230 + 1.000 + 2.500 + 85,50 = 3.815,50; expenses
420,25 + 310 + 59,88 + 12 = 802,13; result 3.013,37; start 520,00 (bank 500, cash 20);
end bank 500 + 190 + 3.500 - 802,13 = 3.387,87, cash 20 + 40 + 85,50 = 145,50, total
3.533,37; open dues at the end of 2025: € 20 (Vera, 1 household), credit € 10 (Otto).
"""
from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from models import Commission, Organisation, Resident, db
from services.association import (board, books, dues, grants, members as member_service,
                                  payments)
from services.association.books import EntryData
from services.governance import bodies, meetings
from services.governance.localtime import local_instant
from tests.conftest import TODAY

D = Decimal
DATA = Path(__file__).resolve().parent / "data"
IBAN = "NL91ABNA0417164300"
ORDER = ("linde", "anker", "vrij1", "vrij2")


def _category(session, association_id: int, key: str) -> int:
    return books.category_by_key(session, association_id, key).id


def build(session, *, site_id: int, association_id: int, residents: dict[str, int],
          today: date = TODAY) -> dict[str, int]:
    """Create the data described in the module docstring; returns ids by name."""
    books.save_settings(session, association_id, books_start=date(2025, 1, 1),
                        opening_bank=D("500"), opening_cash=D("20"), iban=IBAN,
                        payment_term_days=30, actor_id=None, now=None)
    member = {key: member_service.add_member(session, association_id,
                                             resident_id=residents[key],
                                             starts_on=date(2024, 3, 1), actor_id=None)
              for key in ORDER}
    dues.save_scheme(session, association_id, year=2025, amount=D("5"), frequency="maand",
                     note=None, actor_id=None)
    scheme = dues.save_scheme(session, association_id, year=2026, amount=D("5"),
                              frequency="maand", note=None, actor_id=None)
    minima = dues.add_reduction(session, scheme, name="Minima", percent=D("50"), actor_id=None)
    dues.set_member_reduction(session, member["vrij2"], scheme, reduction_id=minima.id,
                              actor_id=None)
    dues.generate_dues(session, association_id, up_to=today, actor_id=None)
    for key, amount, on, method in (("linde", "60", date(2025, 1, 20), "overboeking"),
                                    ("linde", "30", date(2026, 2, 1), "overboeking"),
                                    ("anker", "60", date(2025, 12, 1), "incasso"),
                                    ("vrij1", "40", date(2025, 3, 10), "contant"),
                                    ("vrij2", "70", date(2025, 6, 1), "overboeking")):
        payments.record_payment(session, member[key], amount=D(amount), paid_on=on,
                                method=method, note=None, today=today, actor_id=None)
    commission = board.create_commission(session, association_id,
                                         name="Activiteitencommissie", purpose=None,
                                         actor_id=None)
    budget = books.save_budget(session, association_id, year=2025, name=None,
                               commission_id=commission.id, amount=D("600"), actor_id=None)
    grant = grants.save_grant(session, association_id, None, grants.GrantData(
        "Gemeente Rijnstad", "Subsidie bewonersactiviteiten", D("2500"),
        "activiteiten voor en door bewoners", "Verantwoording voor 1 december",
        date(2025, 3, 1), date(2026, 10, 31)), actor_id=None)

    def entry(on, account, key, amount, text, **extra):
        return books.add_entry(session, association_id, EntryData(
            on, account, _category(session, association_id, key), D(amount), text, **extra),
            actor_id=None)

    entry(date(2025, 2, 1), "bank", "corporatie", "1000", "Bijdrage Woonstichting")
    entry(date(2025, 3, 1), "bank", "subsidie", "2500", "Subsidie gemeente",
          grant_id=grant.id)
    entry(date(2025, 6, 30), "kas", "koffie", "85.50", "Koffiepot eerste halfjaar")
    entry(date(2025, 5, 10), "bank", "activiteiten", "420.25", "Burendag",
          budget_id=budget.id, grant_id=grant.id)
    entry(date(2025, 4, 12), "bank", "inrichting", "310", "Stoelen ontmoetingsruimte")
    wrong = entry(date(2025, 10, 1), "bank", "nuts", "100", "Energie (dubbel geboekt)")
    books.counter_entry(session, wrong, reason="dubbel geboekt", today=today, actor_id=None)
    entry(date(2025, 9, 1), "bank", "software", "59.88", "Ledenadministratie")
    entry(date(2025, 12, 31), "bank", "bankkosten", "12", "Bankkosten 2025")

    association = session.get(Organisation, association_id)
    bestuur = bodies.create_body(session, bodies.BodyData(
        "bestuur", f"Bestuur {association.name}", None, [site_id]), today=date(2025, 1, 1),
        actor_id=None)
    chair_seat = bodies.add_member(session, bestuur, user_id=None, person_name="Vera Vrij",
                                   organisation_id=association_id, role_in_body="voorzitter",
                                   starts_on=date(2025, 1, 1), actor_id=None)
    treasurer_seat = next(m for m in bestuur.members if m.user_id is not None)
    ids = {"member_" + key: m.id for key, m in member.items()}
    for office, seat in (("voorzitter", chair_seat), ("penningmeester", treasurer_seat)):
        term = board.appoint(session, association_id, office=office, seat_id=seat.id,
                             starts_on=date(2025, 1, 1), actor_id=None)
        board.register_kvk(session, term, on=date(2025, 1, 10), today=today, actor_id=None)
        ids[f"office_{office}"] = term.id
    assembly = bodies.create_body(session, bodies.BodyData(
        "alv", f"ALV {association.name}", None, [site_id]), today=date(2025, 1, 1),
        actor_id=None)
    alv_meeting = meetings.create_meeting(session, assembly,
                                          starts_at=local_instant(date(2026, 4, 20), time(19, 30)),
                                          duration_minutes=120, place="Ontmoetingsruimte",
                                          today=date(2026, 4, 1), actor_id=None)
    session.flush()
    ids.update(scheme_2026=scheme.id, reduction=minima.id, commission=commission.id,
               budget=budget.id, grant=grant.id, bestuur_body=bestuur.id, seat_chair=chair_seat.id,
               seat_treasurer=treasurer_seat.id, alv_meeting=alv_meeting.id,
               wrong_entry=wrong.id, association=association_id, site=site_id)
    return ids


def make_association(app, world) -> dict[str, int]:
    """:func:`build` on the committed world of the web tests."""
    with app.app_context():
        try:
            ids = build(db.session, site_id=world.site, association_id=world.orgs["vereniging"],
                        residents=world.residents)
            db.session.commit()
            return ids
        finally:
            db.session.remove()


def resident_by_name(session, name: str) -> Resident:
    return session.scalar(sa.select(Resident).where(Resident.name == name))


def make_web_association(app, world) -> dict[str, int]:
    """:func:`make_association` plus, for the pages: a newcomer "Nina Nieuw" in B3 since
    2026-06-01 (not a member yet), Vera Vrij on the activiteitencommissie, and the ING
    file of tests/data imported (nothing confirmed)."""
    from datetime import datetime, timezone

    from models import CashEntry, Due, Payment
    from services.association import bank
    from services.registry import residents as registry

    ids = make_association(app, world)
    with app.app_context():
        try:
            session = db.session
            newcomer = registry.add_resident(
                session, site_id=world.site, unit_id=world.units["B3"],
                move_in=date(2026, 6, 1), person=registry.PersonalData(
                    "Nina Nieuw", email="nina@bewoner.example"),
                support=registry.SupportData("onbegeleid"), actor_id=None, today=TODAY)
            commission = session.get(Commission, ids["commission"])
            row = board.add_commission_member(session, commission,
                                              resident_id=world.residents["vrij1"],
                                              starts_on=date(2026, 1, 1), today=TODAY,
                                              actor_id=None)
            imported = bank.import_file(session, ids["association"], file_name="ing.csv",
                                        content=(DATA / "ing_2026_06.csv").read_bytes(),
                                        actor_id=None,
                                        now=datetime(2026, 6, 14, 9, tzinfo=timezone.utc))
            lines = {line.amount: line.id for line in imported.lines}
            ids.update(
                newcomer=newcomer.id, commission_row=row.id, bank_import=imported.id,
                line_anker=lines[D("25")], line_fund=lines[D("250")],
                line_shop=lines[D("-49.95")],
                payment=session.scalar(sa.select(Payment.id).where(
                    Payment.member_id == ids["member_linde"]).order_by(Payment.id)),
                due=session.scalar(sa.select(Due.id).where(
                    Due.member_id == ids["member_vrij1"]).order_by(Due.period_start.desc())),
                entry=session.scalar(sa.select(CashEntry.id).where(
                    CashEntry.description == "Stoelen ontmoetingsruimte")),
                category_koffie=books.category_by_key(session, ids["association"], "koffie").id,
                category_activiteiten=books.category_by_key(session, ids["association"],
                                                            "activiteiten").id)
            session.commit()
            return ids
        finally:
            db.session.remove()
