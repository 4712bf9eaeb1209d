"""The association services on the data of tests/association_fixtures.py: dues, payments
and balances, bank imports (also twice), reminders after review, the ALV statement
against the hand computation, budgets, grants, board, members and participation."""
from datetime import date, datetime, timezone
from decimal import Decimal as D
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from models import (AssociationMember, BankImport, BankLine, BoardOffice, CashEntry, Commission,
                    Due, OutgoingMail, Payment, Resident, Signal)
from models.governance import KeptRecordError
from services.association import (bank, board, books, dues, grants, members as member_service,
                                  participation, payments, reminders, statement)
from services.association.books import EntryData
from services.errors import RuleViolation
from services.monitoring.sweep import sweep
from services.registry import residents as registry
from tests.association_fixtures import build
from tests.conftest import TODAY, build_world

DATA = Path(__file__).resolve().parents[1] / "data"
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def a(session):
    """The world with the association data; ``a.ids`` by name, ``a.assoc`` its id."""
    w = build_world(session)
    association_id = w.orgs["vereniging"].id
    ids = build(session, site_id=w.site.id, association_id=association_id,
                residents={k: v.id for k, v in w.residents.items()})
    return SimpleNamespace(w=w, ids=ids, assoc=association_id,
                           member=lambda key: session.get(AssociationMember,
                                                          ids[f"member_{key}"]))


def owed(session, a) -> dict[int, tuple[D, D]]:
    """member number -> (owed, overdue today)."""
    found = payments.balances(session, a.assoc)
    return {session.get(AssociationMember, m).number: (b.owed, b.overdue(TODAY))
            for m, b in found.items()}


def count(session, model, *where) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- dues and balances ----------------------------------------------------------------

def test_generating_dues_is_idempotent_and_follows_the_scheme(session, a):
    assert count(session, Due) == 4 * 12 + 4 * 6           # 2025 whole, 2026 Jan-Jun
    assert dues.generate_dues(session, a.assoc, up_to=TODAY, actor_id=None) == 0
    assert dues.generate_dues(session, a.assoc, up_to=date(2026, 7, 1), actor_id=None) == 4
    otto = [d.amount for d in payments.dues_of(session, a.ids["member_vrij2"])
            if d.period_start.year == 2026]
    assert otto == [D("2.50")] * 7                          # the 50% "Minima" reduction
    june = next(d for d in payments.dues_of(session, a.ids["member_linde"])
                if d.period_start == date(2026, 6, 1))
    assert (june.period_end, june.due_on) == (date(2026, 7, 1), date(2026, 7, 1))


def test_balances_are_derived_from_dues_and_payments(session, a):
    assert owed(session, a) == {1: (D(0), D(0)), 2: (D(30), D(25)), 3: (D(50), D(45)),
                                4: (D(5), D("2.50"))}


def test_partial_payment_and_overpayment(session, a):
    vera = a.member("vrij1")
    payments.record_payment(session, vera, amount=D("45"), paid_on=TODAY, method="overboeking",
                            note=None, today=TODAY, actor_id=None)
    assert owed(session, a)[3] == (D(5), D(0))               # June is open, not yet due
    payments.record_payment(session, vera, amount=D("20"), paid_on=TODAY, method="contant",
                            note=None, today=TODAY, actor_id=None)
    balance = payments.member_balance(session, vera)
    assert (balance.owed, balance.credit) == (D(-15), D(15))
    dues.generate_dues(session, a.assoc, up_to=date(2026, 8, 1), actor_id=None)
    assert payments.member_balance(session, vera).credit == D(5)   # July and August paid


def test_a_payment_books_itself_and_a_reversal_undoes_both(session, a):
    vera = a.member("vrij1")
    paid = payments.record_payment(session, vera, amount=D("10"), paid_on=TODAY,
                                   method="contant", note="in de koffiepot", today=TODAY,
                                   actor_id=None)
    entry = session.scalar(sa.select(CashEntry).where(CashEntry.payment_id == paid.id))
    assert (entry.account, entry.amount, entry.category.key) == ("kas", D(10), "contributie")
    kas_before = books.balances_on(session, a.assoc, date(2026, 6, 16))["kas"]
    with pytest.raises(RuleViolation):
        payments.reverse_payment(session, paid, reason=" ", today=TODAY, actor_id=None)
    payments.reverse_payment(session, paid, reason="verkeerd lid", today=TODAY, actor_id=None)
    assert owed(session, a)[3] == (D(50), D(45))
    assert books.balances_on(session, a.assoc, date(2026, 6, 16))["kas"] == kas_before - 10
    with pytest.raises(RuleViolation, match="al teruggedraaid"):
        payments.reverse_payment(session, paid, reason="nog eens", today=TODAY, actor_id=None)


@pytest.mark.parametrize("values,field", [
    ({"amount": D(0)}, "amount"), ({"amount": None}, "amount"), ({"method": "bitcoin"}, "method"),
    ({"paid_on": date(2026, 6, 16)}, "paid_on"), ({"paid_on": date(2024, 12, 31)}, "paid_on"),
])
def test_invalid_payments_are_refused(session, a, values, field):
    data = {"amount": D(5), "paid_on": TODAY, "method": "overboeking", **values}
    with pytest.raises(RuleViolation) as caught:
        payments.record_payment(session, a.member("linde"), note=None, today=TODAY,
                                actor_id=None, **data)
    assert caught.value.field == field


def test_payments_are_never_changed(session, a):
    session.scalar(sa.select(Payment)).amount = D(1)
    with pytest.raises(KeptRecordError):
        session.flush()


def test_dues_are_never_deleted(session, a):
    session.delete(session.scalar(sa.select(Due)))
    with pytest.raises(KeptRecordError):
        session.flush()


def test_cancelling_a_due(session, a):
    due = payments.dues_of(session, a.ids["member_vrij1"])[-1]
    dues.cancel_due(session, due, reason="geen lid meer in juni", now=NOW, actor_id=None)
    assert owed(session, a)[3] == (D(45), D(45))
    with pytest.raises(RuleViolation):
        dues.cancel_due(session, due, reason="nog eens", now=NOW, actor_id=None)


def test_a_scheme_is_fixed_once_it_has_dues(session, a):
    with pytest.raises(RuleViolation, match="ligt vast"):
        dues.save_scheme(session, a.assoc, year=2026, amount=D(6), frequency="maand",
                         note=None, actor_id=None)
    scheme = dues.save_scheme(session, a.assoc, year=2027, amount=D(60), frequency="jaar",
                              note=None, actor_id=None)
    dues.save_scheme(session, a.assoc, year=2027, amount=D(48), frequency="jaar", note="ALV",
                     actor_id=None)
    assert scheme.amount == D(48)
    dues.generate_dues(session, a.assoc, up_to=date(2027, 1, 1), actor_id=None)
    assert owed(session, a)[1][0] == D(6 * 5 + 48)    # July-December 2026 and 2027


# --- the bank ---------------------------------------------------------------------------

def _import(session, a, name="ing_2026_06.csv", content=None):
    return bank.import_file(session, a.assoc, file_name=name,
                            content=content if content is not None else (DATA / name).read_bytes(),
                            actor_id=None, now=NOW)


def test_import_proposes_matches_and_the_same_file_adds_nothing(session, a):
    imported = _import(session, a)
    assert (imported.lines_in_file, imported.lines_added, imported.file_format) == (
        5, 5, "ing-csv")
    views = bank.line_views(session, a.assoc, today=TODAY, import_id=imported.id)
    proposals = [(v.line.amount, v.member.number if v.member else None,
                  v.proposal.reason if v.proposal else None) for v in views]
    assert proposals == [(D(25), 2, "lidnummer"), (D(45), 3, "naam_bedrag"),
                         (D(250), None, None), (D("-49.95"), None, None),
                         (D(5), 2, "lidnummer")]
    before = (count(session, BankImport), count(session, BankLine))
    with pytest.raises(RuleViolation, match="al ingelezen op"):
        _import(session, a)
    assert (count(session, BankImport), count(session, BankLine)) == before


def test_an_overlapping_export_adds_only_the_new_lines(session, a):
    lines = (DATA / "ing_2026_06.csv").read_bytes().splitlines(keepends=True)
    _import(session, a, "eerste.csv", b"".join(lines[:4]))
    second = _import(session, a, "tweede.csv", b"".join([lines[0], *lines[3:]]))
    assert (second.lines_in_file, second.lines_added) == (3, 2)
    with pytest.raises(RuleViolation, match="Alle 2 regels"):
        _import(session, a, "derde.csv", b"".join([lines[0], *lines[2:4]]) + b"\r\n")
    assert count(session, BankLine) == 5


def test_a_file_of_another_account_is_refused(session, a):
    text = (DATA / "ing_2026_06.csv").read_text().replace("NL91ABNA0417164300",
                                                          "NL20INGB0001234567")
    with pytest.raises(RuleViolation, match="niet van de rekening van de vereniging"):
        _import(session, a, "ander.csv", text.encode())


def test_confirming_booking_and_ignoring_lines(session, a):
    imported = _import(session, a)
    lines = {v.line.amount: v for v in bank.line_views(session, a.assoc, today=TODAY)}
    made = bank.confirm_many(session, a.assoc, {
        lines[D(25)].line.id: a.ids["member_anker"], lines[D(45)].line.id: a.ids["member_vrij1"],
        lines[D(5)].line.id: a.ids["member_anker"]}, today=TODAY, actor_id=None)
    assert [(p.amount, p.method, p.paid_on) for p in made] == [
        (D(25), "overboeking", date(2026, 6, 2)), (D(45), "overboeking", date(2026, 6, 3)),
        (D(5), "overboeking", date(2026, 6, 12))]
    assert owed(session, a)[2] == (D(0), D(0)) and owed(session, a)[3] == (D(5), D(0))
    with pytest.raises(RuleViolation, match="al verwerkt"):
        bank.confirm_payment(session, lines[D(25)].line, member_id=a.ids["member_linde"],
                             today=TODAY, actor_id=None)
    with pytest.raises(RuleViolation, match="Alleen ontvangen geld"):
        bank.confirm_payment(session, lines[D("-49.95")].line, member_id=a.ids["member_linde"],
                             today=TODAY, actor_id=None)
    activities = books.category_by_key(session, a.assoc, "activiteiten")
    with pytest.raises(RuleViolation, match="Ontvangen geld hoort bij inkomsten"):
        bank.book_line(session, lines[D(250)].line, category_id=activities.id, description=None,
                       budget_id=None, grant_id=None, actor_id=None)
    entry = bank.book_line(session, lines[D("-49.95")].line, category_id=activities.id,
                           description=None, budget_id=None, grant_id=None, actor_id=None)
    assert (entry.amount, entry.account, entry.description) == (
        D("49.95"), "bank", "Bol.com spellen ontmoetingsruimte")
    with pytest.raises(RuleViolation):
        bank.ignore_line(session, lines[D(250)].line, reason="", now=NOW, actor_id=None)
    bank.ignore_line(session, lines[D(250)].line, reason="naar de spaarrekening", now=NOW,
                     actor_id=None)
    states = [v.state for v in bank.line_views(session, a.assoc, today=TODAY,
                                               import_id=imported.id)]
    assert states == ["betaling", "betaling", "genegeerd", "kasboek", "betaling"]
    assert bank.open_line_count(session, a.assoc) == 0


def test_an_earlier_account_proposes_the_member(session, a):
    _import(session, a)
    first = bank.line_views(session, a.assoc, today=TODAY)[0]
    bank.confirm_payment(session, first.line, member_id=a.ids["member_anker"], today=TODAY,
                         actor_id=None)
    extra = bank.import_file(session, a.assoc, file_name="juli.csv", actor_id=None, now=NOW,
                             content=(DATA / "ing_2026_06.csv").read_bytes().splitlines()[0]
                             + b'\r\n"20260613";"FAM ANKER";"NL91ABNA0417164300";'
                               b'"NL20INGB0001234567";"OV";"Bij";"7,00";"Overschrijving";'
                               b'"Naam: FAM ANKER Omschrijving: juli";"1";""\r\n')
    view, = bank.line_views(session, a.assoc, today=TODAY, import_id=extra.id)
    assert (view.member.number, view.proposal.reason) == (2, "rekening")


def test_camt053_batch_confirmed_as_direct_debits(session, a):
    imported = _import(session, a, "camt053_2026_06.xml")
    views = bank.line_views(session, a.assoc, today=TODAY, import_id=imported.id)
    assert [(v.line.amount, v.member.number if v.member else None) for v in views] == [
        (D(5), 1), (D("2.50"), 4), (D(-35), None)]
    paid = bank.confirm_payment(session, views[1].line, member_id=views[1].member.id,
                                today=TODAY, actor_id=None)
    assert paid.method == "incasso"


# --- reminders --------------------------------------------------------------------------

def test_reminders_are_queued_only_after_review(session, a):
    rows = reminders.overdue(session, a.assoc, TODAY)
    assert [(r.member.number, r.overdue, r.since) for r in rows] == [
        (3, D(45), date(2025, 10, 1)), (2, D(25), date(2026, 1, 31)),
        (4, D("2.50"), date(2026, 5, 31))]
    session.get(Resident, a.w.residents["vrij2"].id).email = None
    made = reminders.draft(session, a.assoc, [a.ids["member_vrij1"], a.ids["member_vrij2"],
                                              a.ids["member_linde"]], today=TODAY, actor_id=None)
    assert [(r.member.number, r.channel, r.status) for r in made] == [
        (3, "email", "concept"), (4, "brief", "concept")]
    assert "Test bestuur\npenningmeester Bewonersvereniging Test" in made[0].body
    assert count(session, OutgoingMail) == 0                 # nothing sent yet
    with pytest.raises(RuleViolation):
        reminders.draft(session, a.assoc, [a.ids["member_vrij1"]], today=TODAY, actor_id=None)
    treasurer = a.w.users["bestuur"].id
    reminders.approve(session, a.assoc, [made[0].id, made[1].id], now=NOW, actor_id=treasurer)
    mail = session.scalar(sa.select(OutgoingMail))
    assert (mail.kind, mail.to_address, mail.status, mail.recipient_id) == (
        "dues_reminder", "vera@bewoner.example", "pending", treasurer)
    assert mail.subject == "Herinnering contributie Bewonersvereniging Test"
    assert count(session, OutgoingMail) == 1                 # the letter is printed, not mailed
    assert {r.status for r in made} == {"verstuurd"}
    with pytest.raises(RuleViolation):
        reminders.approve(session, a.assoc, [made[0].id], now=NOW, actor_id=treasurer)


def test_a_discarded_concept_sends_nothing(session, a):
    made = reminders.draft(session, a.assoc, [a.ids["member_anker"]], today=TODAY,
                           actor_id=None)
    reminders.discard(session, a.assoc, [made[0].id], now=NOW, actor_id=None)
    assert made[0].status == "vervallen" and count(session, OutgoingMail) == 0
    assert reminders.draft(session, a.assoc, [a.ids["member_anker"]], today=TODAY,
                           actor_id=None)                    # a new concept may be written


# --- the ALV statement, the audit and closing a year -------------------------------------

def test_statement_2025_against_the_hand_computation(session, a):
    s = statement.build_statement(session, a.assoc, 2025)
    assert [(line.name, line.amount) for line in s.income] == [
        ("Contributie", D("230.00")), ("Bijdrage corporatie", D("1000.00")),
        ("Subsidie gemeente", D("2500.00")), ("Verkoop koffie en thee", D("85.50"))]
    assert [(line.name, line.amount) for line in s.expenses] == [
        ("Activiteiten", D("420.25")), ("Inrichting ontmoetingsruimte", D("310.00")),
        ("Software", D("59.88")), ("Bankkosten", D("12.00"))]        # utilities corrected to 0
    assert (s.total_income, s.total_expenses, s.result) == (D("3815.50"), D("802.13"),
                                                            D("3013.37"))
    assert s.start == {"bank": D("500.00"), "kas": D("20.00"), "total": D("520.00")}
    assert s.end == {"bank": D("3387.87"), "kas": D("145.50"), "total": D("3533.37")}
    assert s.start["total"] + s.result == s.end["total"]
    assert (s.open_dues, s.households_behind, s.credit) == (D(20), 1, D(10))
    assert [(b.name, b.budget, b.actual, b.left) for b in s.budgets] == [
        ("Activiteitencommissie", D(600), D("420.25"), D("179.75"))]
    assert [(g.name, g.received) for g in s.grants] == [("Subsidie bewonersactiviteiten",
                                                         D(2500))]


def _tick_all(session, a, year=2025, checked=True):
    for key in statement.AUDIT_KEYS:
        statement.record_check(session, a.assoc, year, item=key, checked=checked,
                               by_name="Otto Open", note=None, now=NOW, actor_id=None)


def test_presenting_needs_the_full_audit_and_an_alv_and_closes_the_year(session, a):
    meeting = a.ids["alv_meeting"]
    with pytest.raises(RuleViolation, match="nog niet alles afgevinkt"):
        statement.present(session, a.assoc, 2025, meeting_id=meeting, today=TODAY,
                          actor_id=None)
    _tick_all(session, a)
    statement.record_check(session, a.assoc, 2025, item="kas", checked=False,
                           by_name="Lies Linde", note="kasgeld nog tellen", now=NOW,
                           actor_id=None)
    assert not statement.audit_state(session, a.assoc, 2025)["kas"].checked
    with pytest.raises(RuleViolation):
        statement.present(session, a.assoc, 2025, meeting_id=meeting, today=TODAY,
                          actor_id=None)
    statement.record_check(session, a.assoc, 2025, item="kas", checked=True, by_name="Lies Linde",
                           note="geteld: € 145,50", now=NOW, actor_id=None)
    assert len(statement.audit_trail(session, a.assoc, 2025)) == len(statement.AUDIT_KEYS) + 2
    with pytest.raises(RuleViolation, match="pas na afloop"):
        statement.present(session, a.assoc, 2026, meeting_id=meeting, today=TODAY,
                          actor_id=None)
    with pytest.raises(RuleViolation, match="Kies een ALV"):
        statement.present(session, a.assoc, 2025, meeting_id=a.ids["alv_meeting"] + 999,
                          today=TODAY, actor_id=None)
    statement.present(session, a.assoc, 2025, meeting_id=meeting, today=TODAY, actor_id=None)
    assert books.closed_years(session, a.assoc) == {2025}
    with pytest.raises(RuleViolation, match="afgesloten"):
        payments.record_payment(session, a.member("vrij1"), amount=D(20),
                                paid_on=date(2025, 12, 30), method="contant", note=None,
                                today=TODAY, actor_id=None)
    with pytest.raises(RuleViolation, match="afgesloten"):
        books.add_entry(session, a.assoc, EntryData(date(2025, 12, 1), "kas",
                                                    books.category_by_key(session, a.assoc,
                                                                          "koffie").id,
                                                    D(5), "x"), actor_id=None)
    with pytest.raises(RuleViolation, match="beginsaldo ligt vast"):
        books.save_settings(session, a.assoc, books_start=date(2025, 1, 1),
                            opening_bank=D(400), opening_cash=D(20), iban=None,
                            payment_term_days=30, actor_id=None, now=NOW)
    wrong = session.get(CashEntry, session.scalar(sa.select(CashEntry.id).where(
        CashEntry.description == "Stoelen ontmoetingsruimte")))
    counter = books.counter_entry(session, wrong, reason="terugbetaald", today=TODAY,
                                  actor_id=None)
    assert counter.booked_on == TODAY                         # into the open year
    assert statement.build_statement(session, a.assoc, 2025).end["total"] == D("3533.37")


# --- the cash book, budgets and grants ------------------------------------------------------

def test_cash_book_rules(session, a):
    koffie = books.category_by_key(session, a.assoc, "koffie").id
    activiteiten = books.category_by_key(session, a.assoc, "activiteiten").id
    cases = [
        (EntryData(TODAY, "kas", koffie, D(0), "x"), "amount"),
        (EntryData(TODAY, "kluis", koffie, D(5), "x"), "account"),
        (EntryData(TODAY, "kas", None, D(5), "x"), "category_id"),
        (EntryData(TODAY, "kas", koffie, D(5), " "), "description"),
        (EntryData(date(2024, 12, 31), "kas", koffie, D(5), "x"), "booked_on"),
        (EntryData(TODAY, "kas", koffie, D(5), "x", budget_id=a.ids["budget"]), "budget_id"),
        (EntryData(TODAY, "bank", activiteiten, D(5), "x", budget_id=a.ids["budget"]),
         "budget_id"),                                          # a 2025 budget in 2026
    ]
    for data, field in cases:
        with pytest.raises(RuleViolation) as caught:
            books.add_entry(session, a.assoc, data, actor_id=None)
        assert caught.value.field == field, data
    wrong = session.get(CashEntry, a.ids["wrong_entry"])
    with pytest.raises(RuleViolation, match="al gecorrigeerd"):
        books.counter_entry(session, wrong, reason="nog eens", today=TODAY, actor_id=None)


def test_budgets_spent_and_left(session, a):
    budget = books.save_budget(session, a.assoc, year=2026, name="Burendag",
                               commission_id=None, amount=D(300), actor_id=None)
    activiteiten = books.category_by_key(session, a.assoc, "activiteiten").id
    for amount in ("120.10", "200"):
        books.add_entry(session, a.assoc, EntryData(TODAY, "bank", activiteiten, D(amount),
                                                    "boodschappen", budget_id=budget.id),
                        actor_id=None)
    row, = books.budget_rows(session, a.assoc, 2026)
    assert (row.spent, row.left, row.over) == (D("320.10"), D("-20.10"), True)
    books.save_budget(session, a.assoc, year=2026, name="Burendag", commission_id=None,
                      amount=D(350), actor_id=None)
    assert books.budget_rows(session, a.assoc, 2026)[0].left == D("29.90")


def test_grants_received_spent_and_ending(session, a):
    row, = grants.grant_rows(session, a.assoc, TODAY)
    assert (row.received, row.spent, row.ending_soon, row.ended) == (
        D(2500), D("420.25"), True, False)
    assert not grants.grant_rows(session, a.assoc, date(2026, 4, 30))[0].ending_soon
    with pytest.raises(RuleViolation) as caught:
        grants.save_grant(session, a.assoc, None, grants.GrantData(
            "Fonds", "Tuin", D(100), "tuin", None, date(2026, 6, 1), date(2026, 5, 1)),
            actor_id=None)
    assert caught.value.field == "ends_on"


# --- members and the registry ---------------------------------------------------------------

def test_move_in_is_offered_and_move_out_ends_the_membership(session, a):
    w = a.w
    newcomer = registry.add_resident(session, site_id=w.site.id, unit_id=w.units["A3"].id,
                                     move_in=date(2026, 5, 20),
                                     person=registry.PersonalData("Nina Nieuw"),
                                     support=registry.SupportData("onbegeleid"),
                                     actor_id=None, today=TODAY)
    found = member_service.suggestions(session, a.assoc, TODAY)
    assert [(s.kind, s.resident.name) for s in found] == [("nieuw", "Nina Nieuw")]
    member = member_service.add_member(session, a.assoc, resident_id=newcomer.id,
                                       starts_on=date(2026, 5, 20), actor_id=None)
    assert member.number == 5 and member_service.suggestions(session, a.assoc, TODAY) == []
    with pytest.raises(RuleViolation, match="is al lid"):
        member_service.add_member(session, a.assoc, resident_id=newcomer.id, starts_on=TODAY,
                                  actor_id=None)
    dues.generate_dues(session, a.assoc, up_to=TODAY, actor_id=None)
    assert [d.period_start for d in payments.dues_of(session, member.id)] == [date(2026, 6, 1)]
    vera = session.get(Resident, w.residents["vrij1"].id)
    registry.record_move_out(session, vera, move_out=date(2026, 6, 10), reason="verhuisd",
                             actor_id=None)
    assert [s.kind for s in member_service.suggestions(session, a.assoc, TODAY)] == [
        "vertrokken"]
    ended, = member_service.end_on_move_out(session, vera, actor_id=None)
    assert (ended.ends_on, ended.end_reason) == (date(2026, 6, 10), "verhuisd")
    assert not ended.is_active(TODAY) and ended.is_active(date(2026, 6, 9))
    assert payments.member_balance(session, ended).owed == D(50)    # what is owed stays
    assert member_service.suggestions(session, a.assoc, TODAY) == []


def test_a_declined_household_is_not_offered_again(session, a):
    w = a.w
    newcomer = registry.add_resident(session, site_id=w.site.id, unit_id=w.units["B3"].id,
                                     move_in=TODAY, person=registry.PersonalData("Bo Buur"),
                                     support=registry.SupportData("onbegeleid"),
                                     actor_id=None, today=TODAY)
    member_service.decline(session, a.assoc, resident_id=newcomer.id, note="wil geen lid",
                           today=TODAY, actor_id=None)
    assert member_service.suggestions(session, a.assoc, TODAY) == []
    with pytest.raises(RuleViolation):
        member_service.add_member(session, a.assoc, resident_id=w.other_resident.id,
                                  starts_on=TODAY, actor_id=None)   # another site


# --- board, commissions, participation, monitoring -------------------------------------------

def test_board_offices_vacancies_and_kvk(session, a):
    assert board.vacancies(session, a.assoc, TODAY) == ["secretaris"]
    assert board.holder_name(session, a.assoc, "voorzitter", TODAY) == "Vera Vrij"
    with pytest.raises(RuleViolation, match="nog bezet"):
        board.appoint(session, a.assoc, office="voorzitter", seat_id=a.ids["seat_treasurer"],
                      starts_on=TODAY, actor_id=None)
    chair = session.get(BoardOffice, a.ids["office_voorzitter"])
    board.end_office(session, chair, ends_on=TODAY, actor_id=None)
    board.appoint(session, a.assoc, office="voorzitter", seat_id=a.ids["seat_treasurer"],
                  starts_on=TODAY, actor_id=None)
    pending = board.kvk_pending(session, a.assoc)
    assert [(t.term.office, t.change, t.on) for t in pending] == [
        ("voorzitter", "end", TODAY), ("voorzitter", "start", TODAY)]
    board.register_kvk(session, chair, on=TODAY, today=TODAY, actor_id=None)
    assert len(board.kvk_pending(session, a.assoc)) == 1
    with pytest.raises(RuleViolation):
        board.appoint(session, a.assoc, office="secretaris", seat_id=None, starts_on=TODAY,
                      actor_id=None)


def test_commission_membership_counts_as_participation(session, a):
    commission = session.get(Commission, a.ids["commission"])
    otto = session.get(Resident, a.w.residents["vrij2"].id)
    assert not otto.actively_contributes
    board.add_commission_member(session, commission, resident_id=otto.id,
                                starts_on=date(2026, 6, 1), today=TODAY, actor_id=None)
    assert otto.actively_contributes
    record, = participation.records_of(session, otto.id)
    assert (record.kind, record.note) == ("commissie", "Activiteitencommissie")
    with pytest.raises(RuleViolation, match="zit al in"):
        board.add_commission_member(session, commission, resident_id=otto.id,
                                    starts_on=TODAY, today=TODAY, actor_id=None)


def test_participation_share_and_the_monitoring_rule_agree(session, a):
    site = a.w.site
    lies = session.get(Resident, a.w.residents["linde"].id)
    participation.record(session, lies, kind="organiseerde_activiteit", on=date(2026, 5, 2),
                         note="burendag", actor_id=None, today=TODAY)
    arie = session.get(Resident, a.w.residents["anker"].id)
    participation.record(session, arie, kind="helpt_buren", on=date(2025, 1, 3), note=None,
                         actor_id=None, today=TODAY)
    with pytest.raises(RuleViolation):
        participation.record(session, arie, kind="deed_mee", on=date(2026, 6, 16), note=None,
                             actor_id=None, today=TODAY)
    found = participation.site_participation(session, site.id, TODAY)
    assert (found.active, found.total, found.status) == (2, 4, "binnen")
    assert [r.resident.name for r in found.rows if r.review] == ["Arie Anker"]  # >12 months
    sweep(session, TODAY, NOW)
    assert count(session, Signal, Signal.rule == "active_share", Signal.site_id == site.id,
                 Signal.state == "open") == 0            # 2 of 4 = 50%: within the band
    participation.set_active(session, arie, active=False, actor_id=None)
    assert participation.site_participation(session, site.id, TODAY).status == "laag"
    sweep(session, TODAY, NOW)
    assert count(session, Signal, Signal.rule == "active_share", Signal.site_id == site.id,
                 Signal.state == "open") == 1


def test_sweep_signals_dues_vacancy_and_grant(session, a):
    sweep(session, TODAY, NOW)
    found = {(s.rule, s.subject): s for s in session.scalars(
        sa.select(Signal).where(Signal.site_id == a.w.site.id))}
    dues_signal = found[("dues_overdue", "association")]
    assert dues_signal.audience == "bestuur" and dues_signal.severity == "warning"
    assert "3 huishoudens met" in dues_signal.title and "€ 72,50" in dues_signal.explanation
    assert found[("board_vacancy", "office:secretaris")].audience == "site"
    grant_signal = found[("grant_ending", f"grant:{a.ids['grant']}")]
    assert grant_signal.severity == "info"
    assert grant_signal.title.endswith("loopt af op 31 oktober 2026")
    assert not any(rule.startswith(("dues", "board", "grant")) for rule, _ in {
        (s.rule, s.subject) for s in session.scalars(
            sa.select(Signal).where(Signal.site_id == a.w.other_site.id))})


@pytest.mark.parametrize("roles,admin,visible", [
    ({"bestuur"}, False, True), (set(), True, True), ({"kerngroep"}, False, False),
    ({"sociaal_beheerder", "stuurgroep"}, False, False), ({"communitycoach"}, False, False),
])
def test_the_dues_signal_is_for_the_bestuur_only(roles, admin, visible):
    from services.access import SiteAccess
    from services.monitoring.signals import visible as sees

    assert sees(SiteAccess(1, frozenset(roles), admin), "bestuur") is visible


def test_reading_the_books_writes_nothing(session):
    """The default categories come with the first write, not with a page view."""
    from models import CashCategory

    w = build_world(session)
    association_id = w.orgs["vereniging"].id
    assert books.categories(session, association_id) == []
    assert statement.build_statement(session, association_id, 2026).income == []
    assert count(session, CashCategory) == 0
    books.save_settings(session, association_id, books_start=None, opening_bank=None,
                        opening_cash=None, iban=None, payment_term_days=30, actor_id=None,
                        now=NOW)
    assert len(books.categories(session, association_id, "inkomsten")) == 7
