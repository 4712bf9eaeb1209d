"""The woonvereniging pages at work: uploads refused by type and size with a Dutch
message, Dutch validation messages next to the fields with nothing saved, the statement
as PDF and XLSX/CSV with the hand-computed figures, reminders sent only after review,
the registry's move-out ending a membership, and no care data anywhere."""
import csv
import io
import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from models import (AssociationMember, BankImport, BankLine, Due, DuesReminder,
                    OutgoingMail, Payment)
from app.jobs import send_outbox
from tests.association_fixtures import make_web_association
from tests.web.support import (count, db_snapshot, field_error, form_alert,  # noqa: F401
                               fresh_rate_limits, main_of, pdf_titles, query, strip_tags,
                               text, url_ids)

DATA = Path(__file__).resolve().parents[1] / "data"
V = "/locaties/{site}/vereniging"


@pytest.fixture
def ids(app, world):
    return {**url_ids(app, world), **make_web_association(app, world)}


@pytest.fixture
def bestuur(login_as):
    return login_as("bestuur")


def url(ids, path: str, **more) -> str:
    return (V + path).format(**ids, **more)


def upload(client, ids, name: str, content: bytes):
    return client.post(url(ids, "/bank"), data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


# --- uploads ------------------------------------------------------------------------------

def test_a_file_of_the_wrong_type_is_refused(app, ids, bestuur):
    before = db_snapshot(app)
    response = upload(bestuur, ids, "afschrift.pdf", b"%PDF-1.4 ...")
    assert response.status_code == 422
    assert field_error(text(response), "file") == "Kies een .csv- of .xml-bestand."
    assert db_snapshot(app) == before


def test_a_file_that_is_too_big_is_refused_before_reading(app, ids, bestuur):
    before = db_snapshot(app)
    response = upload(bestuur, ids, "groot.csv", b"x" * (2 * 1024 * 1024 + 100_000))
    assert response.status_code == 413
    assert field_error(text(response), "file") == "Het bestand is te groot: hoogstens 2 MB."
    assert db_snapshot(app) == before


def test_a_file_just_over_the_limit_is_refused_when_read(app, ids, bestuur):
    response = upload(bestuur, ids, "groot.csv", b"x" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 422
    assert field_error(text(response), "file") == "Het bestand is te groot: hoogstens 2 MB."


def test_no_file_and_an_unknown_csv(app, ids, bestuur):
    response = bestuur.post(url(ids, "/bank"), data={}, content_type="multipart/form-data")
    assert field_error(text(response), "file") == "Kies een bestand."
    response = upload(bestuur, ids, "lijst.csv", b"naam;bedrag\nX;5\n")
    assert field_error(text(response), "file").startswith(
        "De kolommen van dit bestand zijn niet herkend.")


def test_uploading_the_same_file_twice_adds_nothing(app, ids, bestuur):
    content = (DATA / "rabobank_2026_06.csv").read_bytes()
    first = upload(bestuur, ids, "rabo.csv", content)
    assert first.status_code == 302
    lines = count(app, BankLine)
    again = upload(bestuur, ids, "rabo-kopie.csv", content)
    assert again.status_code == 422
    assert "is al ingelezen op" in field_error(text(again), "file")
    assert (count(app, BankLine), count(app, BankImport)) == (lines, 2)   # the ING one too


def test_confirming_the_proposals_of_an_import(app, ids, bestuur):
    page = text(bestuur.get(url(ids, "/bank/{bank_import}")))
    assert "lidnummer in de omschrijving" in page and "naam en bedrag kloppen" in page
    assert page.count('name="bevestig"') == 3              # three lines with a proposal
    form = {"bevestig": [str(ids["line_anker"])],
            f"lid-{ids['line_anker']}": str(ids["member_anker"])}
    response = bestuur.post(url(ids, "/bank/{bank_import}/bevestigen"), data=form)
    assert response.status_code == 302
    paid = query(app, lambda s: s.scalar(sa.select(Payment).where(
        Payment.bank_line_id == ids["line_anker"])))
    assert (paid.member_id, paid.amount, paid.method) == (ids["member_anker"], D(25),
                                                          "overboeking")
    empty = bestuur.post(url(ids, "/bank/{bank_import}/bevestigen"), data={})
    assert empty.status_code == 422
    assert form_alert(text(empty)) == "Vink minstens één voorstel aan."


# --- validation -----------------------------------------------------------------------------

@pytest.mark.parametrize("path,data,field,message", [
    ("/leden/{member_linde}/betaling", {"amount": "vijf", "paid_on": "2026-06-15",
                                         "method": "contant"},
     "amount", "Vul een bedrag in, bijvoorbeeld 12,50."),
    ("/leden/{member_linde}/betaling", {"amount": "5", "paid_on": "2026-06-15"},
     "method", "Kies hoe er is betaald."),
    ("/leden/{member_linde}/betaling", {"amount": "0", "paid_on": "2026-06-15",
                                         "method": "contant"},
     "amount", "Vul een bedrag groter dan nul in."),
    ("/leden/{member_linde}/betaling", {"amount": "2147483648", "paid_on": "2026-06-15",
                                         "method": "contant"},   # a DataError on PostgreSQL
     "amount", "Vul een bedrag onder de 100 miljoen euro in."),
    ("/leden/{member_linde}/betaling", {"amount": "5", "paid_on": "2026-07-01",
                                         "method": "contant"},
     "paid_on", "De betaaldatum ligt in de toekomst."),
    ("/kasboek/nieuw", {"booked_on": "2026-06-15", "account": "kas",
                        "category_id": "{category_koffie}", "amount": "5",
                        "description": "x", "budget_id": "{budget}"},
     "budget_id", "Kies een begroting van hetzelfde jaar."),
    ("/kasboek/nieuw", {"booked_on": "2024-06-15", "account": "kas",
                        "category_id": "{category_koffie}", "amount": "5", "description": "x"},
     "booked_on", "De boeken beginnen op 01-01-2025; eerder kan niet."),
    ("/fondsen/nieuw", {"funder": "Fonds", "name": "Tuin", "amount": "100", "purpose": "tuin",
                        "starts_on": "2026-07-01", "ends_on": "2026-06-01"},
     "ends_on", "De einddatum ligt voor de begindatum."),
    ("/contributie/nieuw", {"year": "2026", "amount": "6", "frequency": "maand"},
     "amount", "Voor 2026 is al contributie aangemaakt; het bedrag ligt vast."),
    ("/contributie/{scheme_2026}/kortingen", {"name": "Half", "percent": "150"},
     "percent", "Een korting is meer dan 0 en hoogstens 100 procent."),
    ("/instellingen", {"iban": "NL00 BANK 0000 0000 00", "payment_term_days": "30"},
     "iban", "Vul een geldig IBAN in, bijvoorbeeld NL91 ABNA 0417 1643 00."),
    ("/bestuur/functie", {"office": "voorzitter", "seat_id": "{seat_treasurer}",
                          "starts_on": "2026-06-15"},
     "office", "De functie voorzitter is dan nog bezet door Vera Vrij; beëindig die eerst."),
    ("/jaarverslag/2025/presenteren", {"meeting_id": "{alv_meeting}"},
     "meeting_id", "De kascommissie heeft nog niet alles afgevinkt."),
])
def test_dutch_messages_next_to_the_field_and_nothing_saved(app, ids, bestuur, path, data,
                                                            field, message):
    before = db_snapshot(app)
    response = bestuur.post(url(ids, path), data={k: v.format(**ids) for k, v in data.items()})
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    assert db_snapshot(app) == before


def test_a_payment_in_dutch_notation(app, ids, bestuur):
    response = bestuur.post(url(ids, "/leden/{member_vrij1}/betaling"), data={
        "amount": "1.000,50", "paid_on": "2026-06-15", "method": "contant", "note": "pot"})
    assert response.status_code == 302
    paid = query(app, lambda s: s.scalar(sa.select(Payment).order_by(Payment.id.desc())))
    assert (paid.amount, paid.method) == (D("1000.50"), "contant")
    page = text(bestuur.get(url(ids, "/leden/{member_vrij1}")))
    assert "€\xa01.000,50" in page and "Tegoed" in page


# --- the statement ----------------------------------------------------------------------------

def vera_overdue_at_end_of_2025(app, ids) -> D:
    """Vera's € 40 (in cash) pays her oldest dues of 2025; what stays open of the dues
    whose due date is before 31 December is her arrears then."""
    def load(session):
        return session.execute(sa.select(Due.period_start, Due.due_on, Due.amount).where(
            Due.member_id == ids["member_vrij1"], Due.period_start < date(2026, 1, 1),
            Due.cancelled_at.is_(None)).order_by(Due.period_start)).all()

    left, overdue = D(40), D(0)
    for _start, due_on, amount in query(app, load):
        paid = min(left, amount)
        left -= paid
        if due_on < date(2025, 12, 31):
            overdue += amount - paid
    return overdue


def test_statement_page_pdf_and_exports_have_the_hand_computed_figures(app, ids, bestuur):
    page = main_of(text(bestuur.get(url(ids, "/jaarverslag/2025"))))
    for figure in ("€\xa03.815,50", "€\xa0802,13", "€\xa03.013,37", "€\xa0520,00",
                   "€\xa03.533,37", "€\xa0179,75"):
        assert figure in page
    book = openpyxl.load_workbook(io.BytesIO(bestuur.get(url(ids, "/jaarverslag/2025.xlsx"))
                                             .data), read_only=True)
    sheets = {s.title: [tuple(r) for r in s.iter_rows(values_only=True)]
              for s in book.worksheets}
    income = sheets["1 Inkomsten"]
    assert income[0] == ("Categorie", "Bedrag")
    assert [(n, D(str(a))) for n, a in income[1:]] == [
        ("Contributie", D("230")), ("Bijdrage corporatie", D("1000")),
        ("Subsidie gemeente", D("2500")), ("Verkoop koffie en thee", D("85.5")),
        ("Totaal inkomsten", D("3815.5"))]
    assert [(n, D(str(a))) for n, a in sheets["2 Uitgaven"][-2:]] == [
        ("Totaal uitgaven", D("802.13")), ("Resultaat", D("3013.37"))]
    assert [(n, D(str(a)), D(str(b))) for n, a, b in sheets["3 Saldo"][1:]] == [
        ("Bank", D(500), D("3387.87")), ("Kas", D(20), D("145.5")),
        ("Totaal", D(520), D("3533.37"))]
    overdue = vera_overdue_at_end_of_2025(app, ids)
    assert 0 < overdue <= D(20)
    assert [(n, D(str(a))) for n, a in sheets["5 Contributie"][1:]] == [
        ("Openstaand op 31 december", D(20)),
        ("Huishoudens met openstaande contributie", D(1)),
        ("Waarvan achterstallig (vervaldatum voorbij)", overdue),
        ("Huishoudens met een achterstand", D(1)), ("Tegoed van leden", D(10))]
    assert any("Controle kascommissie" in title for title in sheets)
    data = bestuur.get(url(ids, "/jaarverslag/2025.csv")).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert ["Totaal inkomsten", "3815,50"] in rows and ["Bank", "500,00", "3387,87"] in rows


def test_the_statement_pdf_is_made_of_the_hand_computed_figures(app, ids, bestuur,
                                                               monkeypatch):
    """What WeasyPrint is given (the HTML), checked line by line, and the PDF it made."""
    import app.pdf

    fed, made = [], []
    original = app.pdf.render_pdf

    def recording(html, **kwargs):
        fed.append(html)
        made.append(original(html, **kwargs))
        return made[-1]

    monkeypatch.setattr(app.pdf, "render_pdf", recording)
    pdf = bestuur.get(url(ids, "/jaarverslag/2025.pdf"))
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "financieel-verslag-bewonersvereniging-test-2025.pdf" in \
        pdf.headers["Content-Disposition"]
    assert len(fed) == 1 and pdf.data == made[0]
    rows = [strip_tags(row).replace("\xa0", " ") for row in
            re.findall(r"<(?:tr|p|li|dd)\b.*?</(?:tr|p|li|dd)>", fed[0], re.S)]
    for line in ("Contributie € 230,00", "Bijdrage corporatie € 1.000,00",
                 "Subsidie gemeente € 2.500,00", "Verkoop koffie en thee € 85,50",
                 "Totaal inkomsten € 3.815,50", "Activiteiten € 420,25",
                 "Inrichting ontmoetingsruimte € 310,00", "Software € 59,88",
                 "Bankkosten € 12,00", "Totaal uitgaven € 802,13", "Resultaat: € 3.013,37",
                 "Bank € 500,00 € 3.387,87", "Kas € 20,00 € 145,50",
                 "Totaal € 520,00 € 3.533,37",
                 "Activiteitencommissie € 600,00 € 420,25 € 179,75",
                 "€ 20,00 (1 huishouden)", "€ 10,00",
                 "nog te doen: Het kasgeld is geteld en klopt met het kasboek."):
        assert line in rows, line
    assert "Nutsvoorzieningen € 100,00" not in rows          # corrected to nothing
    titles = pdf_titles(pdf.data)
    assert "Financieel verslag 2025 · Bewonersvereniging Test" in titles
    for heading in ("Financieel verslag 2025", "Inkomsten en uitgaven", "Saldo",
                    "Begroting en werkelijk", "Contributie", "Controle door de kascommissie"):
        assert heading in titles, heading


def test_the_kascommissie_ticks_and_the_year_is_closed(app, ids, bestuur):
    from services.association.statement import AUDIT_KEYS

    for key in AUDIT_KEYS:
        response = bestuur.post(url(ids, "/jaarverslag/2025/controle"), data={
            "item": key, "checked": "ja", "by_name": "Otto Open"})
        assert response.status_code == 302
    missing = bestuur.post(url(ids, "/jaarverslag/2025/controle"), data={"item": "kas",
                                                                          "checked": "ja"})
    assert field_error(text(missing), "by_name") == \
        "Vul de naam in van het lid van de kascommissie."
    assert bestuur.post(url(ids, "/jaarverslag/2025/presenteren"),
                        data={"meeting_id": str(ids["alv_meeting"])}).status_code == 302
    page = text(bestuur.get(url(ids, "/jaarverslag/2025")))
    assert "Gepresenteerd op de ALV van 20 apr 2026" in page
    late = bestuur.post(url(ids, "/kasboek/nieuw"), data={
        "booked_on": "2025-12-30", "account": "kas", "category_id": str(ids["category_koffie"]),
        "amount": "5", "description": "late bon"})
    assert field_error(text(late), "booked_on").startswith("Het jaar 2025 is afgesloten")


# --- reminders ----------------------------------------------------------------------------------

def test_reminders_go_out_only_after_review(app, ids, bestuur):
    page = text(bestuur.get(url(ids, "/achterstanden")))
    assert "Vera Vrij" in page and "€\xa045,00" in page and "Lies Linde" not in main_of(page)
    response = bestuur.post(url(ids, "/herinneringen/voorbereiden"),
                            data={"lid": [str(ids["member_vrij1"]), str(ids["member_anker"])]})
    assert response.status_code == 302
    assert count(app, OutgoingMail) == 0
    concepts = text(bestuur.get(url(ids, "/herinneringen")))
    assert "Beste Vera Vrij," in concepts and "lidnummer 3" in concepts
    chosen = query(app, lambda s: s.scalar(sa.select(DuesReminder.id).join(
        AssociationMember).where(AssociationMember.number == 3)))
    response = bestuur.post(url(ids, "/herinneringen"),
                            data={"herinnering": [str(chosen)], "action": "versturen"},
                            follow_redirects=True)
    # queued in the outbox, not sent inside the request: the scheduler's outbox sends it
    assert "1 e-mail staat in de wachtrij en wordt binnen enkele minuten verstuurd." \
        in text(response)
    mail = query(app, lambda s: s.scalar(sa.select(OutgoingMail)))
    assert (mail.kind, mail.to_address, mail.status) == ("dues_reminder",
                                                         "vera@bewoner.example", "pending")
    assert send_outbox(app) == 1          # MAIL_BACKEND=log in the tests
    assert query(app, lambda s: s.scalar(sa.select(OutgoingMail.status))) == "sent"
    assert count(app, DuesReminder, DuesReminder.status == "concept") == 1   # Arie's waits
    none = bestuur.post(url(ids, "/herinneringen"), data={"action": "versturen"})
    assert form_alert(text(none)) == "Vink minstens één herinnering aan."


def test_letters_for_households_without_email(app, ids, bestuur):
    def no_email(session):
        session.get(AssociationMember, ids["member_anker"]).resident.email = None
        session.commit()

    query(app, no_email)
    bestuur.post(url(ids, "/herinneringen/voorbereiden"), data={"lid": [str(ids["member_anker"])]})
    assert "Als brief" in text(bestuur.get(url(ids, "/herinneringen")))
    pdf = bestuur.get(url(ids, "/herinneringen/brieven.pdf"))
    assert pdf.data.startswith(b"%PDF")


# --- the registry, privacy ----------------------------------------------------------------------

def test_a_move_out_in_the_registry_ends_the_membership(app, ids, world, login_as):
    client = login_as("sociaal_beheerder")
    response = client.post(f"/locaties/{world.site}/bewoners/{world.residents['vrij1']}/vertrek",
                           data={"move_out_date": "2026-06-12", "move_out_reason": "verhuisd"})
    assert response.status_code == 302
    member = query(app, lambda s: s.get(AssociationMember, ids["member_vrij1"]))
    assert (member.ends_on.isoformat(), member.end_reason) == ("2026-06-12", "verhuisd")


def test_a_move_in_is_offered_to_the_board(app, ids, bestuur):
    page = text(bestuur.get(url(ids, "/leden")))
    assert "Nina Nieuw woont sinds" in page
    response = bestuur.post(url(ids, "/leden/nieuw?bewoner={newcomer}"),
                            data={"lid-starts_on": "2026-06-01"})
    assert response.status_code == 302
    assert "Nina Nieuw woont sinds" not in text(bestuur.get(url(ids, "/leden")))


CARE = ("Zorggroep De Linde", "Stichting Het Anker", "begeleid", "indicatie", "Geïndiceerd")


@pytest.mark.parametrize("path", ["/", "/leden", "/leden/{member_linde}", "/achterstanden",
                                  "/herinneringen", "/bank/{bank_import}", "/meedoen",
                                  "/meedoen/{resident_linde}", "/jaarverslag/2025",
                                  "/bestuur", "/kasboek?jaar=2025"])
def test_no_care_data_on_association_pages(app, ids, login_as, path):
    for role in ("bestuur", "admin"):
        page = main_of(text(login_as(role).get(url(ids, path))))
        assert not [word for word in CARE if word.lower() in page.lower()], (role, path)


def test_dashboard_and_nav(app, ids, login_as):
    page = text(login_as("bestuur").get(url(ids, "/")))
    assert ">Vereniging</a>" in page
    assert "Geen secretaris: vul de functie in" in page
    assert "Subsidie bewonersactiviteiten loopt af op 31 okt 2026" in page
    coach = text(login_as("communitycoach").get(f"/locaties/{ids['site']}"))
    assert ">Meedoen</a>" in coach and ">Vereniging</a>" not in coach
    assert ">Vereniging</a>" not in text(login_as("kerngroep").get(f"/locaties/{ids['site']}"))
