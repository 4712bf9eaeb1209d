"""The notifications of each event: room bookings and requests, meetings (governance and
the IMO), minutes ready for approval and action items (see the package docstring)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_date, format_datetime
from sqlalchemy.orm import Session

from models import (ActionItem, ActionStatus, BodyMember, Booking, BookingSeries,
                    BookingStatus, ImoMeeting, Invitation, Meeting, MeetingStatus,
                    RequestStatus, RoomRequest, Site, User)
from services.governance.bodies import site_id_of
from services.governance.ics import meeting_uid
from services.governance.localtime import AMSTERDAM
from services.notify import Message, notify, notify_address, notify_all
from services.notify import calendar as cal
from services.notify.letterhead import Origin, origin_of
from services.notify.preferences import ACTIONS, MEETINGS, MINUTES, ROOMS
from services.rooms.ics import booking_uid, UID_DOMAIN

ROOM_REQUEST = "room_request"
#: how long after its due date an overdue action item is still reported (a first run
#: does not report every action item that was ever late)
OVERDUE_WINDOW = timedelta(days=7)
DUE_SOON = timedelta(days=3)


@dataclass(frozen=True)
class Context:
    base_url: str
    now: datetime
    sender: str | None = None   # the ORGANIZER of the invitations


def when(instant: datetime) -> str:
    return format_datetime(instant.astimezone(AMSTERDAM), "EEEE d MMMM yyyy 'om' HH:mm",
                           locale="nl")


def day(value: date) -> str:
    return format_date(value, "EEEE d MMMM yyyy", locale="nl")


def _origin(session: Session, site_id: int | None) -> Origin:
    """Where the mails of an event on ``site_id`` come from (services.notify.letterhead)."""
    return origin_of(session, session.get(Site, site_id) if site_id is not None else None)


def _span(b: Booking) -> str:
    end = b.ends_at.astimezone(AMSTERDAM).strftime("%H:%M")
    return f"{when(b.starts_at)}-{end}"


# --- room bookings ----------------------------------------------------------------------


def _booking_link(b: Booking) -> str:
    return f"/locaties/{b.room.site_id}/ruimte/boekingen/{b.id}"


def _booking_event(b: Booking, base_url: str, cancelled: bool = False) -> cal.Event:
    series = b.series
    return cal.Event(uid=booking_uid(b), starts=b.starts_at, ends=b.ends_at,
                     summary=series.title, sequence=b.sequence,
                     location=f"{b.room.name}, {b.room.site.name}",
                     url=base_url.rstrip("/") + _booking_link(b),
                     cancelled=cancelled or b.status != BookingStatus.BOOKED)


def _dates(bookings: list[Booking], status: str) -> list[str]:
    return [_span(b) for b in bookings if b.status == status]


def booking_made(session: Session, series: BookingSeries, ctx: Context) -> None:
    """The booker of a new booking or series: one mail with its dates (and skipped ones)
    and an invitation per booked date."""
    user = series.booked_by
    if user is None:
        return
    occurrences = list(series.occurrences)
    booked = [b for b in occurrences if b.status == BookingStatus.BOOKED]
    if not booked:
        return
    room = series.room
    skipped = _dates(occurrences, BookingStatus.SKIPPED)
    items = _dates(occurrences, BookingStatus.BOOKED)
    after = [f"Overgeslagen (niet vrij): {', '.join(skipped)}."] if skipped else []
    if room.house_rules:
        after.append(f"Huisregels: {room.house_rules}")
    ics = cal.calendar([_booking_event(b, ctx.base_url) for b in booked], method=cal.REQUEST,
                       now=ctx.now, organizer=ctx.sender, attendee=user.email)
    count = len(booked)
    notify(session, user, ROOMS, f"room:booked:s{series.id}", Message(
        subject=f"Geboekt: {series.title} in {room.name}",
        paragraphs=[f"U hebt {room.name} ({room.site.name}) geboekt voor {series.title}: "
                    f"{count} {'datum' if count == 1 else 'datums'}."],
        items=items, link=_booking_link(booked[0]), after=after, ics=ics,
        origin=_origin(session, room.site_id)), base_url=ctx.base_url)


def booking_changed(session: Session, changed: list[Booking], action: str,
                    ctx: Context) -> None:
    """The booker of dates that were moved, cancelled or booked again (``action``
    "moved", "cancelled", "readded"): one mail; the attachment updates (REQUEST) or
    cancels (CANCEL) each date with its raised SEQUENCE."""
    if not changed:
        return
    first = changed[0]
    series = first.series
    user = series.booked_by
    if user is None:
        return
    room = series.room
    if action == "cancelled":
        subject = f"Geannuleerd: {series.title} in {room.name}"
        text = f"{'Deze datum is' if len(changed) == 1 else 'Deze datums zijn'} geannuleerd:"
        method, items = cal.CANCEL, [_span(b) for b in changed]
    else:
        subject = (f"Verplaatst: {series.title} in {room.name}" if action == "moved"
                   else f"Weer geboekt: {series.title} in {room.name}")
        text = ("De boeking staat nu op:" if action == "moved" else
                "Deze datum is weer geboekt:" if len(changed) == 1 else
                "Deze datums zijn weer geboekt:")
        method, items = cal.REQUEST, _dates(changed, BookingStatus.BOOKED)
    skipped = _dates(changed, BookingStatus.SKIPPED) if action != "cancelled" else []
    after = [f"Overgeslagen (niet vrij): {', '.join(skipped)}."] if skipped else []
    ics = cal.calendar([_booking_event(b, ctx.base_url, cancelled=action == "cancelled")
                        for b in changed], method=method, now=ctx.now,
                       organizer=ctx.sender, attendee=user.email)
    key = f"room:{action}:b{first.id}:q{first.sequence}:n{len(changed)}"
    notify(session, user, ROOMS, key, Message(
        subject=subject, paragraphs=[f"{series.title} in {room.name} ({room.site.name}).",
                                     text],
        items=items, link=_booking_link(first), after=after, ics=ics,
        origin=_origin(session, room.site_id)), base_url=ctx.base_url)


# --- external requests ------------------------------------------------------------------


def _euro(amount) -> str:
    return f"€ {amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def request_received(session: Session, request: RoomRequest, ctx: Context) -> None:
    series = request.series
    room = series.room
    dates = [_span(b) for b in series.occurrences]
    after = []
    if request.tariff_amount is not None:
        after.append(f"Geschatte bijdrage volgens de tarievenlijst: {_euro(request.tariff_amount)}.")
    after.append("U krijgt bericht zodra de beheerder van de ruimte heeft besloten.")
    notify_address(session, request.email, request.contact_name, ROOM_REQUEST,
                   f"room-request:{request.id}:received", Message(
                       subject=f"Aanvraag ontvangen: {series.title} in {room.name}",
                       paragraphs=[f"Wij hebben uw aanvraag voor {room.name} "
                                   f"({room.site.name}) namens {request.organisation} "
                                   f"ontvangen: {series.title}."],
                       items=dates, after=after, origin=_origin(session, room.site_id)),
                   base_url=ctx.base_url)


def request_decided(session: Session, request: RoomRequest, ctx: Context) -> None:
    series = request.series
    room = series.room
    occurrences = list(series.occurrences)
    key = f"room-request:{request.id}:{request.status}"
    if request.status == RequestStatus.APPROVED:
        booked = [b for b in occurrences if b.status == BookingStatus.BOOKED]
        skipped = _dates(occurrences, BookingStatus.SKIPPED)
        after = []
        if skipped:
            after.append(f"Niet beschikbaar (overgeslagen): {', '.join(skipped)}.")
        if request.tariff_amount is not None:
            after.append("Geschatte bijdrage volgens de tarievenlijst: "
                         f"{_euro(request.tariff_amount)}.")
        if room.house_rules:
            after.append(f"Huisregels: {room.house_rules}")
        if request.decision_note:
            after.append(f"Toelichting: {request.decision_note}")
        if room.contact:
            after.append(f"Contact: {room.contact}")
        ics = cal.calendar([cal.Event(uid=booking_uid(b), starts=b.starts_at, ends=b.ends_at,
                                      summary=series.title, sequence=b.sequence,
                                      location=f"{room.name}, {room.site.name}")
                            for b in booked], method=cal.REQUEST, now=ctx.now,
                           organizer=ctx.sender, attendee=request.email) if booked else None
        message = Message(subject=f"Aanvraag goedgekeurd: {series.title} in {room.name}",
                          paragraphs=[f"Uw aanvraag voor {room.name} ({room.site.name}) is "
                                      "goedgekeurd. Geboekt:"],
                          items=_dates(occurrences, BookingStatus.BOOKED), after=after,
                          ics=ics, origin=_origin(session, room.site_id))
    elif request.status == RequestStatus.DECLINED:
        message = Message(subject=f"Aanvraag afgewezen: {series.title} in {room.name}",
                          paragraphs=[f"Uw aanvraag voor {room.name} ({room.site.name}) is "
                                      "helaas afgewezen.",
                                      f"Reden: {request.decision_note or '-'}"],
                          items=[_span(b) for b in occurrences],
                          origin=_origin(session, room.site_id))
    else:
        return
    notify_address(session, request.email, request.contact_name, ROOM_REQUEST, key, message,
                   base_url=ctx.base_url)


# --- governance meetings ----------------------------------------------------------------


def meeting_link(meeting: Meeting) -> str:
    return (f"/locaties/{site_id_of(meeting.body)}/overleg/{meeting.body_id}"
            f"/vergaderingen/{meeting.id}")


def _invitees(session: Session, meeting: Meeting) -> list[User]:
    """The accounts of the meeting's invited seats, each once, in the invitations' order
    (one query, not two per seat)."""
    return list(session.scalars(
        sa.select(User).join(BodyMember, BodyMember.user_id == User.id)
        .join(Invitation, Invitation.member_id == BodyMember.id)
        .where(Invitation.meeting_id == meeting.id).order_by(Invitation.id)).unique())


def meeting_event(meeting: Meeting, base_url: str) -> cal.Event:
    return cal.Event(uid=meeting_uid(meeting), starts=meeting.starts_at,
                     ends=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
                     summary=meeting.body.name, sequence=meeting.sequence,
                     location=meeting.place or "",
                     url=base_url.rstrip("/") + meeting_link(meeting),
                     cancelled=meeting.status == MeetingStatus.AFGELAST)


def meeting_planned(session: Session, meeting: Meeting, ctx: Context) -> int:
    """Invitations (planned), updates (moved, same UID, higher SEQUENCE) or cancellations
    (called off) to every seat holder with an account; returns how many were told."""
    body = meeting.body
    cancelled = meeting.status == MeetingStatus.AFGELAST
    if cancelled:
        subject = f"Afgelast: {body.name} van {when(meeting.starts_at)}"
        paragraphs = [f"De vergadering van {body.name} op {when(meeting.starts_at)} is "
                      "afgelast."]
        items = []
    else:
        first = meeting.sequence == 0
        subject = (f"Uitnodiging: {body.name} op {when(meeting.starts_at)}" if first else
                   f"Gewijzigd: {body.name} op {when(meeting.starts_at)}")
        paragraphs = [(f"U bent uitgenodigd voor de vergadering van {body.name}" if first
                       else f"De vergadering van {body.name} is gewijzigd; zij is nu")
                      + f" op {when(meeting.starts_at)}"
                      + (f", {meeting.place}" if meeting.place else "") + "."]
        items = [f"{i.position}. {i.title}" for i in sorted(meeting.items,
                                                            key=lambda i: i.position)]
        if items:
            paragraphs.append("Agenda:")
    users = _invitees(session, meeting)
    calendars = cal.invitations([meeting_event(meeting, ctx.base_url)],
                                method=cal.CANCEL if cancelled else cal.REQUEST, now=ctx.now,
                                organizer=ctx.sender,
                                attendees=[u.email for u in users if u.email])
    return len(notify_all(
        session, users, MEETINGS, f"meeting:gov:{meeting.id}:q{meeting.sequence}",
        Message(subject=subject, paragraphs=paragraphs, items=items,
                link=meeting_link(meeting), link_label="Naar de vergadering",
                origin=_origin(session, site_id_of(body))),
        base_url=ctx.base_url, calendars=calendars))


def minutes_ready(session: Session, meeting: Meeting, ctx: Context) -> int:
    """The body's members: the minutes of ``meeting`` are ready to be approved."""
    return len(notify_all(session, _invitees(session, meeting), MINUTES,
                          f"minutes:gov:{meeting.id}", Message(
        subject=f"Verslag ter vaststelling: {meeting.body.name} van "
                f"{day(meeting.starts_at.astimezone(AMSTERDAM).date())}",
        paragraphs=[f"Het verslag van de vergadering van {meeting.body.name} op "
                    f"{when(meeting.starts_at)} is klaar om te worden vastgesteld."],
        link=meeting_link(meeting), link_label="Lees het verslag",
        origin=_origin(session, site_id_of(meeting.body))), base_url=ctx.base_url))


# --- the IMO ------------------------------------------------------------------------


def imo_link(meeting: ImoMeeting) -> str:
    return f"/locaties/{meeting.site_id}/imo/vergaderingen/{meeting.id}"


def imo_uid(meeting: ImoMeeting) -> str:
    return f"imo-meeting-{meeting.id}@{UID_DOMAIN}"


def imo_event(meeting: ImoMeeting, base_url: str) -> cal.Event:
    starts, ends = cal.all_day(meeting.held_on)
    return cal.Event(uid=imo_uid(meeting), starts=starts, ends=ends, summary="IMO",
                     location=meeting.location or "",
                     url=base_url.rstrip("/") + imo_link(meeting))


def imo_planned(session: Session, meeting: ImoMeeting, ctx: Context) -> int:
    """Invitations to the IMO's invitees: the agenda's point titles and a link to the
    meeting; never the candidates (names, status, care, soft landing)."""
    items = [f"{i.position}. {i.title}" for i in sorted(meeting.items, key=lambda i: i.position)]
    users = [row.user for row in meeting.attendance]
    calendars = cal.invitations([imo_event(meeting, ctx.base_url)], method=cal.REQUEST,
                                now=ctx.now, organizer=ctx.sender,
                                attendees=[u.email for u in users if u.email])
    return len(notify_all(session, users, MEETINGS, f"meeting:imo:{meeting.id}:q0", Message(
        subject=f"Uitnodiging: IMO op {day(meeting.held_on)}",
        paragraphs=[f"U bent uitgenodigd voor het IMO op {day(meeting.held_on)}"
                    + (f", {meeting.location}" if meeting.location else "") + ".",
                    "Agenda (de kandidaten staan in Noaber, niet in deze e-mail):"],
        items=items, link=imo_link(meeting), link_label="Naar het IMO",
        origin=_origin(session, meeting.site_id)), base_url=ctx.base_url,
        calendars=calendars))


def imo_minutes_ready(session: Session, meeting: ImoMeeting, ctx: Context) -> int:
    return len(notify_all(session, [row.user for row in meeting.attendance], MINUTES,
                          f"minutes:imo:{meeting.id}", Message(
        subject=f"Verslag ter vaststelling: IMO van {day(meeting.held_on)}",
        paragraphs=[f"Het verslag van het IMO van {day(meeting.held_on)} is klaar om te "
                    "worden vastgesteld."],
        link=imo_link(meeting), link_label="Lees het verslag",
        origin=_origin(session, meeting.site_id)), base_url=ctx.base_url))


# --- action items -----------------------------------------------------------------------


def action_link(action: ActionItem) -> str:
    return f"/actiepunten/{action.id}"


def action_assigned(session: Session, action: ActionItem, ctx: Context) -> None:
    notify(session, action.owner, ACTIONS, f"action:{action.id}:assigned:o{action.owner_id}",
           Message(subject=f"Actiepunt voor u: {action.text[:120]}",
                   paragraphs=[f"In de vergadering van {action.body.name} is een actiepunt "
                               f"aan u toegewezen, af op {day(action.due_on)}:",
                               action.text],
                   link=action_link(action), link_label="Naar het actiepunt",
                   origin=_origin(session, site_id_of(action.body))),
           base_url=ctx.base_url)


def action_reminders(session: Session, today: date, now: datetime, base_url: str) -> dict:
    """The daily job: open action items due within three days (once per due date) and
    overdue ones (once, up to a week after the due date) to their owners."""
    counts = {"due": 0, "overdue": 0}
    for action in session.scalars(sa.select(ActionItem).where(
            ActionItem.status == ActionStatus.OPEN,
            ActionItem.due_on >= today - OVERDUE_WINDOW,
            ActionItem.due_on <= today + DUE_SOON).order_by(ActionItem.id)):
        if action.due_on >= today:
            key, kind = f"action:{action.id}:due:{action.due_on.isoformat()}", "due"
            message = Message(subject=f"Actiepunt bijna af: {action.text[:120]}",
                              paragraphs=[f"Uw actiepunt van {action.body.name} moet af zijn "
                                          f"op {day(action.due_on)}:", action.text],
                              link=action_link(action), link_label="Naar het actiepunt",
                              origin=_origin(session, site_id_of(action.body)))
        else:
            key, kind = f"action:{action.id}:overdue", "overdue"
            message = Message(subject=f"Actiepunt verlopen: {action.text[:120]}",
                              paragraphs=[f"Uw actiepunt van {action.body.name} had af moeten "
                                          f"zijn op {day(action.due_on)}:", action.text,
                                          "Is het gedaan of vervallen? Zet de status in "
                                          "Noaber."],
                              link=action_link(action), link_label="Naar het actiepunt",
                              origin=_origin(session, site_id_of(action.body)))
        if notify(session, action.owner, ACTIONS, key, message, base_url=base_url):
            counts[kind] += 1
    return counts
