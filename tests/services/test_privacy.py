"""AVG: the export of one person's data, and anonymisation after the retention period
on the demo data: the mix history, hours and decisions keep their figures and no
personal field of an anonymised person remains."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from models import (AssociationMember, AuditEvent, BodyDecision, BodyMember, Candidate,
                    CashEntry, Commission, HourEntry, ImoMeeting, KeyHolder, OutgoingMail,
                    Payment, Resident, Signal, Site, SupportPeriod, User, db)
from services.errors import RuleViolation
from services.imo import candidates as candidate_service
from services.imo.rules import CLOSED
from services.privacy import export, retention
from services.registry.mix import site_mix
from services.seed.demo import seed_demo
from tests.conftest import TODAY, build_world
from tests.web.imo_support import DIRK, FALLBACK, build_imo

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)
FAR = date(2100, 1, 1)


def _imo_world(session):
    """The conftest world plus the IMO data of the web tests (which take plain ids)."""
    world = build_world(session)
    ids = SimpleNamespace(site=world.site.id, other_site=world.other_site.id,
                          units={k: v.id for k, v in world.units.items()},
                          parts={k: v.id for k, v in world.parts.items()},
                          orgs={k: v.id for k, v in world.orgs.items()},
                          users={k: v.id for k, v in world.users.items()})
    return world, build_imo(session, ids)


def _unzip(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == {"gegevens.json", "LEESMIJ.txt"}
        return json.loads(archive.read("gegevens.json"))


def test_resident_export_holds_stay_care_history_candidate_file_and_audit(session):
    world, ids = _imo_world(session)
    pim = session.scalar(sa.select(Resident).where(Resident.name == "Pim Plaatsing"))
    data = _unzip(export.export(session, "resident", pim, actor_id=None, site_id=world.site.id,
                                now=NOW))
    assert data["kind"] == "resident" and data["resident"]["name"] == "Pim Plaatsing"
    assert data["home"]["unit"] == "A3"
    assert data["support_history"][0]["status"] == "onbegeleid"
    assert data["candidate_files"][0]["candidate"]["id"] == ids["pim"]
    assert data["candidate_files"][0]["imo_advice"][0]["advice"] == "positief"
    assert data["welcome_handover"]
    assert "move_in" in [e["action"] for e in data["audit_log"]]
    assert session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.action == "export", AuditEvent.entity_id == pim.id))


def test_candidate_export_includes_soft_landing(session):
    world, ids = _imo_world(session)
    data = _unzip(export.export(session, "candidate", session.get(Candidate, ids["dirk"]),
                                actor_id=None, site_id=world.site.id, now=NOW))
    assert data["candidate"]["name"] == DIRK
    assert data["candidate"]["fallback_place"] == FALLBACK
    assert data["care_organisation"] == "Zorggroep De Linde"


def test_user_export_leaves_out_hashes(session):
    from services import api_tokens
    world = build_world(session)
    coach = world.users["communitycoach"]
    made = api_tokens.create_token(session, coach, "Dashboard", now=NOW)
    data = _unzip(export.export(session, "user", coach, actor_id=None, site_id=None, now=NOW))
    text = json.dumps(data)
    assert data["account"]["email"] == "coach@hofje.example"
    assert "password_hash" not in data["account"] and coach.password_hash not in text
    assert made.token.token_hash not in text and made.secret not in text
    assert data["api_tokens"][0]["name"] == "Dashboard"
    assert data["roles"][0]["role"] == "communitycoach"


def test_retention_periods_per_site(session):
    world = build_world(session)
    assert retention.periods_for(session, world.site.id) == retention.Periods(24, 12, False)
    retention.save_periods(session, world.site.id, resident_months=6, candidate_months=3,
                           actor_id=None, now=NOW)
    assert retention.periods_for(session, world.site.id) == retention.Periods(6, 3, True)
    for bad in (0, 241, None):
        with pytest.raises(RuleViolation):
            retention.save_periods(session, world.site.id, resident_months=bad,
                                   candidate_months=3, actor_id=None, now=NOW)


def test_due_after_the_period_and_dry_run_matches_the_job(session):
    world = build_world(session)
    vera = world.residents["vrij1"]
    from services.registry import residents as rs
    rs.record_move_out(session, vera, move_out=date(2024, 6, 1), reason="Verhuisd naar Utrecht",
                       actor_id=None)
    site_id = world.site.id
    assert retention.due_on_site(session, site_id, date(2026, 5, 31)) == []
    due = retention.due_on_site(session, site_id, date(2026, 6, 1))
    assert [(d.kind, d.record_id, d.due_on) for d in due] == [
        ("resident", vera.id, date(2026, 6, 1))]
    assert vera.name == "Vera Vrij"  # the dry run changes nothing
    counts = retention.apply_retention(session, date(2026, 6, 1), NOW)
    assert counts == {"residents": 1, "candidates": 0, "records": 0}
    assert vera.name.startswith("Geanonimiseerd") and vera.move_out_reason is None
    assert vera.anonymised_at is not None
    assert retention.apply_retention(session, date(2026, 6, 1), NOW) == {
        "residents": 0, "candidates": 0, "records": 0}


def _mix_history(session) -> dict:
    return {site.name: [(p.on, p.assessment.begeleid, p.assessment.total,
                         p.assessment.status)
                        for p in site_mix(session, site, TODAY, months=36).history]
            for site in session.scalars(sa.select(Site).order_by(Site.id))}


def _aggregates(session) -> tuple:
    return (session.scalar(sa.select(sa.func.sum(HourEntry.quarters))),
            session.scalar(sa.select(sa.func.count()).select_from(HourEntry)),
            session.scalar(sa.select(sa.func.count()).select_from(BodyDecision)),
            session.scalar(sa.select(sa.func.count()).select_from(SupportPeriod)),
            session.scalar(sa.select(sa.func.count()).where(Resident.actively_contributes)),
            sorted(session.execute(sa.select(Candidate.id, Candidate.status,
                                             Candidate.support_status)).all()))


def _association_books(session) -> dict:
    """Per woonvereniging: the ALV statement of every year of its books, the members'
    balances and the cash book's figures."""
    from models import Organisation
    from services.association import statement
    return {assoc: (_books(session, assoc, statement.years(session, assoc, TODAY)))
            for assoc in session.scalars(sa.select(Organisation.id).where(
                Organisation.kind == "woonvereniging").order_by(Organisation.id))}


def test_anonymising_the_demo_keeps_the_mix_history(session):
    seed_demo(session, today=TODAY, password="demo-wachtwoord")
    # the demo's waiting list is all open: one candidate withdraws (a closed file)
    withdrawing = session.scalar(sa.select(Candidate).order_by(Candidate.id).limit(1))
    candidate_service.ensure_default_reasons(session, withdrawing.site_id)
    reason = candidate_service.reasons(session, withdrawing.site_id, "teruggetrokken")[0]
    candidate_service.set_status(session, withdrawing, "teruggetrokken", on=TODAY,
                                 reason_id=reason.id, note=f"{withdrawing.name} belde af",
                                 actor_id=None)
    session.flush()
    before, aggregates = _mix_history(session), _aggregates(session)
    books = _association_books(session)
    assert books, "the demo has a woonvereniging with books"
    gone = session.execute(sa.select(Resident.id, Resident.name, Resident.email).where(
        Resident.move_out_date.is_not(None))).all()
    closed = session.execute(sa.select(Candidate.id, Candidate.name).where(
        Candidate.status.in_(CLOSED))).all()
    assert gone and closed, "the demo has people who moved out and closed files"

    counts = retention.apply_retention(session, FAR, NOW)
    session.flush()
    session.expire_all()
    assert (counts["residents"], counts["candidates"]) == (len(gone), len(closed))
    assert counts["records"], "the demo's households left records at the woonvereniging"
    assert _mix_history(session) == before
    assert _aggregates(session) == aggregates

    for resident_id, name, _email in gone:
        resident = session.get(Resident, resident_id)
        assert resident.name == f"Geanonimiseerd (bewoner {resident_id})"
        assert all(getattr(resident, f) is None for f in retention.RESIDENT_FIELDS)
        assert all(p.note is None for p in resident.support_periods)
    for candidate_id, _name in closed:
        candidate = session.get(Candidate, candidate_id)
        assert all(getattr(candidate, f) is None for f in retention.CANDIDATE_FIELDS)
        assert all(e.note is None for e in candidate.events)
    # no trace of their names or e-mail addresses in any text or JSON column of any table
    needles = [name for _id, name, _email in gone] + [e for _i, _n, e in gone if e] + \
        [name for _id, name in closed]
    assert _leftovers(session, needles) == []
    assert _association_books(session) == books
    # residents who still live there keep their data
    assert session.scalar(sa.select(sa.func.count()).where(
        Resident.move_out_date.is_(None), Resident.anonymised_at.is_not(None))) == 0


def test_the_privacy_job_is_scheduled_daily():
    from services.monitoring.jobs import JOBS
    job = JOBS["privacy"]
    assert job.cron == {"hour": 3, "minute": 30}
    assert job.period(date(2026, 6, 15)) == "2026-06-15"
    assert User  # (users are exported, never anonymised by the job)


# --- a member household: every trace goes, every figure stays ---------------------------

VERA, VERA_EMAIL, VERA_IBAN = "Vera Vrij", "vera@bewoner.example", "NL39RABO0300065264"
#: a second statement from Vera's account: a transfer the treasurer left out
EXTRA_LINE = ('"20260614";"V VRIJ";"NL91ABNA0417164300";"NL39RABO0300065264";"OV";"Bij";'
              '"45,00";"Overschrijving";"Naam: V VRIJ Omschrijving: nogmaals contributie '
              'Vera Vrij IBAN: NL39RABO0300065264 Valutadatum: 14-06-2026";"3.702,92";""\n')


def _text_columns():
    """(table, primary key columns, text or JSON columns) of every table."""
    for table in db.metadata.sorted_tables:
        texts = [c for c in table.columns
                 if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if texts:
            yield table, list(table.primary_key.columns), texts


def _leftovers(session, needles: list[str]) -> list[tuple[str, str, object]]:
    """Every (table, column, key) whose stored text holds one of ``needles`` (any case)."""
    wanted = [" ".join(n.split()).casefold() for n in needles]
    found = []
    for table, key, texts in _text_columns():
        for row in session.execute(sa.select(*key, *texts)):
            values = row._mapping
            for column in texts:
                value = values[column.name]
                text = value if isinstance(value, str) else json.dumps(value, default=str)
                text = " ".join(text.split()).casefold()
                if value is not None and any(n in text for n in wanted):
                    found.append((table.name, column.name, tuple(values[c.name] for c in key)))
    return found


def _vera_as_member(session):
    """The association of tests/association_fixtures.py, with Vera Vrij (member 3, the
    voorzitter's seat) leaving traces everywhere, then moving out on 2026-06-01."""
    from services.association import (bank, board, members as member_service,
                                      participation, payments, reminders, statement)
    from services.rooms import rooms as room_service
    from tests import association_fixtures
    from tests.rooms_fixtures import make_room

    world = build_world(session)
    vera, assoc = world.residents["vrij1"], world.orgs["vereniging"].id
    ids = association_fixtures.build(session, site_id=world.site.id, association_id=assoc,
                                     residents={k: r.id for k, r in world.residents.items()})
    treasurer = world.users["bestuur"].id
    member = session.get(AssociationMember, ids["member_vrij1"])
    # a reminder e-mail (Vera is € 45 behind), then her transfer from the bank file
    made = reminders.draft(session, assoc, [member.id], today=TODAY, actor_id=treasurer)
    reminders.approve(session, assoc, [r.id for r in made], now=NOW, actor_id=treasurer)
    imported = bank.import_file(session, assoc, file_name="ing.csv",
                                content=(association_fixtures.DATA / "ing_2026_06.csv")
                                .read_bytes(), actor_id=None, now=NOW)
    line = next(x for x in imported.lines if x.counterparty_iban == VERA_IBAN)
    bank.confirm_payment(session, line, member_id=member.id, today=TODAY, actor_id=None)
    again = bank.import_file(session, assoc, file_name="ing2.csv", content=(
        (association_fixtures.DATA / "ing_2026_06.csv").read_text().splitlines(True)[0]
        + EXTRA_LINE).encode(), actor_id=None, now=NOW)
    bank.ignore_line(session, again.lines[0], reason="Vera Vrij betaalde dubbel; terug",
                     now=NOW, actor_id=None)
    wrong = payments.record_payment(session, member, amount=Decimal("5"),
                                    paid_on=date(2026, 6, 2), method="contant",
                                    note="Contant van Vera Vrij", today=TODAY, actor_id=None)
    payments.reverse_payment(session, wrong, reason="Vera Vrij had al betaald", today=TODAY,
                             actor_id=None)
    member_service.decline(session, assoc, resident_id=vera.id, note="Vera Vrij twijfelde",
                           today=date(2024, 2, 1), actor_id=None)
    participation.record(session, vera, kind="helpt_buren", on=date(2026, 5, 1),
                         note="Vera Vrij kookte voor de buren", actor_id=None, today=TODAY)
    board.add_commission_member(session, session.get(Commission, ids["commission"]),
                                resident_id=vera.id, starts_on=date(2026, 1, 1), today=TODAY,
                                actor_id=None)
    statement.record_check(session, assoc, 2025, item="kas", checked=True, by_name=VERA,
                           note=None, now=NOW, actor_id=None)
    room = make_room(session, world.site)
    room_service.add_key_holder(session, room, holder_name="vera  VRIJ", key_label="Voordeur",
                                since=date(2025, 1, 1), user_id=None, actor_id=None,
                                today=TODAY)
    room_service.add_key_holder(session, room, holder_name="Lies Linde", key_label="Kast",
                                since=date(2025, 1, 1), user_id=None, actor_id=None,
                                today=TODAY)
    from services.registry import residents as registry
    registry.record_move_out(session, vera, move_out=date(2026, 6, 1),
                             reason="Naar Utrecht", actor_id=None)
    member_service.end_membership(session, member, ends_on=date(2026, 6, 1),
                                  reason="Vera Vrij verhuist", actor_id=None, now=NOW)
    session.flush()
    return world, ids, vera.id


def _books(session, assoc: int, years=(2025, 2026)) -> tuple:
    from services.association import books, payments, statement
    return ([statement.build_statement(session, assoc, year) for year in years],
            payments.balances(session, assoc),
            books.balances_on(session, assoc, date(2027, 1, 1)),
            sorted(session.execute(sa.select(CashEntry.booked_on, CashEntry.account,
                                             CashEntry.category_id, CashEntry.amount,
                                             CashEntry.budget_id, CashEntry.grant_id)).all()),
            sorted(session.execute(sa.select(Payment.id, Payment.member_id, Payment.amount,
                                             Payment.paid_on)).all()))


def test_a_member_household_leaves_no_trace_and_the_figures_stay(session):
    world, ids, vera_id = _vera_as_member(session)
    assoc = ids["association"]
    needles = [VERA, VERA_EMAIL, VERA_IBAN, "V VRIJ"]
    before_books, before_mix = _books(session, assoc), _mix_history(session)
    assert len({t for t, _c, _k in _leftovers(session, needles)}) >= 10  # the seed works
    lies = _leftovers(session, ["Lies Linde"])

    due = retention.due_on_site(session, world.site.id, date(2028, 6, 1))
    assert [d.record_id for d in due] == [vera_id]
    report = dict(due[0].records)
    assert set(report) == {"memberships", "declines", "participation", "payments", "dues",
                           "reminders", "mails", "bank_lines", "cash_entries", "key_holders",
                           "seats", "audit_checks"}
    assert report["bank_lines"] == 2 and report["key_holders"] == 1 and report["seats"] == 1

    counts = retention.apply_retention(session, date(2028, 6, 1), NOW)
    assert counts == {"residents": 1, "candidates": 0, "records": sum(report.values())}
    session.flush()
    session.expire_all()
    assert _leftovers(session, needles) == []
    assert _books(session, assoc) == before_books
    assert _mix_history(session) == before_mix
    # someone else's records stay as they were, and a second run changes nothing
    assert _leftovers(session, ["Lies Linde"]) == lies
    label = retention.anonymous_name("bewoner", vera_id)
    assert session.get(BodyMember, ids["seat_chair"]).person_name == label
    assert session.scalar(sa.select(KeyHolder.holder_name).where(
        KeyHolder.key_label == "Voordeur")) == label
    assert retention.apply_retention(session, date(2028, 6, 1), NOW)["records"] == 0


def test_a_name_someone_on_the_site_still_has_is_left_alone(session):
    world, ids, vera_id = _vera_as_member(session)
    from services.registry import residents as registry
    registry.add_resident(session, site_id=world.site.id, unit_id=world.units["B3"].id,
                          move_in=date(2026, 6, 10), person=registry.PersonalData(VERA),
                          support=registry.SupportData("onbegeleid"), actor_id=None,
                          today=TODAY)
    due = retention.due_on_site(session, world.site.id, date(2028, 6, 1))
    report = dict(due[0].records)
    assert "key_holders" not in report and "seats" not in report
    assert report["bank_lines"] == 2    # found by her payments, not by her name
    retention.apply_retention(session, date(2028, 6, 1), NOW)
    session.expire_all()
    assert session.get(BodyMember, ids["seat_chair"]).person_name == VERA


def test_resident_export_holds_the_woonvereniging_keys_and_seats(session):
    world, ids, vera_id = _vera_as_member(session)
    vera = session.get(Resident, vera_id)
    data = _unzip(export.export(session, "resident", vera, actor_id=None,
                                site_id=world.site.id, now=NOW))["woonvereniging_and_rooms"]
    member = data["memberships"][0]
    assert (member["number"], member["association"]) == (3, "Bewonersvereniging Test")
    assert member["balance"]["paid"] == "85.00" and member["dues"] and member["payments"]
    assert [p["note"] for p in member["payments"]].count("Contant van Vera Vrij") == 1
    assert member["reminders"][0]["body"].startswith("Beste Vera Vrij")
    assert [m["to_address"] for m in data["emails"]] == [VERA_EMAIL]
    assert {line["counterparty_iban"] for line in data["bank_lines"]} == {VERA_IBAN}
    assert len(data["bank_lines"]) == 2 and data["cash_book_entries"]
    assert data["membership_declined"][0]["note"] == "Vera Vrij twijfelde"
    assert data["commissions"][0]["commission"] == "Activiteitencommissie"
    assert {p["kind"] for p in data["participation"]} == {"helpt_buren", "commissie"}
    assert [k["key_label"] for k in data["key_holders"]] == ["Voordeur"]
    assert data["seats"][0]["person_name"] == VERA
    assert data["seats"][0]["board_offices"][0]["office"] == "voorzitter"
    assert data["kascommissie_checks"][0]["item"] == "kas"
    # what is exported is what the retention job anonymises later
    found = retention.traces.find(session, retention.traces.people_of(session, [vera_id]))
    assert len(data["bank_lines"]) == len(found.ids("bank_lines"))
    assert len(data["emails"]) == len(found.ids("mails"))


def test_user_export_holds_bookings_keys_mails_tokens_and_signals(session):
    from services import api_tokens
    from services.rooms import ics, rooms as room_service
    from tests.rooms_fixtures import book, make_room
    from datetime import time
    world = build_world(session)
    coach = world.users["communitycoach"]
    room = make_room(session, world.site)
    book(session, room, date(2026, 6, 18), time(10), time(12), title="Taalcafé", by=coach)
    room_service.add_key_holder(session, room, holder_name=coach.name, key_label="Kast",
                                since=date(2026, 1, 1), user_id=coach.id, actor_id=None,
                                today=TODAY)
    feed, secret = ics.create_token(session, world.site.id, room, label="Mijn agenda",
                                    actor_id=coach.id, now=NOW)
    made = api_tokens.create_token(session, coach, "Dashboard", now=NOW)
    session.add_all([
        OutgoingMail(recipient_id=coach.id, kind="digest", period="2026-06-15",
                     to_address=coach.email, subject="Signalen", body="Twee signalen"),
        OutgoingMail(recipient_id=coach.id, kind="dues_reminder", period="HR1",
                     to_address="lid@bewoner.example", subject="Herinnering",
                     body="Beste lid"),
        Signal(rule="test", site_id=world.site.id, subject="s", period="2026-06",
               severity="info", title="Weinig activiteiten", explanation="-", state="resolved",
               acknowledged_at=NOW, acknowledged_by_id=coach.id, acknowledge_note="Ik bel",
               resolved_at=NOW, resolved_by_id=world.users["sociaal_beheerder"].id,
               resolve_note="Opgelost")])
    session.flush()
    data = _unzip(export.export(session, "user", coach, actor_id=None, site_id=None, now=NOW))
    text = json.dumps(data)
    assert data["room_bookings"][0]["title"] == "Taalcafé"
    assert data["room_bookings"][0]["room"] == "Ontmoetingsruimte"
    assert len(data["room_bookings"][0]["dates"]) == 1
    assert [k["key_label"] for k in data["key_holders"]] == ["Kast"]
    assert [m["subject"] for m in data["emails_received"]] == ["Signalen"]  # not the member's
    assert data["room_feed_tokens"][0]["label"] == "Mijn agenda"
    assert feed.token_hash not in text and secret not in text
    assert data["api_tokens"][0]["name"] == "Dashboard" and made.token.token_hash not in text
    handled = data["signals_handled"][0]
    assert handled["acknowledge_note"] == "Ik bel" and handled["resolve_note"] is None
