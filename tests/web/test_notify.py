"""Notification mails through a real SMTP server on 127.0.0.1 (aiosmtpd): room bookings
(made, moved, cancelled; a series in one mail), external requests (receipt, decision),
governance meetings (invitation, update, cancellation), the IMO, minutes ready, action
items (assigned, due, overdue, from the daily job); each sent once, whatever is rerun;
preferences and the personal calendar feed, with their role tests; no care data in any
mail, attachment or feed."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from app.jobs import run_job, send_outbox
from models import (ActionItem, Booking, Body, Meeting, Notification, OutgoingMail, Site,
                    User, db)
from services.governance import actions as action_service, meetings as gov_meetings
from services.governance.localtime import AMSTERDAM, local_instant
from services.imo import meetings as imo_meetings
from services.monitoring.digest import write_digests
from services.notify import events, preferences
from services.notify.events import Context
from services.rooms import bookings, requests as request_service
from services.rooms.bookings import BookingData
from services.rooms.recurrence import Rule
from tests.conftest import ALL_ROLES, CSRF_TOKEN, ROLE_EMAILS, TODAY
from tests.rooms_fixtures import NOW, book, make_room, requester, user
from tests.web.governance_support import make_governance
from tests.web.imo_support import make_imo
from tests.web.mail_support import (BASE, CARE, calendar_of, html_of, scan_for_care,  # noqa: F401
                                    smtp, text_of, to, vevents)


def ctx():
    return Context(base_url=BASE, now=NOW, sender="noaber@hofje.example")


def csrf_of(page: str) -> dict:
    found = CSRF_TOKEN.search(page)
    return {"csrf_token": found.group(1)} if found else {}


# --- rooms ----------------------------------------------------------------------------


def test_a_series_across_the_clock_change_is_one_mail_and_changes_raise_sequence(
        app, world, smtp):
    inbox = smtp
    with app.app_context():
        site = db.session.get(Site, world.site)
        room = make_room(db.session, site)
        other = book(db.session, room, date(2026, 10, 29), time(10), time(12),
                     title="Al bezet", by=user(db.session, "communitycoach"))
        # Thursdays 15 Oct - 5 Nov: the clocks go back on 25 October; 29 Oct is taken
        series = book(db.session, room, date(2026, 10, 15), time(10), time(12),
                      Rule("weekly", count=4), title="Koffieochtend",
                      by=user(db.session, "bestuur"), on_conflict="skip",
                      seen=frozenset({date(2026, 10, 29)}))
        events.booking_made(db.session, series, ctx())
        events.booking_made(db.session, series, ctx())          # a retried request
        db.session.commit()
        assert other.occurrences[0].status == "booked"
        first_id = series.occurrences[0].id
    send_outbox(app)
    [made] = to(inbox, ROLE_EMAILS["bestuur"])
    body = text_of(made)
    assert made["Subject"] == "Geboekt: Koffieochtend in Ontmoetingsruimte"
    assert "3 datums" in body and "donderdag 15 oktober 2026 om 10:00-12:00" in body
    assert "Overgeslagen (niet vrij): donderdag 29 oktober 2026" in body
    assert f"{BASE}/locaties/{world.site}/ruimte/boekingen/{first_id}" in body
    assert "Laat de ruimte schoon achter." in html_of(made)
    parsed = calendar_of(made)
    assert str(parsed["METHOD"]) == "REQUEST"
    starts = [e.decoded("dtstart") for e in vevents(parsed)]
    assert [s.astimezone(AMSTERDAM).strftime("%d %H:%M") for s in starts] == [
        "15 10:00", "22 10:00", "05 10:00"]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=2)] * 2 + [timedelta(hours=1)]
    assert {e["dtstart"].params["TZID"] for e in vevents(parsed)} == {"Europe/Amsterdam"}
    assert parsed.walk("VTIMEZONE")
    assert [int(e["SEQUENCE"]) for e in vevents(parsed)] == [0, 0, 0]
    uid = str(vevents(parsed)[0]["UID"])

    with app.app_context():
        booking = db.session.get(Booking, first_id)
        moved = bookings.move(db.session, booking, new_day=date(2026, 10, 16),
                              start_time=time(14), end_time=time(16), scope="one",
                              actor_id=None, today=TODAY, now=NOW)
        events.booking_changed(db.session, moved, "moved", ctx())
        db.session.commit()
        cancelled = bookings.cancel(db.session, db.session.get(Booking, first_id),
                                    scope="one", actor_id=None, now=NOW)
        events.booking_changed(db.session, cancelled, "cancelled", ctx())
        events.booking_changed(db.session, cancelled, "cancelled", ctx())   # again
        db.session.commit()
    send_outbox(app)
    made, moved_mail, cancel_mail = to(inbox, ROLE_EMAILS["bestuur"])
    assert moved_mail["Subject"].startswith("Verplaatst: Koffieochtend")
    assert "vrijdag 16 oktober 2026 om 14:00-16:00" in text_of(moved_mail)
    [update] = vevents(calendar_of(moved_mail))
    assert (str(update["UID"]), int(update["SEQUENCE"])) == (uid, 1)
    parsed = calendar_of(cancel_mail)
    [gone] = vevents(parsed)
    assert (str(parsed["METHOD"]), str(gone["UID"]), int(gone["SEQUENCE"]),
            str(gone["STATUS"])) == ("CANCEL", uid, 2, "CANCELLED")
    scan_for_care(inbox)


def test_an_external_request_gets_a_receipt_and_the_decision(app, world, smtp):
    inbox = smtp
    with app.app_context():
        room = make_room(db.session, db.session.get(Site, world.site))
        asked = request_service.submit(
            db.session, room, requester(), BookingData("Energieavond", date(2026, 6, 24),
                                                       time(19), time(21)),
            today=TODAY, now=NOW)
        events.request_received(db.session, asked, ctx())
        db.session.commit()
        second = request_service.submit(
            db.session, room, requester(email="buurt@groep.example", kind="buurtgroep"),
            BookingData("Buurtborrel", date(2026, 6, 26), time(19), time(21)),
            today=TODAY, now=NOW)
        db.session.commit()
        request_service.approve(db.session, asked, actor_id=world.users["sociaal_beheerder"],
                                today=TODAY, now=NOW)
        events.request_decided(db.session, asked, ctx())
        request_service.decline(db.session, second, note="De ruimte is die avond gesloten.",
                                actor_id=world.users["sociaal_beheerder"], now=NOW)
        events.request_decided(db.session, second, ctx())
        events.request_decided(db.session, second, ctx())
        db.session.commit()
    send_outbox(app)
    receipt, approved = to(inbox, "karel@buurtkracht.example")
    assert receipt["Subject"] == "Aanvraag ontvangen: Energieavond in Ontmoetingsruimte"
    assert "Geschatte bijdrage volgens de tarievenlijst: € 15,00." in text_of(receipt)
    body = text_of(approved)
    assert approved["Subject"].startswith("Aanvraag goedgekeurd")
    assert "woensdag 24 juni 2026 om 19:00-21:00" in body
    assert "€ 15,00" in body and "Huisregels: Laat de ruimte schoon achter." in body
    assert str(calendar_of(approved)["METHOD"]) == "REQUEST"
    [declined] = to(inbox, "buurt@groep.example")
    assert "Reden: De ruimte is die avond gesloten." in text_of(declined)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(
            OutgoingMail.recipient_id.is_(None))) == 3
    scan_for_care(inbox)


# --- meetings ---------------------------------------------------------------------------


def test_meeting_invitations_updates_and_cancellation(app, world, smtp):
    inbox = smtp
    ids = make_governance(app, world)
    with app.app_context():
        body = db.session.scalar(sa.select(Body).where(Body.kind == "communityteam"))
        meeting = gov_meetings.create_meeting(
            db.session, body, starts_at=local_instant(date(2026, 10, 20), time(19, 30)),
            duration_minutes=90, place="Huiskamer", today=TODAY, actor_id=None)
        gov_meetings.add_item(db.session, meeting, "Tuindag plannen", actor_id=None)
        assert events.meeting_planned(db.session, meeting, ctx()) == 4
        assert events.meeting_planned(db.session, meeting, ctx()) == 0     # rerun
        db.session.commit()
        # moved across the clock change: same UID, higher SEQUENCE
        gov_meetings.update_meeting(
            db.session, meeting, starts_at=local_instant(date(2026, 10, 27), time(19, 30)),
            duration_minutes=90, place="Huiskamer", status="gepland", actor_id=None)
        events.meeting_planned(db.session, meeting, ctx())
        db.session.commit()
        gov_meetings.update_meeting(
            db.session, meeting, starts_at=meeting.starts_at, duration_minutes=90,
            place="Huiskamer", status="afgelast", actor_id=None)
        events.meeting_planned(db.session, meeting, ctx())
        db.session.commit()
        meeting_id = meeting.id
    send_outbox(app)
    invitation, update, cancel = to(inbox, ROLE_EMAILS["communitycoach"])
    assert invitation["Subject"].strip() == ("Uitnodiging: Communityteam Het Hofje op dinsdag "
                                     "20 oktober 2026 om 19:30")
    assert "Tuindag plannen" in text_of(invitation)
    with app.app_context():
        body_id = db.session.get(Meeting, meeting_id).body_id
    assert (f"{BASE}/locaties/{world.site}/overleg/{body_id}/vergaderingen/{meeting_id}"
            in text_of(invitation))
    assert ids
    (first,), (second,), (third,) = (vevents(calendar_of(m)) for m in (invitation, update,
                                                                        cancel))
    assert str(calendar_of(invitation)["METHOD"]) == "REQUEST"
    assert first.decoded("dtstart").utcoffset() == timedelta(hours=2)
    assert second.decoded("dtstart").utcoffset() == timedelta(hours=1)
    assert second.decoded("dtstart").astimezone(AMSTERDAM).strftime("%H:%M") == "19:30"
    assert str(first["UID"]) == str(second["UID"]) == str(third["UID"])
    assert (int(first["SEQUENCE"]), int(second["SEQUENCE"]), int(third["SEQUENCE"])) == (0, 1, 2)
    assert str(calendar_of(cancel)["METHOD"]) == "CANCEL"
    assert cancel["Subject"].strip().startswith("Afgelast:")
    assert not to(inbox, ROLE_EMAILS["kerngroep"])     # not on the communityteam
    scan_for_care(inbox)


def test_the_imo_invitation_has_the_points_but_no_candidates(app, world, smtp):
    inbox = smtp
    ids = make_imo(app, world)
    with app.app_context():
        site = db.session.get(Site, world.site)
        meeting = imo_meetings.create_meeting(db.session, site, held_on=date(2026, 7, 13),
                                              location="Huiskamer", chair_id=None,
                                              deputy_chair=None, actor_id=None)
        assert meeting.candidates              # candidates are on its agenda
        told = events.imo_planned(db.session, meeting, ctx())
        events.imo_minutes_ready(db.session, meeting, ctx())
        db.session.commit()
        invitees = {a.user.email for a in meeting.attendance}
        meeting_id = meeting.id
    assert told == len(invitees) >= 3
    send_outbox(app)
    [invitation] = to(inbox, ROLE_EMAILS["sociaal_beheerder"])   # minutes: in the digest
    [_invitation, minutes] = to(inbox, ROLE_EMAILS["bestuur"])
    body = text_of(invitation)
    assert "Balans op de locatie" in body and "Overdracht aan de welkomstcommissie" in body
    assert f"{BASE}/locaties/{world.site}/imo/vergaderingen/{meeting_id}" in body
    [event] = vevents(calendar_of(invitation))
    assert event.decoded("dtstart") == date(2026, 7, 13)
    assert minutes["Subject"].startswith("Verslag ter vaststelling: IMO")
    assert ids["dirk"]
    scan_for_care(inbox)


# --- action items and the daily job -------------------------------------------------------


def test_action_items_assigned_due_and_overdue_once(app, world, smtp):
    inbox = smtp
    make_governance(app, world)
    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting).join(Body).where(
            Body.name == "Kerngroep Het Hofje", Meeting.locked_at.is_(None))
            .order_by(Meeting.starts_at))
        action = action_service.create_action(
            db.session, meeting, text="Offerte schilder opvragen",
            owner_id=world.users["kerngroep"], due_on=TODAY + timedelta(days=3),
            actor_id=None)
        events.action_assigned(db.session, action, ctx())
        db.session.commit()
    send_outbox(app)
    assert run_job(app, "actions", today=TODAY).outcome == "ok"
    assert run_job(app, "actions", today=TODAY) is None                 # claimed once
    assert run_job(app, "actions", today=TODAY + timedelta(days=1)).counts["due"] == 0
    later = run_job(app, "actions", today=TODAY + timedelta(days=4))
    assert later.counts["overdue"] >= 1
    assert run_job(app, "actions", today=TODAY + timedelta(days=5)).counts == {
        "due": 0, "overdue": 0}
    subjects = [m["Subject"] for m in to(inbox, ROLE_EMAILS["kerngroep"])]
    assert subjects.count("Actiepunt voor u: Offerte schilder opvragen") == 1
    assert subjects.count("Actiepunt bijna af: Offerte schilder opvragen") == 1
    assert subjects.count("Actiepunt verlopen: Offerte schilder opvragen") == 1
    scan_for_care(inbox)


# --- preferences ------------------------------------------------------------------------


def test_preferences_off_digest_and_no_address(app, world, smtp):
    inbox = smtp
    with app.app_context():
        bestuur = db.session.get(User, world.users["bestuur"])
        coach = db.session.get(User, world.users["communitycoach"])
        assert preferences.preferences_of(db.session, bestuur)["minutes"] == "now"
        assert preferences.preferences_of(db.session, coach)["minutes"] == "digest"
        preferences.save(db.session, bestuur, {"rooms": "off", "meetings": "now",
                                               "minutes": "now", "actions": "now",
                                               "signals": "now"})
        preferences.save(db.session, coach, {"rooms": "digest", "meetings": "now",
                                             "minutes": "digest", "actions": "now",
                                             "signals": "now"})
        room = make_room(db.session, db.session.get(Site, world.site))
        for who in (bestuur, coach):
            series = book(db.session, room, date(2026, 7, 2 + who.id % 3), time(10), time(11),
                          title=f"Boeking {who.id}", by=who)
            events.booking_made(db.session, series, ctx())
        db.session.commit()
        deliveries = dict(db.session.execute(sa.select(Notification.user_id,
                                                       Notification.delivery)).all())
        assert deliveries == {bestuur.id: "off", coach.id: "digest"}
        with pytest.raises(Exception):
            preferences.save(db.session, coach, {"rooms": "soms"})
        db.session.rollback()
        write_digests(db.session, TODAY, NOW, BASE)
        db.session.commit()
        assert db.session.scalar(sa.select(Notification.digest_period).where(
            Notification.user_id == coach.id)) == "2026-W25"
    send_outbox(app)
    assert not to(inbox, ROLE_EMAILS["bestuur"])
    [digest] = to(inbox, ROLE_EMAILS["communitycoach"])
    assert "Geboekt: Boeking" in text_of(digest)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_profile_page_shows_preferences_and_feed_for_every_role(app, world, login_as,
                                                                    role):
    client = login_as(role)
    page = client.get("/profiel").get_data(as_text=True)
    assert "E-mailberichten" in page and "Mijn agenda-feed" in page
    assert 'name="pref-minutes"' in page
    assert "geen e-mailadres" not in page


def test_pages_need_a_login_and_a_bad_choice_saves_nothing(app, world, client, login_as):
    for path in ("/profiel/meldingen", "/profiel/agenda-feed", "/profiel/agenda-feed/intrekken"):
        assert client.post(path).status_code in (302, 400)
        assert "/login" in client.post(path).headers.get("Location", "/login")
    assert client.get("/agenda/mijn/onzin.ics").status_code == 404
    client = login_as("bestuur")
    page = client.get("/profiel").get_data(as_text=True)
    csrf = csrf_of(page)
    answer = client.post("/profiel/meldingen", data={**csrf, "pref-rooms": "soms",
                                                     "pref-meetings": "off",
                                                     "pref-minutes": "off",
                                                     "pref-actions": "off",
                                                     "pref-signals": "off"})
    assert answer.status_code == 422
    assert "Kies per soort bericht" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(
            preferences.NotificationPreference)) == 0
    assert client.post("/profiel/meldingen", data={
        **csrf, "pref-rooms": "off", "pref-meetings": "digest",
        "pref-minutes": "off", "pref-actions": "now", "pref-signals": "digest"}
        ).status_code == 302
    with app.app_context():
        bestuur = db.session.get(User, world.users["bestuur"])
        assert preferences.preferences_of(db.session, bestuur)["meetings"] == "digest"


def test_the_personal_feed_is_shown_once_parses_and_can_be_revoked(app, world, login_as):
    make_governance(app, world)
    with app.app_context():
        room = make_room(db.session, db.session.get(Site, world.site))
        book(db.session, room, date(2026, 10, 29), time(10), time(12), title="Ledenavond",
             by=user(db.session, "bestuur"))
        db.session.commit()
    client = login_as("bestuur")
    page = client.get("/profiel").get_data(as_text=True)
    csrf = csrf_of(page)
    made = client.post("/profiel/agenda-feed", data=csrf)
    assert made.status_code == 201
    url = re.search(r"(http://127\.0\.0\.1:5000/agenda/mijn/[^<\s]+\.ics)",
                    made.get_data(as_text=True)).group(1)
    path = url.removeprefix(BASE)
    assert path not in client.get("/profiel").get_data(as_text=True)    # shown once
    token = path.removeprefix("/agenda/mijn/").removesuffix(".ics")
    with app.app_context():
        stored = db.session.scalars(sa.select(preferences_hash_column())).all()
        assert token not in stored and len(stored) == 1
    client.get("/uitloggen")
    feed = client.get(path)
    assert feed.status_code == 200 and feed.content_type.startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(feed.data)
    summaries = [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")]
    assert "Ledenavond" in summaries
    assert "Kerngroep Het Hofje" in summaries and "Communityteam Het Hofje" in summaries
    assert parsed.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"
    meeting = next(e for e in parsed.walk("VEVENT") if str(e["SUMMARY"]) == "Kerngroep Het Hofje")
    assert "/vergaderingen/" in str(meeting["DESCRIPTION"])
    text = feed.data.decode()
    for word in CARE:
        assert word.lower() not in text.lower(), word
    client = login_as("bestuur")
    page = client.get("/profiel").get_data(as_text=True)
    csrf = csrf_of(page)
    assert client.post("/profiel/agenda-feed/intrekken", data=csrf
                       ).status_code == 302
    assert client.get(path).status_code == 404


def preferences_hash_column():
    from models import PersonalFeedToken
    return PersonalFeedToken.token_hash


def test_the_pages_queue_the_mail_with_the_action(app, world, login_as, smtp):
    """Cancelling on the booking page and sending the minutes round on the meeting page
    queue their mails in the page's transaction; a second click sends nothing."""
    from tests.rooms_fixtures import rooms_world

    inbox = smtp
    ids = rooms_world(app, world)
    client = login_as("bestuur")
    path = f"/locaties/{world.site}/ruimte/boekingen/{ids.coffee}"
    page = client.get(path).get_data(as_text=True)
    assert client.post(path + "/annuleren", data={**csrf_of(page), "scope": "one"}
                       ).status_code == 302
    send_outbox(app)
    [cancel] = to(inbox, ROLE_EMAILS["bestuur"])
    parsed = calendar_of(cancel)
    assert str(parsed["METHOD"]) == "CANCEL"
    assert [int(e["SEQUENCE"]) for e in vevents(parsed)] == [1]
    gov = make_governance(app, world)
    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting).join(Body).where(
            Body.name == "Communityteam Het Hofje"))
        url = f"/locaties/{world.site}/overleg/{meeting.body_id}/vergaderingen/{meeting.id}"
    client = login_as("sociaal_beheerder")
    for _click in range(2):
        page = client.get(url).get_data(as_text=True)
        assert client.post(url + "/verslag-rondsturen", data=csrf_of(page)).status_code == 302
    send_outbox(app)
    ready = [m for m in inbox.messages if m["Subject"].strip().startswith(
        "Verslag ter vaststelling: Communityteam")]
    # minutes go at once to the bestuur's seat; the others chose nothing: their digest
    assert [m["To"] for m in ready] == [ROLE_EMAILS["bestuur"]]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.kind == "minutes")) == 4
    assert gov
    scan_for_care(inbox)


def test_undoing_a_cancellation_sends_the_date_again_with_the_same_uid(app, world, login_as,
                                                                       smtp):
    """Cancel a date on the booking page, then undo it ('Ongedaan maken'): the booker gets
    a REQUEST for the same UID with a SEQUENCE above the cancellation's; a second click
    sends nothing."""
    from tests.rooms_fixtures import rooms_world

    inbox = smtp
    ids = rooms_world(app, world)
    client = login_as("bestuur")
    path = f"/locaties/{world.site}/ruimte/boekingen/{ids.coffee}"
    page = client.get(path).get_data(as_text=True)
    assert client.post(path + "/annuleren", data={**csrf_of(page), "scope": "one"}
                       ).status_code == 302
    for _click in range(2):
        page = client.get(path).get_data(as_text=True)
        client.post(path + "/herstellen", data=csrf_of(page))
    send_outbox(app)
    cancel, again = to(inbox, ROLE_EMAILS["bestuur"])
    [gone] = vevents(calendar_of(cancel))
    parsed = calendar_of(again)
    [back] = vevents(parsed)
    assert again["Subject"].startswith("Weer geboekt: ")
    assert "Deze datum is weer geboekt:" in text_of(again)
    assert str(parsed["METHOD"]) == "REQUEST" and str(back["STATUS"]) == "CONFIRMED"
    assert str(back["UID"]) == str(gone["UID"])
    assert int(back["SEQUENCE"]) > int(gone["SEQUENCE"])
    with app.app_context():
        assert db.session.get(Booking, ids.coffee).status == "booked"
    scan_for_care(inbox)


def test_the_page_says_so_when_there_is_no_address(app, world, login_as):
    client = login_as("communitycoach")
    with app.app_context():
        db.session.get(User, world.users["communitycoach"]).email = ""
        db.session.commit()
    page = client.get("/profiel").get_data(as_text=True)
    assert "Bij uw account staat geen e-mailadres: u krijgt geen e-mailberichten." in page
