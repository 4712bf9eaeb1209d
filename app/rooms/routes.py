"""The room agenda's overview, week and month views per room and per site, and the A4 week
poster for the room's door (HTML to print, and a PDF)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import (Blueprint, abort, current_app, flash, make_response, render_template,
                   request, url_for)
from flask_babel import format_currency, format_date, gettext as _, lazy_gettext as _l

from app.access import site_view
from app.clock import today
from app.pdf import STATIC
from app.rooms.grid import as_time, week_grid
from models import BookingSeries, BookingStatus, Room, db, utcnow
from services.errors import RuleViolation
from services.governance.localtime import AMSTERDAM, local_instant
from services.hours.periods import PeriodKind, parse_period
from services.rooms import agenda as agenda_service
from services.rooms import requests as request_service
from services.rooms import rooms as room_service
from services.rooms.recurrence import nth_of

bp = Blueprint("rooms", __name__)

S = "/locaties/<int:site_id>/ruimte"
BOOK = lambda access: access.can_book_rooms  # noqa: E731
MANAGE = lambda access: access.can_manage_rooms  # noqa: E731

LABELS = {
    "booked": _l("geboekt"), "skipped": _l("overgeslagen"), "cancelled": _l("geannuleerd"),
    "requested": _l("aangevraagd"), "declined": _l("afgewezen"),
    "pending": _l("wacht op besluit"), "approved": _l("goedgekeurd"),
    "koffiehoek": _l("het koffieho(n)k"), "woonvorm": _l("ontmoetingsruimte bij een woonvorm"),
    "multifunctioneel": _l("multifunctionele ontmoetingsplek"), "buurthuis": _l("buurthuis"),
    "seniorencomplex": _l("ontmoetingsruimte in een seniorencomplex (55+)"),
    "has_kitchen": _l("keuken"), "has_tv": _l("tv"), "has_wifi": _l("wifi"),
    "accessible": _l("rolstoeltoegankelijk"), "dementia_friendly": _l("dementievriendelijk"),
    "outdoor_space": _l("buitenruimte"),
    "bewoner": _l("een bewoner"), "woonvereniging": _l("de woonvereniging"),
    "coach": _l("de communitycoach"), "partner": _l("een partnerorganisatie"),
    "buurtgroep": _l("buurtgroep of bewonersinitiatief"),
    "vereniging_stichting": _l("vereniging of stichting"), "overheid": _l("overheid"),
    "persoon": _l("persoon (maatschappelijk werk)"),
    "uur": _l("per uur"), "dagdeel": _l("per dagdeel (tot 4 uur)"), "keer": _l("per keer"),
    "schoonmaak": _l("schoonmaak"), "onderhoud": _l("onderhoud"),
    "vakantie": _l("vakantie of feestdag"), "anders": _l("anders"),
    "taken": _l("al geboekt"), "blocked": _l("geblokkeerd"), "closed": _l("buiten de openingstijden"),
    "too_far": _l("te ver vooruit"), "past": _l("al voorbij"),
}
NTH = {1: _l("1e"), 2: _l("2e"), 3: _l("3e"), 4: _l("4e"), -1: _l("laatste")}


@bp.app_template_filter("room_label")
def room_label(code) -> str:
    return str(LABELS.get(str(code), code)) if code is not None else ""


@bp.app_template_filter("hhmm")
def hhmm(value) -> str:
    """A local time (or datetime) as 19:00."""
    return value.strftime("%H:%M") if value is not None else ""


@bp.app_template_filter("clock")
def clock(minutes: int) -> str:
    """Minutes since midnight as 09:30 (24:00 for the end of the day)."""
    return "24:00" if minutes >= 24 * 60 else as_time(minutes).strftime("%H:%M")


@bp.app_template_filter("localtime")
def localtime(instant: datetime) -> str:
    return instant.astimezone(AMSTERDAM).strftime("%H:%M")


@bp.app_template_filter("localdate")
def localdate(instant: datetime) -> str:
    return format_date(instant.astimezone(AMSTERDAM).date(), "EEEE d MMMM yyyy")


@bp.app_template_filter("week_code")
def week_code(on) -> str:
    """The ISO week of a date or instant as the week views' code, 2026-W25."""
    day = on.astimezone(AMSTERDAM).date() if isinstance(on, datetime) else on
    year, week, _day = day.isocalendar()
    return f"{year}-W{week:02d}"


@bp.app_template_filter("weekdayname")
def weekdayname(on: date) -> str:
    return format_date(on, "EEE")


@bp.app_template_filter("room_euro")
def euro(value) -> str:
    """An amount in euros in the user's language (€ 7,50 / €7.50)."""
    return format_currency(value, "EUR") if value is not None else "–"


@bp.app_template_global("describe_series")
def describe_series(series: BookingSeries) -> str:
    """"eenmalig", "elke 2 weken, 10 keer", "maandelijks op de 3e donderdag, tot ..."."""
    if series.recurrence == "single":
        return _("eenmalig")
    if series.recurrence == "weekly":
        what = _("wekelijks") if series.interval == 1 else _("elke %(n)s weken",
                                                              n=series.interval)
    else:
        nth = series.monthly_nth or nth_of(series.first_day)
        what = _("maandelijks op de %(nth)s %(day)s", nth=NTH.get(nth, nth),
                 day=format_date(series.first_day, "EEEE"))
    if series.until:
        return _("%(what)s, tot en met %(date)s", what=what,
                 date=format_date(series.until, "d MMM yyyy"))
    return _("%(what)s, %(n)s keer", what=what, n=series.occurrence_count)


def now() -> datetime:
    """The current instant; with a fixed TODAY (tests, demos) noon of that day in
    Amsterdam, so that "now" and "today" agree."""
    if current_app.config.get("TODAY"):
        return local_instant(today(), time(12, 0))
    return utcnow()


def confirm(form, action, success) -> None:
    """A confirmation POST (buttons on a page): run the service call and commit, or roll
    back and flash why not; the view then redirects back to the page."""
    if form.validate_on_submit():
        try:
            result = action()
            db.session.commit()
            flash(success(result), "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")


def room_or_404(site, room_id: int) -> Room:
    room = room_service.room_on_site(db.session, site.id, room_id)
    if room is None:
        abort(404)
    return room


def _week():
    return parse_period(PeriodKind.WEEK, request.args.get("week"), today())


def _month():
    return parse_period(PeriodKind.MONTH, request.args.get("maand"), today())


def _statuses(room: Room | None) -> tuple[str, ...]:
    """A room's own page shows skipped and cancelled dates too (struck through)."""
    return agenda_service.ALL if room is not None else agenda_service.ACTIVE


@bp.route(S + "/")
@site_view(BOOK)
def index(site, access):
    on = today()
    rooms = room_service.rooms_of(db.session, site.id)
    upcoming = agenda_service.agenda(db.session, [r for r in rooms if r.active], on,
                                     on + timedelta(days=7))
    waiting = (len(request_service.requests_of(db.session, site.id, status="pending"))
               if access.can_manage_rooms else 0)
    return render_template("rooms/index.html", site=site, access=access, rooms=rooms,
                           upcoming=upcoming, waiting=waiting, today=on)


def _render_week(site, access, room: Room | None):
    period = _week()
    rooms = [room] if room else room_service.rooms_of(db.session, site.id, active_only=True)
    days = agenda_service.agenda(db.session, rooms, period.start, period.end,
                                 _statuses(room))
    keys = room_service.key_holders(db.session, room.id, current_only=True,
                                    on=today()) if room else []
    return render_template("rooms/week.html", site=site, access=access, room=room,
                           rooms=rooms, period=period, days=days, keys=keys, today=today())


def _render_month(site, access, room: Room | None):
    period = _month()
    first = period.start - timedelta(days=period.start.weekday())
    last = period.last + timedelta(days=6 - period.last.weekday())
    rooms = [room] if room else room_service.rooms_of(db.session, site.id, active_only=True)
    days = agenda_service.agenda(db.session, rooms, first, last + timedelta(days=1),
                                 agenda_service.ACTIVE)
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    return render_template("rooms/month.html", site=site, access=access, room=room,
                           period=period, weeks=weeks, weekdays=[first + timedelta(days=i)
                                                                  for i in range(7)],
                           today=today())


@bp.route(S + "/week")
@site_view(BOOK)
def site_week(site, access):
    return _render_week(site, access, None)


@bp.route(S + "/maand")
@site_view(BOOK)
def site_month(site, access):
    return _render_month(site, access, None)


@bp.route(S + "/<int:room_id>")
@site_view(BOOK)
def room_week(site, access, room_id: int):
    return _render_week(site, access, room_or_404(site, room_id))


@bp.route(S + "/<int:room_id>/rooster")
@site_view(BOOK)
def room_grid(site, access, room_id: int):
    """The room's week as a time grid: what is booked and where it is free (a list per
    day on a phone), with the previous and next week."""
    room = room_or_404(site, room_id)
    period = _week()
    days = agenda_service.agenda(db.session, [room], period.start, period.end)
    return render_template("rooms/grid.html", site=site, access=access, room=room,
                           period=period, grid=week_grid(days), today=today(),
                           bookable=room.active)


@bp.route(S + "/<int:room_id>/maand")
@site_view(BOOK)
def room_month(site, access, room_id: int):
    return _render_month(site, access, room_or_404(site, room_id))


def _poster_context(site, room: Room) -> dict:
    period = _week()
    days = agenda_service.agenda(db.session, [room], period.start, period.end,
                                 (BookingStatus.BOOKED,))
    return dict(site=site, room=room, period=period, days=days)


@bp.route(S + "/<int:room_id>/poster")
@site_view(BOOK)
def poster(site, access, room_id: int):
    return render_template("rooms/poster.html", **_poster_context(site, room_or_404(site,
                                                                                  room_id)))


@bp.route(S + "/<int:room_id>/poster.pdf")
@site_view(BOOK)
def poster_pdf(site, access, room_id: int):
    from app.pdf import render_pdf

    context = _poster_context(site, room_or_404(site, room_id))
    html = render_template("rooms/poster.html", pdf=True, **context)
    document = render_pdf(html, base_url=STATIC.as_uri() + "/")
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="ruimte-{room_id}-{context["period"].code}.pdf"'
    return response


def url_of_week(site, room: Room, on: date) -> str:
    return url_for("rooms.room_week", site_id=site.id, room_id=room.id, week=week_code(on))
