"""Pages without login: the request form for external parties (rate-limited, with CSRF
like every form) and the calendar feeds behind a secret, revocable token."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, make_response, request, url_for
from flask_babel import gettext as _

from app.notify import after
from services.notify import events as notices
from app.clock import today
from app.extensions import limiter
from app.forms import save_or_render
from app.rooms.booking_routes import Report, booking_data, event_text, guarded
from app.rooms.forms import WEEKDAYS, RequestForm
from app.rooms.routes import bp, euro, now
from models import BookingStatus, Room, Site, db, utcnow
from services.rooms import agenda as agenda_service
from services.rooms import ics
from services.rooms import requests as request_service
from services.rooms.rooms import opening_of, rooms_of

DEFAULT_REQUEST_RATE_LIMIT = "10 per hour"
FEED_RATE_LIMIT = "60 per minute"


def _request_limit() -> str:
    return current_app.config.get("ROOM_REQUEST_RATE_LIMIT", DEFAULT_REQUEST_RATE_LIMIT)


def _requester(form) -> request_service.Requester:
    return request_service.Requester(
        kind=form.requester_kind.data, organisation=form.organisation.data or "",
        contact_name=form.contact_name.data or "", email=form.email.data or "",
        purpose=form.purpose.data or "", commercial=form.commercial.data == "ja",
        phone=form.phone.data, expected_people=form.expected_people.data)


def _sent(room_request) -> str:
    message = _("Bedankt, uw aanvraag is ontvangen. De beheerder van de ruimte neemt contact "
                "met u op.")
    if room_request.tariff_amount is not None:
        message += " " + _("Volgens de tarievenlijst komt het gebruik op %(amount)s.",
                           amount=euro(room_request.tariff_amount))
    return message


@bp.route("/ruimte/<int:room_id>/aanvragen", methods=["GET", "POST"])
@limiter.limit(_request_limit, methods=["POST"])
def public_request(room_id: int):
    room = db.session.get(Room, room_id)
    if room is None or not room.active or not room.accepts_requests:
        abort(404)
    form = RequestForm()
    if request.method == "GET":
        form.first_day.data = today() + timedelta(days=7)
    report = Report(public=True)
    return save_or_render(
        form, guarded(report, lambda: after(request_service.submit(
            db.session, room, _requester(form), booking_data(form), today=today(),
            now=now()), lambda r, ctx: notices.request_received(db.session, r, ctx))),
        success=_sent, next_url=lambda r: url_for("rooms.public_request", room_id=room.id),
        template="rooms/public_request.html", room=room, site=room.site, report=report,
        opening=opening_of(room), weekday_names=WEEKDAYS)


@bp.route("/agenda/<token>.ics")
@limiter.limit(FEED_RATE_LIMIT)
def feed(token: str):
    row = ics.find_token(db.session, token)
    if row is None:
        abort(404)
    site = db.session.get(Site, row.site_id)
    rooms = [row.room] if row.room else rooms_of(db.session, site.id, active_only=True)
    moment = now()
    found = agenda_service.occurrences(
        db.session, rooms, moment - timedelta(days=ics.FEED_DAYS_BACK),
        moment + timedelta(days=ics.FEED_DAYS_AHEAD), (BookingStatus.BOOKED,))
    name = f"{row.room.name} ({site.name})" if row.room else site.name
    texts: dict[tuple, ics.EventText] = {}  # the dates of a series say the same
    events = [(b, texts.get((b.series_id, b.room_id, b.status))
               or texts.setdefault((b.series_id, b.room_id, b.status), event_text(b, site)))
              for b in found]
    response = make_response(ics.feed_of(name, events, utcnow()))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
