"""Who may open which page of the woonvereniging and send which form: every route x
every role (and anonymous visitors), on tests/association_fixtures.py.

The policy (services/access.py, "woonvereniging" section; deny by default):

* every page with members, payment status, dues, the bank, reminders, the cash book,
  budgets, grants, the board, the settings and the ALV statement (page, PDF, XLSX,
  CSV): the bestuur of the site's association and admins;
* participation ("Meedoen"): the bestuur, the communitycoach, the sociaal_beheerder and
  admins;
* a site without an association: 404; a member, payment, line or entry that is not the
  association's: 404; anonymous visitors go to /login.

A refused POST leaves the database exactly as it was; the first allowed role's POST
takes effect (the second may find the one-off thing done: 422).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import (AssociationMember, AssociationSettings, AuditCheck, BankLine, BoardOffice,
                    Budget, CashCategory, CashEntry, Commission, CommissionMember,
                    ContributionScheme, Due, DuesReminder, Grant, MemberReduction,
                    MembershipDecline, OutgoingMail, ParticipationRecord, Payment,
                    PresentedStatement, Reduction, Resident)
from services.association import board, members as member_service, reminders, statement
from tests.association_fixtures import make_web_association
from tests.conftest import TODAY
from tests.web.matrix import (ANONYMOUS, COLUMNS, LOGIN, NF, NO, Go, Page, Post, expect,
                              run_page, run_post, uncovered_routes)
from tests.web.support import fresh_rate_limits, query, url_ids  # noqa: F401 (autouse)

BOARD = {"admin", "bestuur"}
PARTICIPATION = BOARD | {"communitycoach", "sociaal_beheerder"}
UNKNOWN = 999999

V = "/locaties/{site}/vereniging"
M = V + "/leden/{member_linde}"

PAGES = [
    Page("dashboard", V + "/", expect(BOARD)),
    Page("members", V + "/leden", expect(BOARD)),
    Page("add member", V + "/leden/nieuw?bewoner={newcomer}", expect(BOARD)),
    Page("add member of another site", V + "/leden/nieuw?bewoner={other_resident}",
         expect(BOARD, NF)),
    Page("member", M, expect(BOARD)),
    Page("unknown member", V + f"/leden/{UNKNOWN}", expect(BOARD, NF)),
    Page("payment form", M + "/betaling", expect(BOARD)),
    Page("reverse payment", M + "/betalingen/{payment}/terugdraaien", expect(BOARD)),
    Page("someone else's payment under this member",
         V + "/leden/{member_anker}/betalingen/{payment}/terugdraaien", expect(BOARD, NF)),
    Page("cancel due", V + "/leden/{member_vrij1}/contributie/{due}/vervallen", expect(BOARD)),
    Page("board", V + "/bestuur", expect(BOARD)),
    Page("appoint", V + "/bestuur/functie?functie=secretaris", expect(BOARD)),
    Page("end office", V + "/bestuur/functie/{office_voorzitter}/einde", expect(BOARD)),
    Page("kvk", V + "/bestuur/functie/{office_voorzitter}/kvk", expect(BOARD)),
    Page("new commission", V + "/commissies/nieuw", expect(BOARD)),
    Page("commission", V + "/commissies/{commission}", expect(BOARD)),
    Page("end commission member", V + "/commissies/{commission}/leden/{commission_row}/einde",
         expect(BOARD)),
    Page("schemes", V + "/contributie", expect(BOARD)),
    Page("new scheme", V + "/contributie/nieuw?jaar=2027", expect(BOARD)),
    Page("new reduction", V + "/contributie/{scheme_2026}/kortingen", expect(BOARD)),
    Page("overdue", V + "/achterstanden", expect(BOARD)),
    Page("reminders", V + "/herinneringen", expect(BOARD)),
    Page("letters pdf", V + "/herinneringen/brieven.pdf", expect(BOARD)),
    Page("bank", V + "/bank", expect(BOARD)),
    Page("bank import", V + "/bank/{bank_import}", expect(BOARD)),
    Page("unknown import", V + f"/bank/{UNKNOWN}", expect(BOARD, NF)),
    Page("bank line", V + "/bank/regels/{line_fund}", expect(BOARD)),
    Page("cash book", V + "/kasboek", expect(BOARD)),
    Page("cash book 2025", V + "/kasboek?jaar=2025", expect(BOARD)),
    Page("new entry", V + "/kasboek/nieuw", expect(BOARD)),
    Page("correct entry", V + "/kasboek/{wrong_entry}/corrigeren", expect(BOARD)),
    Page("budgets", V + "/begrotingen?jaar=2025", expect(BOARD)),
    Page("grants", V + "/fondsen", expect(BOARD)),
    Page("new grant", V + "/fondsen/nieuw", expect(BOARD)),
    Page("grant", V + "/fondsen/{grant}", expect(BOARD)),
    Page("settings", V + "/instellingen", expect(BOARD)),
    Page("new category", V + "/instellingen/categorie", expect(BOARD)),
    Page("statement now", V + "/jaarverslag", expect(BOARD, Go(V + "/jaarverslag/2025"))),
    Page("statement 2025", V + "/jaarverslag/2025", expect(BOARD)),
    Page("statement of the future", V + "/jaarverslag/2027", expect(BOARD, NF)),
    Page("statement pdf", V + "/jaarverslag/2025.pdf", expect(BOARD)),
    Page("statement xlsx", V + "/jaarverslag/2025.xlsx", expect(BOARD)),
    Page("statement csv", V + "/jaarverslag/2025.csv", expect(BOARD)),
    Page("statement in another format", V + "/jaarverslag/2025.doc", expect(BOARD, NF)),
    Page("participation", V + "/meedoen", expect(PARTICIPATION)),
    Page("participation of a resident", V + "/meedoen/{resident_linde}",
         expect(PARTICIPATION)),
    Page("participation of another site's resident", V + "/meedoen/{other_resident}",
         expect(PARTICIPATION, NF)),
    Page("site without association", "/locaties/{other_site}/vereniging/",
         tuple(LOGIN if r == ANONYMOUS else NF if r == "admin" else NO for r in COLUMNS)),
]


@pytest.fixture
def ids(app, world):
    return {**url_ids(app, world), **make_web_association(app, world)}


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_pages(page: Page, ids, client, auth, login_as):
    run_page(page, ids, client, auth, login_as)


def count(model, *where):
    return lambda s, ids: s.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def column(model, key, name):
    return lambda s, ids: getattr(s.get(model, ids[key]), name)


def _member_newcomer(s, ids):
    member_service.add_member(s, ids["association"], resident_id=ids["newcomer"],
                              starts_on=TODAY.replace(day=1), actor_id=None)


def _end_chair(s, ids):
    board.end_office(s, s.get(BoardOffice, ids["office_voorzitter"]), ends_on=TODAY,
                     actor_id=None)


def _draft(s, ids):
    reminders.draft(s, ids["association"], [ids["member_vrij1"]], today=TODAY, actor_id=None)


def _concept(s, ids):
    return str(s.scalar(sa.select(DuesReminder.id)))


def _tick_all(s, ids):
    for key in statement.AUDIT_KEYS:
        statement.record_check(s, ids["association"], 2025, item=key, checked=True,
                               by_name="Otto Open", note=None, now=None, actor_id=None)


POSTS = [
    Post("add member", V + "/leden/nieuw?bewoner={newcomer}", BOARD,
         {"lid-starts_on": "2026-06-01"},
         count(AssociationMember)),
    Post("decline member", V + "/leden/geen-lid?bewoner={newcomer}", BOARD,
         {"geen-note": "wil niet"}, count(MembershipDecline)),
    Post("member reduction", V + "/leden/{member_linde}/korting", BOARD,
         {"reduction_id": "{reduction}"}, count(MemberReduction)),
    Post("end membership", M + "/einde", BOARD, {"ends_on": "2026-06-15", "reason": "verhuisd"},
         column(AssociationMember, "member_linde", "ends_on")),
    Post("payment", M + "/betaling", BOARD,
         {"amount": "12,50", "paid_on": "2026-06-15", "method": "contant"}, count(Payment)),
    Post("reverse payment", M + "/betalingen/{payment}/terugdraaien", BOARD,
         {"reason": "verkeerd lid"}, count(Payment)),
    Post("cancel due", V + "/leden/{member_vrij1}/contributie/{due}/vervallen", BOARD,
         {"reason": "vergissing"}, column(Due, "due", "cancelled_at")),
    Post("appoint", V + "/bestuur/functie", BOARD,
         {"office": "secretaris", "seat_id": "{seat_chair}", "starts_on": "2026-06-15"},
         count(BoardOffice)),
    Post("end office", V + "/bestuur/functie/{office_voorzitter}/einde", BOARD,
         {"ends_on": "2026-06-15"}, column(BoardOffice, "office_voorzitter", "ends_on")),
    Post("kvk", V + "/bestuur/functie/{office_voorzitter}/kvk", BOARD, {"on": "2026-06-15"},
         column(BoardOffice, "office_voorzitter", "kvk_deregistered_on"), prepare=_end_chair),
    Post("new commission", V + "/commissies/nieuw", BOARD, {"name": "Tuincommissie"},
         count(Commission)),
    Post("commission member", V + "/commissies/{commission}", BOARD,
         {"resident_id": "{resident_linde}", "starts_on": "2026-06-15"},
         count(CommissionMember)),
    Post("end commission member", V + "/commissies/{commission}/leden/{commission_row}/einde",
         BOARD, {"ends_on": "2026-06-15"},
         column(CommissionMember, "commission_row", "ends_on")),
    Post("new scheme", V + "/contributie/nieuw", BOARD,
         {"year": "2027", "amount": "6", "frequency": "maand"}, count(ContributionScheme)),
    Post("new reduction", V + "/contributie/{scheme_2026}/kortingen", BOARD,
         {"name": "Vrijstelling", "percent": "100"}, count(Reduction)),
    Post("generate dues", V + "/contributie/aanmaken", BOARD, {}, count(Due),
         prepare=_member_newcomer),
    Post("draft reminders", V + "/herinneringen/voorbereiden", BOARD,
         {"lid": "{member_vrij1}"}, count(DuesReminder)),
    Post("send reminders", V + "/herinneringen", BOARD,
         {"herinnering": "{concept}", "action": "versturen"}, count(OutgoingMail),
         prepare=_draft),
    Post("confirm bank lines", V + "/bank/{bank_import}/bevestigen", BOARD,
         {"bevestig": "{line_anker}", "lid-{line_anker}": "{member_anker}"}, count(Payment)),
    Post("bank line is a payment", V + "/bank/regels/{line_anker}/lid", BOARD,
         {"lid-member_id": "{member_anker}"}, count(Payment)),
    Post("bank line to cash book", V + "/bank/regels/{line_shop}/kasboek", BOARD,
         {"boek-category_id": "{category_activiteiten}"}, count(CashEntry)),
    Post("ignore bank line", V + "/bank/regels/{line_fund}/negeren", BOARD,
         {"negeer-reason": "spaarrekening"}, column(BankLine, "line_fund", "ignored_at")),
    Post("new entry", V + "/kasboek/nieuw", BOARD,
         {"booked_on": "2026-06-15", "account": "kas", "category_id": "{category_koffie}",
          "amount": "7,20", "description": "Koffiepot"}, count(CashEntry)),
    Post("correct entry", V + "/kasboek/{entry}/corrigeren", BOARD,
         {"reason": "dubbel"}, count(CashEntry)),
    Post("budget", V + "/begrotingen", BOARD,
         {"year": "2026", "name": "Burendag", "amount": "400"}, count(Budget)),
    Post("new grant", V + "/fondsen/nieuw", BOARD,
         {"funder": "Oranje Fonds", "name": "Tuin", "amount": "1.500,00", "purpose": "tuin",
          "starts_on": "2026-07-01", "ends_on": "2027-06-30"}, count(Grant)),
    Post("edit grant", V + "/fondsen/{grant}", BOARD,
         {"funder": "Gemeente Rijnstad", "name": "Subsidie activiteiten", "amount": "2500",
          "purpose": "activiteiten", "starts_on": "2025-03-01", "ends_on": "2026-10-31"},
         column(Grant, "grant", "name")),
    Post("settings", V + "/instellingen", BOARD,
         {"books_start": "2025-01-01", "opening_bank": "500", "opening_cash": "20",
          "iban": "NL91ABNA0417164300", "payment_term_days": "14"},
         lambda s, ids: s.get(AssociationSettings, ids["association"]).payment_term_days),
    Post("category", V + "/instellingen/categorie", BOARD,
         {"name": "Tuin", "kind": "uitgaven"}, count(CashCategory)),
    Post("audit check", V + "/jaarverslag/2025/controle", BOARD,
         {"item": "kas", "checked": "ja", "by_name": "Otto Open"}, count(AuditCheck)),
    Post("present statement", V + "/jaarverslag/2025/presenteren", BOARD,
         {"meeting_id": "{alv_meeting}"}, count(PresentedStatement), prepare=_tick_all),
    Post("participation", V + "/meedoen/{resident_linde}", PARTICIPATION,
         {"kind": "helpt_buren", "on": "2026-06-10"}, count(ParticipationRecord)),
    Post("active flag", V + "/meedoen/{resident_linde}/actief", PARTICIPATION,
         {"active": "y"}, lambda s, ids: s.get(Resident, ids["resident_linde"])
         .actively_contributes),
]


@pytest.mark.parametrize("case", POSTS, ids=[p.id for p in POSTS])
def test_posts(case: Post, app, ids, client, auth, login_as):
    if case.prepare:
        def prepare(session):
            case.prepare(session, ids)
            session.commit()
        query(app, prepare)
    run_post(case, app, {**ids, "concept": query(app, lambda s: _concept(s, ids))}, client,
             auth, login_as)


def test_every_association_route_is_in_a_table(app, ids):
    requests = ([("GET", p.url) for p in PAGES] + [("POST", p.url) for p in POSTS]
                + [("POST", V + "/bank")])          # the upload: test_association_forms.py
    assert uncovered_routes(app, ids, "association.", requests) == set()
