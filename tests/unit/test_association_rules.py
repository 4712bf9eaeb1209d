"""The association's pure rules: Dutch amounts, rounding and reductions, the periods a
member owes, balances (partial and over payments), bank files, matching, the
participation share, grants ending and the reminder text."""
from datetime import date
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import pytest

from services.association import bankfile, matching
from services.association.balances import DueLine, allocate
from services.association.books import normalise_iban
from services.association.dues import due_amount, member_periods
from services.association.grants import ends_soon
from services.association.money import cents, euro, parse_amount, pro_rata, reduced
from services.association.monitoring import dues_finding
from services.association.participation import share_status
from services.association.reminders import reminder_text
from services.errors import RuleViolation

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("text,expected", [
    ("1.234,56", D("1234.56")), ("-12,50", D("-12.50")), ("+5,00", D("5.00")),
    ("€ 7,5", D("7.50")), ("12.50", D("12.50")), ("1,234.56", D("1234.56")),
    ("1.234", D("1234")), ("1.234.567,8", D("1234567.80")), ("0,05", D("0.05")),
    ("25", D("25.00")), (" 3,333 ", D("3.33")), ("EUR 1.000,00", D("1000.00")),
])
def test_dutch_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "5,00-", "--5", "1.2.3,4,5"])
def test_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_cents_round_half_up():
    assert (cents(D("5.005")), cents(D("2.675")), cents(D("-0.125"))) == (
        D("5.01"), D("2.68"), D("-0.13"))


@pytest.mark.parametrize("amount,percent,expected", [
    (D("5"), None, D("5.00")), (D("5"), D("50"), D("2.50")), (D("5"), D("100"), D("0.00")),
    (D("5"), D("33.33"), D("3.33")), (D("60"), D("25"), D("45.00")),
])
def test_reductions(amount, percent, expected):
    assert reduced(amount, percent) == expected


def test_pro_rata():
    assert (pro_rata(D("60"), 12), pro_rata(D("60"), 7), pro_rata(D("50"), 5)) == (
        D("60.00"), D("35.00"), D("20.83"))


@pytest.mark.parametrize("starts,ends,up_to,months", [
    (date(2025, 1, 1), None, date(2026, 12, 31), list(range(1, 13))),
    (date(2026, 3, 15), None, date(2026, 12, 31), list(range(4, 13))),   # mid-month: next
    (date(2026, 3, 1), None, date(2026, 12, 31), list(range(3, 13))),
    (date(2025, 1, 1), date(2026, 5, 20), date(2026, 12, 31), [1, 2, 3, 4, 5]),  # May owed
    (date(2025, 1, 1), date(2026, 5, 1), date(2026, 12, 31), [1, 2, 3, 4]),
    (date(2025, 1, 1), None, date(2026, 6, 15), [1, 2, 3, 4, 5, 6]),
    (date(2027, 1, 1), None, date(2027, 6, 15), []),
])
def test_monthly_periods(starts, ends, up_to, months):
    periods = member_periods(2026, "maand", starts, ends, up_to)
    assert [p[0].month for p in periods] == months
    assert all(p[0].year == 2026 and p[0].day == 1 and p[2] == 1 for p in periods)


@pytest.mark.parametrize("starts,ends,up_to,expected", [
    (date(2024, 3, 1), None, date(2026, 1, 1), [(date(2026, 1, 1), 12)]),
    (date(2026, 3, 15), None, date(2026, 12, 31), [(date(2026, 4, 1), 9)]),
    (date(2026, 4, 1), None, date(2026, 12, 31), [(date(2026, 4, 1), 9)]),
    (date(2026, 3, 15), None, date(2026, 3, 31), []),                  # not started yet
    (date(2026, 12, 2), None, date(2026, 12, 31), []),                 # no whole month left
    (date(2024, 3, 1), date(2025, 6, 1), date(2026, 12, 31), []),      # left before
])
def test_yearly_periods_pro_rata(starts, ends, up_to, expected):
    periods = member_periods(2026, "jaar", starts, ends, up_to)
    assert [(p[0], p[2]) for p in periods] == expected
    assert all(p[1] == date(2027, 1, 1) for p in periods)


@pytest.mark.parametrize("starts,ends,expected", [
    (date(2024, 3, 1), date(2026, 6, 10), (date(2026, 1, 1), date(2026, 7, 1), 6)),  # June owed
    (date(2024, 3, 1), date(2026, 6, 1), (date(2026, 1, 1), date(2026, 6, 1), 5)),
    (date(2026, 3, 15), date(2026, 9, 2), (date(2026, 4, 1), date(2026, 10, 1), 6)),
    (date(2024, 3, 1), date(2026, 1, 1), None),                        # left on 1 January
    (date(2024, 3, 1), date(2027, 3, 1), (date(2026, 1, 1), date(2027, 1, 1), 12)),
])
def test_yearly_periods_end_with_the_membership(starts, ends, expected):
    """Leaving mirrors joining: the months begun as a member are owed, pro rata."""
    periods = member_periods(2026, "jaar", starts, ends, date(2026, 12, 31))
    assert periods == ([expected] if expected else [])


def test_due_amounts():
    assert due_amount(D("5"), "maand", 1, None) == D("5.00")
    assert due_amount(D("60"), "jaar", 9, None) == D("45.00")
    assert due_amount(D("60"), "jaar", 9, D("50")) == D("22.50")


def _dues(*amounts, start_month=1):
    return [DueLine(i + 1, date(2026, start_month + i, 1), date(2026, start_month + i, 28),
                    D(a)) for i, a in enumerate(amounts)]


def test_balance_pays_the_oldest_first_and_keeps_the_rest_open():
    balance = allocate(_dues("5", "5", "5", "5"), D("12"))
    assert [s.open for s in balance.states] == [D(0), D(0), D(3), D(5)]
    assert (balance.owed, balance.open, balance.credit) == (D(8), D(8), D(0))
    assert balance.overdue(date(2026, 3, 29)) == D(3)        # March due on the 28th
    assert balance.overdue_since(date(2026, 5, 1)) == date(2026, 3, 28)


def test_overpayment_is_credit_for_the_next_dues():
    balance = allocate(_dues("5", "5"), D("17.50"))
    assert (balance.open, balance.credit, balance.overdue(date(2027, 1, 1))) == (
        D(0), D("7.50"), D(0))
    later = allocate(_dues("5", "5", "5", "5"), D("17.50"))
    assert [s.open for s in later.states] == [D(0), D(0), D(0), D("2.50")]


def test_balance_without_dues_or_payments():
    balance = allocate([], D("0"))
    assert (balance.owed, balance.overdue(date(2026, 1, 1)), balance.states) == (D(0), D(0), ())


# --- bank files ------------------------------------------------------------------------

def test_ing_csv():
    parsed = bankfile.parse_bank_file("ing.csv", (DATA / "ing_2026_06.csv").read_bytes())
    assert parsed.file_format == "ing-csv" and len(parsed.lines) == 5
    first, _vera, _fund, shop, _june = parsed.lines
    assert (first.booked_on, first.amount, first.counterparty_name, first.counterparty_iban) == (
        date(2026, 6, 2), D("25.00"), "A. Anker", "NL20INGB0001234567")
    assert first.description == "Contributie jan-mei lidnummer 2"
    assert first.account_iban == "NL91ABNA0417164300"
    assert (shop.amount, shop.kind) == (D("-49.95"), "Online bankieren")


def test_older_ing_csv_with_commas():
    text = ('"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij",'
            '"Bedrag (EUR)","MutatieSoort","Mededelingen"\n'
            '"20260102","J. de Vries","NL91ABNA0417164300","NL20INGB0001234567","IC","Bij",'
            '"1.005,00","Incasso","lid 7"\n')
    line, = bankfile.parse_bank_file("oud.CSV", text.encode()).lines
    assert (line.amount, line.kind, line.description) == (D("1005.00"), "Incasso", "lid 7")
    assert bankfile.is_direct_debit(line.kind)


def test_rabobank_csv_in_windows_1252():
    parsed = bankfile.parse_bank_file("rabo.csv", (DATA / "rabobank_2026_06.csv").read_bytes())
    assert parsed.file_format == "rabobank-csv"
    corporation, costs = parsed.lines
    assert (corporation.amount, corporation.counterparty_name, corporation.reference) == (
        D("1250.00"), "Woonstichting Test", "000000000000000101")
    assert (costs.booked_on, costs.amount, costs.description) == (
        date(2026, 6, 8), D("-12.50"), "Kosten betaalrekening")


def test_camt053_splits_a_batch_and_skips_pending_entries():
    parsed = bankfile.parse_bank_file("afschrift.xml",
                                      (DATA / "camt053_2026_06.xml").read_bytes())
    assert parsed.file_format == "camt053"
    linde, otto, printer = parsed.lines
    assert (linde.amount, linde.counterparty_name, linde.description) == (
        D("5.00"), "L LINDE", "Contributie juni lidnummer 1")
    assert (otto.amount, otto.counterparty_iban) == (D("2.50"), "NL55INGB0007654321")
    assert bankfile.is_direct_debit(linde.kind)
    assert (printer.amount, printer.counterparty_name, printer.booked_on) == (
        D("-35.00"), "Drukkerij Rijnstad", date(2026, 6, 11))


@pytest.mark.parametrize("name,content,message", [
    ("leeg.csv", b"  \n", "Het bestand is leeg."),
    ("x.csv", b"a;b;c\n1;2;3\n", "De kolommen van dit bestand zijn niet herkend."),
    ("x.xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
     "Dit XML-bestand is geen CAMT.053-rekeningafschrift."),
    ("x.xml", b"<Document><nope/></Document>",
     "Dit XML-bestand is geen CAMT.053-rekeningafschrift."),
    ("x.xml", b"<Document><unclosed></Document>", "Dit XML-bestand is niet te lezen."),
])
def test_files_that_are_refused(name, content, message):
    with pytest.raises(RuleViolation) as caught:
        bankfile.parse_bank_file(name, content)
    assert str(caught.value).startswith(message) and caught.value.field == "file"


def test_an_unreadable_amount_names_its_line():
    text = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
            '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen"\n'
            '"20260102";"X";"";"";"";"Bij";"vijf";"";""\n')
    with pytest.raises(RuleViolation) as caught:
        bankfile.parse_bank_file("x.csv", text.encode())
    assert str(caught.value) == "Regel 2: het bedrag 'vijf' is niet te lezen."


def test_line_hashes_keep_equal_lines_apart_and_match_across_files():
    line = bankfile.StatementLine(date(2026, 6, 1), D("5.00"), "A", "NL1", "lid 1")
    first = bankfile.line_hashes([line, line])
    assert first[0] != first[1]
    assert bankfile.line_hashes([line, line, line])[:2] == first


# --- matching -------------------------------------------------------------------------

CANDIDATES = [
    matching.Candidate(1, 1, "Lies Linde", D("0"), D("5")),
    matching.Candidate(2, 2, "Arie Anker", D("30"), D("5"), frozenset({"NL20INGB0001234567"})),
    matching.Candidate(3, 3, "Vera Vrij", D("50"), D("5")),
    matching.Candidate(4, 4, "Otto de Vries", D("5"), D("2.50")),
    matching.Candidate(5, 5, "Jan de Vries", D("0"), D("5")),
]


@pytest.mark.parametrize("amount,payer,iban,text,expected", [
    (D("25"), "Iemand Anders", "", "contributie lidnummer 2", (2, "lidnummer")),
    (D("5"), "X", "", "LID0003 juni", (3, "lidnummer")),
    (D("5"), "A ANKER", "NL20INGB0001234567", "juni", (2, "rekening")),
    (D("45"), "V VRIJ", "", "achterstand", (3, "naam_bedrag")),
    (D("50"), "Mw. V. Vrij e/o", "", "", (3, "naam_bedrag")),
    (D("7"), "V VRIJ", "", "", (3, "naam")),
    (D("5"), "L. Linde", "", "", (1, "naam_bedrag")),
    (D("5"), "DE VRIES", "", "", None),                   # two members named de Vries
    (D("250"), "Stichting Buurtfonds", "", "burendag", None),
    (D("-49.95"), "Arie Anker", "NL20INGB0001234567", "lidnummer 2", None),  # money out
    (D("5"), "X", "", "lidnummer 99", None),
])
def test_proposals(amount, payer, iban, text, expected):
    found = matching.propose(amount, payer, iban, text, CANDIDATES)
    assert (None if found is None else (found.member_id, found.reason)) == expected


@pytest.mark.parametrize("member,payer,fits", [
    ("Lies Linde", "L LINDE", True), ("Jan de Vries", "J. DE VRIES E/O", True),
    ("Jan de Vries", "P de Vries", False), ("Zoë Kok", "Z KOK", True),
    ("Fatima El Amrani", "F. EL AMRANI", True), ("Anna Bakker", "Bakkerij Anna", False),
    ("Mehmet Yilmaz", "M YILMAZ", True), ("Prince", "PRINCE", False),
])
def test_names(member, payer, fits):
    assert matching.name_fits(member, payer) is fits


# --- participation, grants, IBAN, reminders, monitoring -------------------------------

@pytest.mark.parametrize("active,total,status", [
    (0, 0, "leeg"), (49, 100, "laag"), (1, 2, "binnen"), (7, 10, "binnen"),
    (71, 100, "hoog"), (3, 4, "hoog"),
])
def test_participation_share(active, total, status):
    share, found = share_status(active, total)
    assert found == status
    assert share == (Fraction(active, total) if total else None)


@pytest.mark.parametrize("ends_on,soon", [
    (date(2026, 6, 15), True), (date(2026, 12, 15), True), (date(2026, 12, 16), False),
    (date(2026, 6, 14), False),
])
def test_grants_ending_within_six_months(ends_on, soon):
    assert ends_soon(ends_on, date(2026, 6, 15)) is soon


def test_iban():
    assert normalise_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert normalise_iban("  ") is None
    with pytest.raises(RuleViolation):
        normalise_iban("NL91ABNA0417164301")


def test_reminder_text_is_friendly_and_complete():
    subject, body = reminder_text(name="Vera Vrij", association="Bewonersvereniging Test",
                                  number=3, amount=D("45"), since=date(2025, 10, 1),
                                  iban="NL91ABNA0417164300", signed_by="Bea\npenningmeester")
    assert subject == "Herinnering contributie Bewonersvereniging Test"
    assert body.startswith("Beste Vera Vrij,")
    for part in ("€ 45,00", "1 oktober 2025", "NL91ABNA0417164300", '"lidnummer 3"',
                 "Laat het ons gerust weten"):
        assert part in body
    assert euro(D("1234.5")) == "€ 1.234,50"


def test_dues_finding():
    today = date(2026, 6, 15)
    assert dues_finding("V", 0, D(0), None, today, "/x") is None
    recent = dues_finding("V", 2, D("10"), date(2026, 5, 1), today, "/x")
    late = dues_finding("V", 2, D("10"), date(2026, 1, 1), today, "/x")
    assert (recent.severity, late.severity, late.audience) == ("info", "warning", "bestuur")
    assert "€ 10,00" in late.explanation and "sinds 1 januari 2026" in late.explanation
