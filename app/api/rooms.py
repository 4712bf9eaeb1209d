"""The shared rooms: rooms, the bookings in a date range, activities with their
(aggregate) attendance, and booking through the same conflict-checking service as the
room agenda (a clash answers 409 with the dates that are not free)."""
from __future__ import annotations

from datetime import date, timedelta

import marshmallow as ma
from flask_smorest import abort
from marshmallow import validate

from app.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER, write
from app.api.auth import api_blueprint, current_user, site_for
from app.api.common import DateRangeArgs, DecimalText, page_of, paginate
from app.api.errors import ErrorSchema
from app.clock import now, today
from models import BookingSeries, OrganiserKind, Room, db
from services.governance.localtime import day_start
from services.rooms import bookings as booking_service
from services.rooms.agenda import ACTIVE, occurrences
from services.rooms.recurrence import MAX_OCCURRENCES, Rule
from services.rooms.rooms import room_on_site, rooms_of

blp = api_blueprint("api_rooms", __name__,
                    "Ontmoetingsruimtes: ruimtes, boekingen en activiteiten.")

BOOK = lambda access: access.can_book_rooms  # noqa: E731
DEFAULT_DAYS = 30
MAX_RANGE_DAYS = 400


class RoomSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    typology = ma.fields.String(required=True)
    capacity = ma.fields.Integer(required=True)
    active = ma.fields.Boolean(required=True)
    accepts_requests = ma.fields.Boolean(required=True)
    max_days_ahead = ma.fields.Integer(required=True)
    max_duration_minutes = ma.fields.Integer(required=True)


class BookingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    series_id = ma.fields.Integer(required=True)
    room_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    starts_at = ma.fields.DateTime(required=True)
    ends_at = ma.fields.DateTime(required=True)
    status = ma.fields.String(required=True)
    is_activity = ma.fields.Boolean(required=True)


class ActivitySchema(BookingSchema):
    organiser_kind = ma.fields.String(allow_none=True, required=True)
    open_to_neighbourhood = ma.fields.Boolean(required=True)
    price = DecimalText(allow_none=True, required=True)
    begeleid = ma.fields.Integer(allow_none=True, required=True)
    onbegeleid = ma.fields.Integer(allow_none=True, required=True)
    neighbours = ma.fields.Integer(allow_none=True, required=True)


class BookingArgs(DateRangeArgs):
    room_id = ma.fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class NewActivitySchema(ma.Schema):
    organiser_kind = ma.fields.String(required=True, validate=validate.OneOf(
        list(OrganiserKind)))
    open_to_neighbourhood = ma.fields.Boolean(load_default=False)


class NewBookingSchema(ma.Schema):
    room_id = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    first_day = ma.fields.Date(required=True)
    start_time = ma.fields.Time(required=True, metadata={"description": "lokale tijd, UU:MM"})
    end_time = ma.fields.Time(required=True)
    recurrence = ma.fields.String(load_default="single", validate=validate.OneOf(
        ["single", "weekly", "monthly"]))
    interval = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=4))
    count = ma.fields.Integer(load_default=None, allow_none=True,
                              validate=validate.Range(min=1, max=MAX_OCCURRENCES))
    until = ma.fields.Date(load_default=None, allow_none=True)
    activity = ma.fields.Nested(NewActivitySchema, load_default=None, allow_none=True)


def _room(r: Room) -> dict:
    return {"id": r.id, "name": r.name, "typology": r.typology, "capacity": r.capacity,
            "active": r.active, "accepts_requests": r.accepts_requests,
            "max_days_ahead": r.max_days_ahead, "max_duration_minutes": r.max_duration_minutes}


def _booking(b) -> dict:
    return {"id": b.id, "series_id": b.series_id, "room_id": b.room_id,
            "title": b.series.title, "starts_at": b.starts_at, "ends_at": b.ends_at,
            "status": b.status, "is_activity": b.series.is_activity}


def _range(args) -> tuple[date, date]:
    """The days asked for: ``from`` up to and including ``to`` (default: 30 days from
    today), at most 400 days."""
    first = args["date_from"] or today()
    last = args["date_to"] or first + timedelta(days=DEFAULT_DAYS - 1)
    if (last - first).days >= MAX_RANGE_DAYS:
        abort(422, errors={"query": {"to": [f"Vraag hoogstens {MAX_RANGE_DAYS} dagen op."]}})
    return first, last


def _in_range(site, args, statuses=ACTIVE):
    first, last = _range(args)
    rooms = rooms_of(db.session, site.id)
    if args.get("room_id") is not None:
        rooms = [r for r in rooms if r.id == args["room_id"]]
    return occurrences(db.session, rooms, day_start(first),
                       day_start(last + timedelta(days=1)), statuses)


@blp.route("/sites/<int:site_id>/rooms")
@blp.response(200, RoomSchema(many=True))
def rooms(site_id: int):
    """The site's shared rooms (every role on the site)."""
    site, _access = site_for(site_id, BOOK)
    return [_room(r) for r in rooms_of(db.session, site.id)]


@blp.route("/sites/<int:site_id>/bookings")
@blp.arguments(BookingArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(BookingSchema))
def bookings(args, site_id: int):
    """Booked and requested occurrences from ``from`` to ``to`` (default the next 30
    days, at most 400), in time order; ``room_id`` for one room."""
    site, _access = site_for(site_id, BOOK)
    return paginate([_booking(b) for b in _in_range(site, args)], args)


@blp.route("/sites/<int:site_id>/activities")
@blp.arguments(BookingArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(ActivitySchema))
def activities(args, site_id: int):
    """Activities "door en voor bewoners" with their attendance counts (aggregates)."""
    site, _access = site_for(site_id, BOOK)
    rows = []
    for b in _in_range(site, args, ("booked",)):
        if not b.series.is_activity:
            continue
        counts = b.attendance
        rows.append(_booking(b) | {
            "organiser_kind": b.series.organiser_kind,
            "open_to_neighbourhood": b.series.open_to_neighbourhood,
            "price": b.series.price,
            "begeleid": counts.begeleid if counts else None,
            "onbegeleid": counts.onbegeleid if counts else None,
            "neighbours": counts.neighbours if counts else None})
    return paginate(rows, args)


@blp.route("/sites/<int:site_id>/bookings", methods=["POST"])
@write
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
@blp.arguments(NewBookingSchema)
@blp.response(201, BookingSchema(many=True))
@blp.alt_response(409, schema=ErrorSchema,
                  description="Niet alle datums zijn vrij (fields.dates).")
def book(data, site_id: int):
    """Book a date or a series with the rules of the room agenda: opening hours, blocks,
    the booking horizon and no double booking. If any date clashes nothing is booked
    (409 with the dates that are not free)."""
    site, _access = site_for(site_id, BOOK)
    room = room_on_site(db.session, site.id, data["room_id"])
    if room is None:
        abort(404)
    activity = data["activity"]
    wanted = booking_service.BookingData(
        title=data["title"], first_day=data["first_day"], start_time=data["start_time"],
        end_time=data["end_time"],
        rule=Rule(data["recurrence"], data["interval"], None, data["until"], data["count"]),
        activity=booking_service.Activity(**activity) if activity else None)
    try:
        series: BookingSeries = booking_service.book(
            db.session, room, wanted, booked_by_id=current_user().id, today=today(),
            now=now())
    except booking_service.Collisions as clash:
        db.session.rollback()
        abort(409, code="booking_conflict", message=str(clash),
              errors={"dates": sorted(d.isoformat() for d in clash.dates)})
    db.session.flush()  # committed by @write, with the answer to an Idempotency-Key
    return [_booking(b) for b in series.occurrences if b.status in ACTIVE]

