"""Booking the room (with the choice when dates collide), one booking's page, moving,
cancelling and re-adding dates, attendance and the .ics of one date."""
from __future__ import annotations

from datetime import date, time

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_date, gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user

from app.notify import after
from services.notify import events
from app.access import site_view
from app.clock import today
from app.forms import save_or_render
from app.rooms.forms import AttendanceForm, BookingForm, MoveForm, PostForm, ScopeForm
from app.rooms.routes import (BOOK, S, bp, confirm, describe_series, now, room_label,
                              room_or_404, url_of_week)
from models import Booking, BookingStatus, db, utcnow
from services.errors import RuleViolation
from services.governance.localtime import AMSTERDAM, local_day
from services.rooms import activities, bookings
from services.rooms.bookings import CANCEL, Activity, BookingData, Collisions
from services.rooms.ics import EventText, calendar_of
from services.rooms.recurrence import Rule


#: the button that goes ahead with the free dates, per form ("28 datums boeken")
GO_AHEAD = {
    "book": lambda n: ngettext("%(num)d datum boeken", "%(num)d datums boeken", n),
    "move": lambda n: ngettext("%(num)d datum verplaatsen", "%(num)d datums verplaatsen", n),
    "approve": lambda n: ngettext("%(num)d datum goedkeuren en boeken",
                                  "%(num)d datums goedkeuren en boeken", n),
}
#: the button that books nothing after all
NOTHING = {"book": _l("Niets boeken"), "move": _l("Niets verplaatsen"),
           "approve": _l("Niets goedkeuren")}
#: how many colliding dates the one-line summary names before "and n more"
NAMED_IN_SUMMARY = 3


class Report:
    """The dates of the last attempt that collided, for the template (the action fills it
    in before the violation reaches save_or_render). When some dates are free and some
    are not, the page asks a question (book the free ones, or nothing) instead of
    showing an error; ``public`` (the request form of an outsider) never offers it."""

    def __init__(self, action: str = "book", public: bool = False) -> None:
        self.checks: list = []
        self.action, self.public = action, public

    @property
    def clashing(self) -> int:
        return len(bookings.collision_dates(self.checks))

    @property
    def code(self) -> str:
        return ",".join(sorted(d.isoformat() for d in bookings.collision_dates(self.checks)))

    @property
    def clashes(self) -> list:
        return [c for c in self.checks if not c.free]

    @property
    def free(self) -> list:
        return [c for c in self.checks if c.free]

    @property
    def choice(self) -> bool:
        """Some dates are free and some are not: a question, not an error."""
        return not self.public and len(self.checks) > 1 and 0 < self.clashing < len(self.checks)

    @property
    def summary(self) -> str:
        """"28 van 30 datums vrij; 9 feb onderhoud, 16 feb al geboekt"."""
        named = [f"{format_date(c.slot.day, 'd MMM')} {why(c)}"
                 for c in self.clashes[:NAMED_IN_SUMMARY]]
        rest = len(self.clashes) - len(named)
        if rest:
            named.append(ngettext("nog %(num)d datum", "nog %(num)d datums", rest))
        return _("%(free)s van %(total)s datums vrij; %(clashes)s", free=len(self.free),
                 total=len(self.checks), clashes=", ".join(named))

    @property
    def go_ahead(self) -> str:
        return GO_AHEAD[self.action](len(self.free))

    @property
    def nothing(self) -> str:
        return str(NOTHING[self.action])


def why(check) -> str:
    """Why a date cannot be booked, in a few words ("onderhoud", "al geboekt")."""
    return ", ".join(room_label(x.label) if x.kind == "blocked" else room_label(x.kind)
                     for x in check.clashes)


def asked(report: Report, response):
    """A page that asks which dates to book answers 200: nothing was wrong."""
    if report.choice and isinstance(response, tuple):
        return response[0], 200
    return response


def guarded(report: Report, action):
    def run():
        try:
            return action()
        except Collisions as error:
            report.checks = error.checks
            raise
    return run


def parse_seen(text: str | None) -> frozenset[date]:
    try:
        return frozenset(date.fromisoformat(p) for p in (text or "").split(",") if p)
    except ValueError:
        return frozenset()


def rule_of(form) -> Rule:
    if form.recurrence.data == "single":
        return Rule()
    nth = -1 if form.recurrence.data == "monthly" and form.monthly_last.data else None
    return Rule(form.recurrence.data, form.interval.data or 1, nth, form.until.data,
                form.count.data)


def booking_data(form, activity: Activity | None = None) -> BookingData:
    return BookingData(form.title.data or "", form.first_day.data, form.start_time.data,
                       form.end_time.data, rule_of(form), activity)


def _activity(form) -> Activity | None:
    if not form.is_activity.data:
        return None
    return Activity(form.organiser_kind.data, form.open_to_neighbourhood.data,
                    form.price.data if form.price.data else None)


def _booked_message(series) -> str:
    counts = {s: sum(1 for b in series.occurrences if b.status == s)
              for s in (BookingStatus.BOOKED, BookingStatus.SKIPPED)}
    message = ngettext("%(title)s is geboekt (%(num)d datum).",
                       "%(title)s is geboekt (%(num)d datums).",
                       counts[BookingStatus.BOOKED], title=series.title)
    if counts[BookingStatus.SKIPPED]:
        message += " " + ngettext("%(num)d datum is overgeslagen.",
                                  "%(num)d datums zijn overgeslagen.",
                                  counts[BookingStatus.SKIPPED])
    return message


def _first_booked(series) -> Booking:
    return next(b for b in series.occurrences if b.status == BookingStatus.BOOKED)


def _arg_date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _arg_time(name: str) -> time | None:
    """A time from the week grid's "Boeken" link (09:30); anything else is left empty."""
    try:
        return time.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route(S + "/<int:room_id>/boeken", methods=["GET", "POST"])
@site_view(BOOK)
def book(site, access, room_id: int):
    room = room_or_404(site, room_id)
    form = BookingForm()
    if request.method == "GET":
        form.first_day.data = _arg_date("datum") or today()
        form.start_time.data, form.end_time.data = _arg_time("van"), _arg_time("tot")
    elif form.on_conflict.data == CANCEL:
        flash(_("Er is niets geboekt."), "info")
        return redirect(url_of_week(site, room, form.first_day.data or today()))
    report = Report("book")
    return asked(report, save_or_render(
        form, guarded(report, lambda: after(bookings.book(
            db.session, room, booking_data(form, _activity(form)),
            booked_by_id=current_user.id, on_conflict=form.on_conflict.data,
            seen=parse_seen(form.seen_dates.data), today=today(), now=now()),
            lambda series, ctx: events.booking_made(db.session, series, ctx))),
        success=_booked_message,
        next_url=lambda series: url_for("rooms.booking", site_id=site.id,
                                        booking_id=_first_booked(series).id),
        template="rooms/book.html", site=site, access=access, room=room, report=report))


def booking_or_404(site, booking_id: int) -> Booking:
    booking = bookings.get_booking(db.session, site.id, booking_id)
    if booking is None:
        abort(404)
    return booking


def _own(booking: Booking) -> bool:
    return booking.series.booked_by_id == current_user.id


def _changeable(site, access, booking_id: int) -> Booking:
    booking = booking_or_404(site, booking_id)
    if not access.may_change_booking(_own(booking)):
        abort(403)
    return booking


@bp.route(S + "/boekingen/<int:booking_id>")
@site_view(BOOK)
def booking(site, access, booking_id: int):
    b = booking_or_404(site, booking_id)
    started = b.starts_at <= now()
    return render_template(
        "rooms/booking.html", site=site, access=access, booking=b, series=b.series,
        room=b.room, room_request=b.series.request, started=started,
        may_change=access.may_change_booking(_own(b)) and not started,
        may_record=(access.may_record_attendance(_own(b)) and b.series.is_activity and started
                    and b.status == BookingStatus.BOOKED),
        scope_form=ScopeForm(), post_form=PostForm(),
        undo=bookings.cancelled_with(b, now()) if access.may_change_booking(_own(b)) else [])


def _to_booking(site, booking: Booking):
    return redirect(url_for("rooms.booking", site_id=site.id, booking_id=booking.id))


@bp.route(S + "/boekingen/<int:booking_id>/annuleren", methods=["GET", "POST"])
@site_view(BOOK)
def cancel(site, access, booking_id: int):
    """Cancelling asks first: the page names the dates that will be cancelled (this
    date, or with ``?reeks=1`` it and the rest of the series) and the POST does it;
    afterwards the booking's page offers "Ongedaan maken"."""
    b = _changeable(site, access, booking_id)
    form = ScopeForm()
    if request.method == "GET":
        form.scope.data = bookings.REST if request.args.get("reeks") == "1" else bookings.ONE
        try:
            targets = bookings.cancel_targets(db.session, b, scope=form.scope.data, now=now())
        except RuleViolation as error:
            flash(_(error.message, **error.params), "error")
            return _to_booking(site, b)
        return render_template("rooms/cancel.html", site=site, access=access, booking=b,
                               series=b.series, room=b.room, form=form, targets=targets)
    confirm(form, lambda: after(bookings.cancel(db.session, b, scope=form.scope.data,
                                                actor_id=current_user.id, now=now()),
                                lambda changed, ctx: events.booking_changed(
                                    db.session, changed, "cancelled", ctx)),
            lambda changed: ngettext("%(num)d datum is geannuleerd.",
                                     "%(num)d datums zijn geannuleerd.", len(changed)))
    return _to_booking(site, b)


@bp.route(S + "/boekingen/<int:booking_id>/herstellen", methods=["POST"])
@site_view(BOOK)
def restore(site, access, booking_id: int):
    """Undo a cancellation: the dates cancelled together are booked again if free."""
    b = _changeable(site, access, booking_id)
    confirm(PostForm(), lambda: bookings.restore_cancelled(
        db.session, b, actor_id=current_user.id, today=today(), now=now()),
        lambda changed: ngettext("De annulering is ongedaan gemaakt: %(num)d datum is weer "
                                 "geboekt.", "De annulering is ongedaan gemaakt: %(num)d "
                                 "datums zijn weer geboekt.", len(changed)))
    return _to_booking(site, b)


@bp.route(S + "/boekingen/<int:booking_id>/terugzetten", methods=["POST"])
@site_view(BOOK)
def readd(site, access, booking_id: int):
    b = _changeable(site, access, booking_id)
    confirm(PostForm(), lambda: after(
        bookings.readd(db.session, b, actor_id=current_user.id, today=today(), now=now()),
        lambda booking, ctx: events.booking_changed(db.session, [booking], "readded", ctx)),
            lambda _booking: _("De datum is weer geboekt."))
    return _to_booking(site, b)


@bp.route(S + "/boekingen/<int:booking_id>/verplaatsen", methods=["GET", "POST"])
@site_view(BOOK)
def move(site, access, booking_id: int):
    b = _changeable(site, access, booking_id)
    form = MoveForm()
    if request.method == "GET":
        start, end = b.starts_at.astimezone(AMSTERDAM), b.ends_at.astimezone(AMSTERDAM)
        form.first_day.data, form.start_time.data, form.end_time.data = (
            start.date(), start.time(), end.time())
    elif form.on_conflict.data == CANCEL:
        flash(_("Er is niets verplaatst."), "info")
        return _to_booking(site, b)
    report = Report("move")
    return asked(report, save_or_render(
        form, guarded(report, lambda: after(bookings.move(
            db.session, b, new_day=form.first_day.data, start_time=form.start_time.data,
            end_time=form.end_time.data, scope=form.scope.data,
            on_conflict=form.on_conflict.data, seen=parse_seen(form.seen_dates.data),
            actor_id=current_user.id, today=today(), now=now()),
            lambda moved, ctx: events.booking_changed(db.session, moved, "moved", ctx))),
        success=lambda moved: ngettext("%(num)d datum is verplaatst.",
                                       "%(num)d datums zijn verplaatst.", len(moved)),
        next_url=lambda moved: url_for("rooms.booking", site_id=site.id, booking_id=b.id),
        template="rooms/move.html", site=site, access=access, booking=b, room=b.room,
        report=report))


@bp.route(S + "/boekingen/<int:booking_id>/aanwezigheid", methods=["GET", "POST"])
@site_view(BOOK)
def attendance(site, access, booking_id: int):
    b = booking_or_404(site, booking_id)
    if not access.may_record_attendance(_own(b)):
        abort(403)
    form = AttendanceForm(obj=b.attendance)
    return save_or_render(
        form, lambda: activities.record_attendance(
            db.session, b, begeleid=form.begeleid.data, onbegeleid=form.onbegeleid.data,
            neighbours=form.neighbours.data, actor_id=current_user.id, now=now()),
        success=lambda a: _("De aanwezigheid is opgeslagen: %(n)s deelnemers.",
                            n=a.residents + a.neighbours),
        next_url=lambda a: url_for("rooms.booking", site_id=site.id, booking_id=b.id),
        template="rooms/attendance.html", site=site, access=access, booking=b, room=b.room)


def event_text(booking: Booking, site) -> EventText:
    """What a calendar shows of one date (translated here, in the request's language)."""
    series = booking.series
    lines = [describe_series(series)]
    if series.is_activity:
        lines.append(_("Activiteit door en voor bewoners") + (
            "; " + _("open voor de buurt") if series.open_to_neighbourhood else ""))
    if booking.status == BookingStatus.REQUESTED:
        lines.append(_("Aangevraagd, nog niet goedgekeurd."))
    return EventText(series.title, "\n".join(lines), f"{booking.room.name}, {site.name}")


@bp.route(S + "/boekingen/<int:booking_id>.ics")
@site_view(BOOK)
def booking_ics(site, access, booking_id: int):
    b = booking_or_404(site, booking_id)
    data = calendar_of(b.series.title, [(b, event_text(b, site))], utcnow())
    response = make_response(data)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="ruimte-{local_day(b.starts_at).isoformat()}-{b.id}.ics"'
    return response
