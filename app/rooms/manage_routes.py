"""The room manager's pages: rooms, opening hours, tariffs, blocked periods, key holders
and the management checklist; external requests and their approval; the site's room
settings; feed tokens; and, for everyone on the site, usage and participation with the
revitalisation checklist."""
from __future__ import annotations

from datetime import time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.notify import after
from services.notify import events
from app.access import site_view
from app.charts import HBarChart, hbars
from app.clock import today
from app.filters import percent, week_label
from app.forms import save_or_render, show_violation
from app.rooms.booking_routes import CANCEL, Report, asked, guarded, parse_seen
from app.rooms.forms import (WEEKDAYS, BlockForm, DecisionForm, FeedForm, KeyForm, OpeningForm,
                             PostForm, ReturnKeyForm, RoomForm, SettingsForm, TariffForm)
from app.rooms.routes import BOOK, MANAGE, S, bp, confirm, now, room_or_404
from models import KeyHolder, RequesterKind, RoomBlock, RoomFeedToken, db
from services.governance.bodies import site_users
from services.governance.localtime import local_instant
from services.rooms import activities, ics, requests as request_service, rooms as room_service
from services.rooms.revitalisation import CAUSES, STEPS
from services.rooms.rooms import RoomData
from services.errors import RuleViolation
from services.rooms.usage import room_usage


def _room_data(form: RoomForm) -> RoomData:
    return RoomData(form.name.data or "", form.typology.data, form.capacity.data,
                    frozenset(form.facilities.data or ()), form.house_rules.data,
                    form.contact.data, form.max_days_ahead.data, form.max_duration_minutes.data,
                    form.accepts_requests.data, form.active.data, form.evaluated_on.data)


def _to_manage(site, room) -> str:
    return url_for("rooms.manage", site_id=site.id, room_id=room.id)


@bp.route(S + "/nieuw", methods=["GET", "POST"])
@site_view(MANAGE)
def new_room(site, access):
    form = RoomForm()
    return save_or_render(
        form, lambda: room_service.save_room(db.session, site, None, _room_data(form),
                                             actor_id=current_user.id),
        success=lambda r: _("%(name)s is toegevoegd. Vul nu de openingstijden in.",
                            name=r.name),
        next_url=lambda r: _to_manage(site, r), template="rooms/room_form.html",
        site=site, room=None)


@bp.route(S + "/<int:room_id>/bewerken", methods=["GET", "POST"])
@site_view(MANAGE)
def edit_room(site, access, room_id: int):
    room = room_or_404(site, room_id)
    form = RoomForm(obj=room)
    if request.method == "GET":
        form.facilities.data = room.facilities
    return save_or_render(
        form, lambda: room_service.save_room(db.session, site, room, _room_data(form),
                                             actor_id=current_user.id),
        success=lambda r: _("%(name)s is opgeslagen.", name=r.name),
        next_url=lambda r: _to_manage(site, r), template="rooms/room_form.html",
        site=site, room=room)


# --- the manage page and its forms ----------------------------------------------------


def _opening_form(room, blank: bool) -> OpeningForm:
    form = OpeningForm(formdata=None) if blank else OpeningForm()
    if blank:
        for weekday, (opens, closes) in room_service.opening_of(room).items():
            getattr(form, f"opens_{weekday}").data = opens
            getattr(form, f"closes_{weekday}").data = closes
    return form


def _tariff_form(room, blank: bool) -> TariffForm:
    form = TariffForm(formdata=None) if blank else TariffForm()
    if blank:
        for tariff in room.tariffs:
            getattr(form, f"unit_{tariff.requester_kind}").data = tariff.unit
            getattr(form, f"amount_{tariff.requester_kind}").data = tariff.amount
    return form


def _key_form(site, blank: bool) -> KeyForm:
    form = KeyForm(formdata=None) if blank else KeyForm()
    form.user_id.choices = [("", _("— geen account —"))] + [
        (str(i), n) for i, n in site_users(db.session, [site.id])]
    if blank:
        form.since.data = today()
    return form


def _manage_context(site, access, room, **forms) -> dict:
    on = today()
    return dict(
        site=site, access=access, room=room, weekdays=range(7), weekday_names=WEEKDAYS,
        kinds=[k.value for k in RequesterKind],
        blocks=room_service.blocks_of(db.session, room.id, since=now()),
        keys=room_service.key_holders(db.session, room.id),
        checklist=room_service.management_checklist(db.session, room, on), today=on,
        opening_form=forms.get("opening_form") or _opening_form(room, blank=True),
        tariff_form=forms.get("tariff_form") or _tariff_form(room, blank=True),
        block_form=forms.get("block_form") or BlockForm(formdata=None),
        key_form=forms.get("key_form") or _key_form(site, blank=True),
        return_form=forms.get("return_form") or ReturnKeyForm(formdata=None),
        post_form=PostForm(formdata=None))


@bp.route(S + "/<int:room_id>/beheer")
@site_view(MANAGE)
def manage(site, access, room_id: int):
    room = room_or_404(site, room_id)
    return render_template("rooms/manage.html", **_manage_context(site, access, room))


def _save_on_manage(site, access, room, form, action, success: str, form_name: str):
    return save_or_render(form, action, success=lambda result: success,
                          next_url=lambda result: _to_manage(site, room),
                          template="rooms/manage.html",
                          **_manage_context(site, access, room, **{form_name: form}))


@bp.route(S + "/<int:room_id>/openingstijden", methods=["POST"])
@site_view(MANAGE)
def opening(site, access, room_id: int):
    room = room_or_404(site, room_id)
    form = _opening_form(room, blank=False)
    hours = {d: (getattr(form, f"opens_{d}").data, getattr(form, f"closes_{d}").data)
             for d in range(7)}
    return _save_on_manage(site, access, room, form, lambda: room_service.set_opening_hours(
        db.session, room, hours, actor_id=current_user.id),
        _("De openingstijden zijn opgeslagen."), "opening_form")


@bp.route(S + "/<int:room_id>/tarieven", methods=["POST"])
@site_view(MANAGE)
def tariffs(site, access, room_id: int):
    room = room_or_404(site, room_id)
    form = _tariff_form(room, blank=False)
    values = {k.value: (getattr(form, f"unit_{k.value}").data,
                        getattr(form, f"amount_{k.value}").data) for k in RequesterKind}
    return _save_on_manage(site, access, room, form, lambda: room_service.set_tariffs(
        db.session, room, values, actor_id=current_user.id),
        _("De tarievenlijst is opgeslagen."), "tariff_form")


@bp.route(S + "/<int:room_id>/blokkades", methods=["POST"])
@site_view(MANAGE)
def add_block(site, access, room_id: int):
    room = room_or_404(site, room_id)
    form = BlockForm()

    def action():
        starts = local_instant(form.starts_on.data, form.starts_time.data or time(0, 0))
        if form.ends_time.data:
            ends = local_instant(form.ends_on.data, form.ends_time.data)
        else:  # the whole last day
            ends = local_instant(form.ends_on.data + timedelta(days=1), time(0, 0))
        return room_service.add_block(db.session, room, starts_at=starts, ends_at=ends,
                                      reason=form.reason.data, note=form.note.data,
                                      actor_id=current_user.id, now=now())

    return _save_on_manage(site, access, room, form, action,
                           _("De periode is geblokkeerd."), "block_form")


def _block_or_404(room, block_id: int) -> RoomBlock:
    block = db.session.get(RoomBlock, block_id)
    if block is None or block.room_id != room.id:
        abort(404)
    return block


@bp.route(S + "/<int:room_id>/blokkades/<int:block_id>/opheffen", methods=["POST"])
@site_view(MANAGE)
def lift_block(site, access, room_id: int, block_id: int):
    room = room_or_404(site, room_id)
    block = _block_or_404(room, block_id)
    confirm(PostForm(), lambda: room_service.lift_block(db.session, block,
                                                        actor_id=current_user.id, now=now()),
            lambda _block: _("De blokkade is opgeheven."))
    return redirect(_to_manage(site, room))


@bp.route(S + "/<int:room_id>/sleutels", methods=["POST"])
@site_view(MANAGE)
def add_key(site, access, room_id: int):
    room = room_or_404(site, room_id)
    form = _key_form(site, blank=False)
    return _save_on_manage(site, access, room, form, lambda: room_service.add_key_holder(
        db.session, room, holder_name=form.holder_name.data, key_label=form.key_label.data,
        since=form.since.data, user_id=form.user_id.data, actor_id=current_user.id,
        today=today()), _("De sleutelhouder is vastgelegd."), "key_form")


@bp.route(S + "/<int:room_id>/sleutels/<int:key_id>/ingeleverd", methods=["POST"])
@site_view(MANAGE)
def return_key(site, access, room_id: int, key_id: int):
    room = room_or_404(site, room_id)
    holder = db.session.get(KeyHolder, key_id)
    if holder is None or holder.room_id != room.id:
        abort(404)
    form = ReturnKeyForm()
    return _save_on_manage(site, access, room, form, lambda: room_service.return_key(
        db.session, holder, returned_on=form.returned_on.data, actor_id=current_user.id,
        today=today()), _("De sleutel is ingeleverd."), "return_form")


# --- external requests ---------------------------------------------------------------


def _request_or_404(site, request_id: int):
    found = request_service.request_on_site(db.session, site.id, request_id)
    if found is None:
        abort(404)
    return found


@bp.route(S + "/aanvragen")
@site_view(MANAGE)
def requests(site, access):
    return render_template("rooms/requests.html", site=site, access=access,
                           found=request_service.requests_of(db.session, site.id))


def _request_context(site, access, room_request, **forms) -> dict:
    series = room_request.series
    minutes = int((series.occurrences[0].ends_at - series.occurrences[0].starts_at)
                  .total_seconds() // 60) if series.occurrences else 0
    return dict(site=site, access=access, room_request=room_request, series=series,
                room=series.room, report=forms.get("report") or Report("approve"),
                quote=request_service.quote(series.room, room_request.requester_kind, minutes,
                                            len(series.occurrences)),
                approve_form=forms.get("approve_form") or DecisionForm(formdata=None),
                decline_form=forms.get("decline_form") or DecisionForm(formdata=None,
                                                                        prefix="afwijzen"))


@bp.route(S + "/aanvragen/<int:request_id>")
@site_view(MANAGE)
def request_page(site, access, request_id: int):
    room_request = _request_or_404(site, request_id)
    return render_template("rooms/request.html",
                           **_request_context(site, access, room_request))


@bp.route(S + "/aanvragen/<int:request_id>/goedkeuren", methods=["POST"])
@site_view(MANAGE)
def approve(site, access, request_id: int):
    room_request = _request_or_404(site, request_id)
    form = DecisionForm()
    if form.on_conflict.data == CANCEL:
        flash(_("Er is niets goedgekeurd."), "info")
        return redirect(url_for("rooms.request_page", site_id=site.id, request_id=request_id))
    report = Report("approve")
    return asked(report, save_or_render(
        form, guarded(report, lambda: after(request_service.approve(
            db.session, room_request, on_conflict=form.on_conflict.data,
            seen=parse_seen(form.seen_dates.data), note=form.note.data,
            actor_id=current_user.id, today=today(), now=now()),
            lambda r, ctx: events.request_decided(db.session, r, ctx))),
        success=lambda r: _("De aanvraag van %(name)s is goedgekeurd.", name=r.organisation),
        next_url=lambda r: url_for("rooms.requests", site_id=site.id),
        template="rooms/request.html",
        **_request_context(site, access, room_request, approve_form=form, report=report)))


@bp.route(S + "/aanvragen/<int:request_id>/afwijzen", methods=["POST"])
@site_view(MANAGE)
def decline(site, access, request_id: int):
    room_request = _request_or_404(site, request_id)
    form = DecisionForm(prefix="afwijzen")
    return save_or_render(
        form, lambda: after(request_service.decline(
            db.session, room_request, note=form.note.data, actor_id=current_user.id,
            now=now()), lambda r, ctx: events.request_decided(db.session, r, ctx)),
        success=lambda r: _("De aanvraag van %(name)s is afgewezen.", name=r.organisation),
        next_url=lambda r: url_for("rooms.requests", site_id=site.id),
        template="rooms/request.html",
        **_request_context(site, access, room_request, decline_form=form))


# --- settings, feeds, usage ------------------------------------------------------------


@bp.route(S + "/instellingen", methods=["GET", "POST"])
@site_view(MANAGE)
def settings(site, access):
    form = SettingsForm(obj=room_service.settings_of(db.session, site.id))
    return save_or_render(
        form, lambda: room_service.save_settings(
            db.session, site.id, hardly_used_percent=form.hardly_used_percent.data,
            usage_weeks=form.usage_weeks.data, request_wait_days=form.request_wait_days.data,
            actor_id=current_user.id, now=now()),
        success=lambda s: _("De instellingen zijn opgeslagen."),
        next_url=lambda s: url_for("rooms.usage", site_id=site.id),
        template="rooms/settings.html", site=site, access=access)


def _feed_form(site, blank: bool) -> FeedForm:
    form = FeedForm(formdata=None) if blank else FeedForm()
    form.room_id.choices = [("", _("alle ruimtes van de locatie"))] + [
        (str(r.id), r.name) for r in room_service.rooms_of(db.session, site.id)]
    return form


@bp.route(S + "/feeds", methods=["GET", "POST"])
@site_view(MANAGE)
def feeds(site, access):
    """A new feed's address holds its secret token: it is shown in this one answer and
    never flashed (the session cookie is signed, not encrypted); then only its hash
    remains."""
    form = _feed_form(site, blank=request.method == "GET")
    new_url, status = None, 200
    if form.validate_on_submit():
        try:
            room = room_or_404(site, form.room_id.data) if form.room_id.data else None
            _row, token = ics.create_token(db.session, site.id, room, label=form.label.data,
                                           actor_id=current_user.id, now=now())
            db.session.commit()
            new_url, status = url_for("rooms.feed", token=token, _external=True), 201
            form = _feed_form(site, blank=True)
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
    if form.errors:
        status = 422
    return render_template("rooms/feeds.html", form=form, site=site, access=access,
                           new_url=new_url, tokens=ics.tokens_of(db.session, site.id),
                           post_form=PostForm(formdata=None)), status


@bp.route(S + "/feeds/<int:feed_id>/intrekken", methods=["POST"])
@site_view(MANAGE)
def revoke_feed(site, access, feed_id: int):
    row = db.session.get(RoomFeedToken, feed_id)
    if row is None or row.site_id != site.id:
        abort(404)
    confirm(PostForm(), lambda: ics.revoke_token(db.session, row, actor_id=current_user.id,
                                                 now=now()),
            lambda _row: _("De feed is ingetrokken; het adres werkt niet meer."))
    return redirect(url_for("rooms.feeds", site_id=site.id))


@bp.route(S + "/gebruik")
@site_view(BOOK)
def usage(site, access):
    on = today()
    settings = room_service.settings_of(db.session, site.id)
    rooms = room_service.rooms_of(db.session, site.id, active_only=True)
    usages = [room_usage(db.session, r, settings, on) for r in rooms]
    return render_template(
        "rooms/usage.html", site=site, access=access, settings=settings, usages=usages,
        charts=[usage_chart(u, settings.hardly_used_percent) for u in usages],
        taking_part=activities.participation(db.session, site, on))


def usage_chart(usage, hardly_used_percent) -> HBarChart:
    """Each week's booked share of the opening hours as a bar on the whole of them, with
    the "hardly used" line."""
    return hbars([(week_label(w.start), float(w.share) if w.share is not None else None,
                   1.0 if w.open_minutes else None,
                   percent(w.share * 100) if w.share is not None else "–") for w in usage.weeks],
                 1.0, float(hardly_used_percent) / 100)


@bp.route(S + "/revitalisatie")
@site_view(BOOK)
def revitalisation(site, access):
    return render_template("rooms/revitalisation.html", site=site, access=access,
                           causes=CAUSES, steps=STEPS)
