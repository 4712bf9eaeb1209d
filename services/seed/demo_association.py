"""Demo woonvereniging for Het Hofje: "Bewonersvereniging Het Hofje" keeps its books in
Noaber from 1 January of last year. Deterministic, placed relative to ``today``.

* members: every household living there since then (a move-out ends its membership on
  that day), except two that declined; the households that moved in during the last two
  months (at least the latest) are left for the board to add (suggestions on the
  members page);
* contribution € 5 per household per month, last year and this year; four households
  have the "Minima" reduction (50%) this year; dues generated up to today;
* payments: most households pay by direct debit per quarter, others by transfer per
  half year or in cash at the coffee morning; four households stopped paying some
  months ago (behind), one paid a year ahead (credit);
* the cash book: the corporation's yearly contribution, the municipal subsidy for
  residents' activities (a grant that ends within six months), coffee money and room
  rent in the cash box, activities on the commissions' budgets, furnishing, utilities,
  software, a contribution to the coach, bank costs, and one correction;
* the board: a voorzitter and the penningmeester (Bea Bestuur) since the start; the
  secretaris stepped down three weeks ago (vacant, and the KvK not told yet);
* commissions (welkom, activiteiten, tuin, kas) with members, and participation
  records for residents who contribute;
* when this year's ALV has been held, last year's statement was checked by the
  kascommissie and presented there (last year is closed).
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import AssociationMember, Resident, Site, Unit
from services import accounts
from services.association import (board, books, dues, grants, members as member_service,
                                  participation, payments, statement)
from services.association.books import EntryData
from services.governance import bodies

D = Decimal
IBAN = "NL91ABNA0417164300"
BEHIND, CREDIT = 4, 1


def seed_association(session: Session, site: Site, orgs: dict, *, today: date,
                     domain: str) -> None:
    """Create the demo association data of ``site`` (see the module docstring)."""
    rng = random.Random(20260707)
    association_id = orgs["vereniging"].id
    start = date(today.year - 1, 1, 1)
    books.save_settings(session, association_id, books_start=start, opening_bank=D("1240.35"),
                        opening_cash=D("48.20"), iban=IBAN, payment_term_days=30,
                        actor_id=None, now=None)
    members = _members(session, site, association_id, start, today)
    _schemes(session, association_id, members, today)
    dues.generate_dues(session, association_id, up_to=today, actor_id=None)
    _payments(session, members, rng, start, today)
    commissions = _board(session, association_id, start, today, domain)
    for year in (start.year, today.year):
        for name, amount in (("Activiteitencommissie", "1200"), ("Welkomstcommissie", "300"),
                             ("Tuincommissie", "400")):
            books.save_budget(session, association_id, year=year, name=None,
                              commission_id=commissions[name].id, amount=D(amount),
                              actor_id=None)
    _cash_book(session, association_id, rng, start, today)
    _participation(session, site, rng, today)
    _close_last_year(session, association_id, start.year, today)


def _stays(session: Session, site: Site, start: date, today: date) -> list[Resident]:
    """Per household (the first resident of a unit's stay), the stays since ``start``."""
    residents = session.scalars(
        sa.select(Resident).join(Unit).where(
            Unit.site_id == site.id, Resident.move_in_date <= today,
            sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > start))
        .order_by(Unit.number, Resident.move_in_date, Resident.id))
    households: dict[tuple[int, date], Resident] = {}
    for resident in residents:
        if not any(unit == resident.unit_id and (r.move_out_date is None or
                                                 r.move_out_date > resident.move_in_date)
                   for (unit, _), r in households.items()):
            households[(resident.unit_id, resident.move_in_date)] = resident
    return list(households.values())


def _members(session: Session, site: Site, association_id: int, start: date,
             today: date) -> list[AssociationMember]:
    stays = _stays(session, site, start, today)
    latest = max(stays, key=lambda r: (r.move_in_date, r.id))
    newcomers = [r for r in stays if r.move_in_date > today - timedelta(days=60)
                 or r is latest]
    declined = [r for r in stays if r.move_out_date is None and r not in newcomers][5:7]
    for resident in declined:
        member_service.decline(session, association_id, resident_id=resident.id,
                               note="wil geen lid worden", today=start, actor_id=None)
    made = []
    for resident in sorted(stays, key=lambda r: (max(r.move_in_date, start), r.id)):
        if resident in newcomers or resident in declined:
            continue
        member = member_service.add_member(session, association_id, resident_id=resident.id,
                                           starts_on=max(resident.move_in_date, start),
                                           actor_id=None)
        member_service.end_on_move_out(session, resident, actor_id=None)
        made.append(member)
    return made


def _schemes(session: Session, association_id: int, members: list[AssociationMember],
             today: date) -> None:
    dues.save_scheme(session, association_id, year=today.year - 1, amount=D(5),
                     frequency="maand", note="ALV van vorig jaar", actor_id=None)
    scheme = dues.save_scheme(session, association_id, year=today.year, amount=D(5),
                              frequency="maand", note="ALV van april", actor_id=None)
    minima = dues.add_reduction(session, scheme, name="Minima", percent=D(50), actor_id=None)
    dues.add_reduction(session, scheme, name="Vrijstelling", percent=D(100), actor_id=None)
    for member in [m for m in members if m.ends_on is None][3:20:5]:
        dues.set_member_reduction(session, member, scheme, reduction_id=minima.id,
                                  actor_id=None)


def _payments(session: Session, members: list[AssociationMember], rng: random.Random,
              start: date, today: date) -> None:
    """Pay what is owed period by period, each household in its own way."""
    behind = {m.id for m in [m for m in members if m.ends_on is None][1:40:10][:BEHIND]}
    ahead = next(m.id for m in members if m.ends_on is None and m.id not in behind)
    for member in members:
        way = rng.choice(("incasso", "incasso", "incasso", "overboeking", "contant"))
        step = {"incasso": 3, "overboeking": 6, "contant": 2}[way]
        stop = today - relativedelta(months=rng.randint(4, 8)) if member.id in behind else today
        owed = payments.dues_of(session, member.id)
        for i in range(0, len(owed), step):
            chunk = owed[i:i + step]
            paid_on = chunk[0].period_start + timedelta(days=rng.randint(3, 20))
            if paid_on > min(stop, today) or paid_on < start:
                continue
            amount = sum(d.amount for d in chunk)
            if member.id == ahead and i == 0:
                amount += D(60)                 # a year ahead
            if amount > 0:
                payments.record_payment(session, member, amount=amount, paid_on=paid_on,
                                        method=way, note=None, today=today, actor_id=None)


def _board(session: Session, association_id: int, start: date, today: date,
           domain: str) -> dict:
    body = board.bestuur_body(session, association_id)
    treasurer = accounts.find_user_by_email(session, f"bestuur@{domain}")
    current = member_service.members_on(session, association_id, today)
    chair_name, secretary_name = current[2].resident.name, current[9].resident.name
    treasurer_seat = next(m for m in body.members if m.user_id == treasurer.id)
    seats = {name: bodies.add_member(session, body, user_id=None, person_name=name,
                                     organisation_id=association_id, role_in_body=role,
                                     starts_on=start, actor_id=None)
             for name, role in ((chair_name, "voorzitter"), (secretary_name, "secretaris"))}
    for office, seat in (("voorzitter", seats[chair_name]), ("penningmeester", treasurer_seat),
                         ("secretaris", seats[secretary_name])):
        term = board.appoint(session, association_id, office=office, seat_id=seat.id,
                             starts_on=start, actor_id=None)
        board.register_kvk(session, term, on=start + timedelta(days=9), today=today,
                           actor_id=None)
        if office == "secretaris":
            board.end_office(session, term, ends_on=today - timedelta(days=21), actor_id=None)
    made = {}
    for name, purpose, people in (
            ("Welkomstcommissie", "Nieuwe bewoners welkom heten (overdracht uit het IMO)",
             (4, 11)),
            ("Activiteitencommissie", "Weeklunch, koffieochtend, burendag", (5, 12, 17, 23)),
            ("Tuincommissie", "De binnentuin en de moestuinbakken", (8, 19)),
            ("Kascommissie", "Controleert de boeken voor de ALV", (14, 21))):
        commission = board.create_commission(session, association_id, name=name,
                                             purpose=purpose, actor_id=None)
        for index in people:
            resident = current[index % len(current)].resident
            board.add_commission_member(session, commission, resident_id=resident.id,
                                        starts_on=max(start, resident.move_in_date),
                                        today=today, actor_id=None)
        made[name] = commission
    return made


def _entry(session: Session, association_id: int, on: date, account: str, key: str,
           amount: str, text: str, **links):
    category = books.category_by_key(session, association_id, key)
    return books.add_entry(session, association_id, EntryData(
        on, account, category.id, D(amount), text, **links), actor_id=None)


def _cash_book(session: Session, association_id: int, rng: random.Random, start: date,
               today: date) -> None:
    grant = grants.save_grant(session, association_id, None, grants.GrantData(
        "Gemeente Rijnstad", "Subsidie bewonersinitiatieven", D(3000),
        "activiteiten voor en door bewoners en de buurt",
        "Besteden aan activiteiten die ook buurtbewoners uitnodigen; verantwoording met "
        "foto's en bonnen binnen zes weken na de einddatum.",
        today - relativedelta(months=14), today + relativedelta(months=4)), actor_id=None)
    grants.save_grant(session, association_id, None, grants.GrantData(
        "Oranje Fonds", "Burendag", D(500), "burendag in september", None,
        date(start.year, 8, 1), date(start.year, 10, 31)), actor_id=None)
    budgets = {(b.year, b.name): b for year in (start.year, today.year)
               for b in books.budgets_of(session, association_id, year)}
    _entry(session, association_id, max(grant.starts_on, start) + timedelta(days=10), "bank",
           "subsidie", "3000", "Subsidie bewonersinitiatieven", grant_id=grant.id)
    month = start
    while month <= today:
        day = lambda n: month + timedelta(days=n)  # noqa: E731
        if day(27) <= today:
            _entry(session, association_id, day(27), "kas", "koffie",
                   f"{rng.randint(25, 60)}.{rng.choice(('00', '50', '20'))}",
                   "Koffiepot koffieochtend")
            _entry(session, association_id, day(27), "bank", "bankkosten", "4.25",
                   "Kosten betaalrekening")
        if day(14) <= today:
            budget = budgets.get((month.year, "Activiteitencommissie"))
            _entry(session, association_id, day(14), "bank", "activiteiten",
                   f"{rng.randint(40, 110)}.{rng.randint(0, 99):02d}",
                   rng.choice(("Boodschappen weeklunch", "Spelletjesavond", "Filmavond",
                               "Koffie en thee")),
                   budget_id=budget.id if budget else None,
                   grant_id=grant.id if grant.starts_on <= day(14) <= grant.ends_on else None)
        if month.month in (1, 4, 7, 10) and day(5) <= today:
            _entry(session, association_id, day(5), "bank", "nuts", "85.00",
                   "Energie ontmoetingsruimte (kwartaal)")
        if month.month in (3, 9) and day(20) <= today:
            _entry(session, association_id, day(20), "kas", "zaalhuur", "35.00",
                   "Zaalhuur yogagroep buurt")
        if month.month == 2 and day(1) <= today:
            _entry(session, association_id, day(1), "bank", "corporatie", "1500.00",
                   "Bijdrage Woonstichting Hofland")
            _entry(session, association_id, day(8), "bank", "software", "119.88",
                   "Licentie ledenadministratie")
            _entry(session, association_id, day(10), "bank", "coach", "500.00",
                   "Bijdrage aan de communitycoach")
        if month.month == 5 and day(12) <= today:
            welcome = budgets.get((month.year, "Welkomstcommissie"))
            _entry(session, association_id, day(12), "bank", "activiteiten", "64.35",
                   "Welkomstpakketten", budget_id=welcome.id if welcome else None)
            garden = budgets.get((month.year, "Tuincommissie"))
            _entry(session, association_id, day(16), "bank", "inrichting", "289.00",
                   "Plantenbakken binnentuin", budget_id=garden.id if garden else None)
        month += relativedelta(months=1)
    wrong = _entry(session, association_id, date(start.year, 6, 3), "bank", "inrichting",
                   "412.00", "Stoelen ontmoetingsruimte (dubbel ingevoerd)")
    books.counter_entry(session, wrong, reason="dubbel ingevoerd", today=today, actor_id=None)


def _participation(session: Session, site: Site, rng: random.Random, today: date) -> None:
    residents = session.scalars(sa.select(Resident).join(Unit).where(
        Unit.site_id == site.id, Resident.actively_contributes.is_(True),
        Resident.move_out_date.is_(None)).order_by(Resident.id))
    for resident in residents:
        for _ in range(rng.randint(0, 3)):
            on = today - timedelta(days=rng.randint(5, 500))
            if resident.is_current(on):
                participation.record(
                    session, resident, kind=rng.choice(("organiseerde_activiteit", "deed_mee",
                                                        "deed_mee", "helpt_buren")),
                    on=on, note=rng.choice((None, "weeklunch", "burendag", "boodschappen "
                                            "voor de buurvrouw", "spelletjesavond")),
                    actor_id=None, today=today)


def _close_last_year(session: Session, association_id: int, year: int, today: date) -> None:
    meetings = statement.alv_meetings(session, association_id, year)
    held = [m for m in meetings if m.starts_at.date() < today]
    if not held:
        return
    checker = "Kascommissie Het Hofje"
    for key in statement.AUDIT_KEYS:
        statement.record_check(session, association_id, year, item=key, checked=True,
                               by_name=checker, note=None, now=held[0].starts_at -
                               timedelta(days=14), actor_id=None)
    statement.present(session, association_id, year, meeting_id=held[0].id, today=today,
                      actor_id=None)
