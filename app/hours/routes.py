"""Community-team hours: quick logging, the week view, changes and corrections, the report
with its chart and exports, closing months and the site's norm settings."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user

from app.access import site_view
from app.clock import today
from app.filters import format_decimal
from app.forms import save_or_render
from app.hours.charts import coach_chart, norm_chart
from app.hours.forms import (CloseMonthForm, ConfirmForm, CorrectionForm, EndOverrideForm,
                             EntryForm, FteForm, OverrideForm, WeekForm)
from models import ActivityType, CoachNormOverride, OrgKind, Role, db
from services.accounts import site_access
from services.errors import N_, NotFound, RuleViolation
from services.hours import coach_weeks
from services.hours import entries as entry_service
from services.hours import settings as norm_settings
from services.hours.entries import EntryData
from services.hours.export import (ACTIVITY_LABELS, BASIS_LABELS, CATEGORY_LABELS, STATUS_LABELS,
                                   entry_table, file_name, report_tables, to_csv, to_xlsx)
from services.hours.periods import (PeriodKind, as_hours, days, month_start, parse_period,
                                    period_of, quarters_to_hours)
from services.hours.calendar import load_norm_inputs
from services.hours.reports import SMALL_GROUP, build_report, coach_history, default_period
from services.registry.sites import organisations

bp = Blueprint("hours", __name__, url_prefix="/locaties/<int:site_id>/uren")

LOG_HOURS = lambda access: access.can_log_hours  # noqa: E731
SEE_REPORTS = lambda access: access.can_see_hour_reports  # noqa: E731
CLOSE_MONTHS = lambda access: access.can_close_months  # noqa: E731
MANAGE_NORMS = lambda access: access.can_manage_hour_norms  # noqa: E731
LABELS = {**CATEGORY_LABELS, **{f"activity:{k}": v for k, v in ACTIVITY_LABELS.items()},
          **{f"status:{k}": v for k, v in STATUS_LABELS.items()},
          **{f"basis:{k}": v for k, v in BASIS_LABELS.items()}}


@bp.app_template_filter("hours")
def hours_filter(value) -> str:
    """Hours (a Fraction, Decimal or int) as Dutch-formatted hours: 12 / 12,25 / 51,43."""
    if value is None:
        return "–"
    return format_decimal(as_hours(Fraction(value)), format="#,##0.##")


@bp.app_template_filter("hour_label")
def hour_label(code, prefix: str = "") -> str:
    key = f"{prefix}:{code}" if prefix else str(code)
    return _(LABELS[key]) if key in LABELS else str(code or "")


@bp.app_template_filter("weekday")
def weekday(on: date) -> str:
    return format_date(on, "EEEE d MMMM")


def _entry_or_404(site, entry_id: int):
    try:
        return entry_service.get_entry(db.session, site.id, entry_id)
    except NotFound:
        abort(404)


def _set_choices(form, access) -> None:
    form.category.choices = [(c, _(CATEGORY_LABELS[c]))
                             for c in entry_service.allowed_categories(access)]
    # a care organisation only for its own begeleiders (the service checks its clients)
    form.organisation_id.choices = [("", _("— geen —"))] + [
        (str(o.id), o.name) for o in organisations(db.session, active_only=True)
        if o.kind != OrgKind.ZORGAANBIEDER or access.is_admin
        or o.id in access.care_organisation_ids]
    activities = [(a.value, _(ACTIVITY_LABELS[a])) for a in ActivityType]
    if hasattr(form, "activity_type"):
        form.activity_type.choices = activities
    for row in getattr(form, "rows", ()):
        row.activity_type.choices = activities


def _entry_data(form, on: date | None = None) -> EntryData:
    return EntryData(work_date=on or form.work_date.data, quarters=form.duration.data or 0,
                     category=form.category.data, activity_type=form.activity_type.data,
                     organisation_id=form.organisation_id.data, note=form.note.data)


def _saved_message(entry) -> str:
    return _("%(hours)s uur op %(date)s is opgeslagen.",
             hours=hours_filter(quarters_to_hours(entry.quarters)),
             date=format_date(entry.work_date, "EEEE d MMMM"))


@bp.route("/")
@site_view(LOG_HOURS)
def index(site, access):
    period = parse_period(PeriodKind.MONTH, request.args.get("maand"), today())
    rows = entry_service.visible_entries(db.session, access, current_user.id, period.start,
                                         period.end)
    total = sum(r.entry.quarters for r in rows if not r.entry.withdrawn_at)
    withdrawn = [r.entry.id for r in rows if r.own and r.entry.withdrawn_at
                 and not r.month_closed and not r.entry.corrects_entry_id]
    restorable = set(withdrawn) - entry_service.restored_ids(db.session, withdrawn)
    return render_template("hours/index.html", site=site, access=access, period=period,
                           rows=rows, total=Fraction(total, 4), confirm=ConfirmForm(),
                           restorable=restorable)


@bp.route("/nieuw", methods=["GET", "POST"])
@site_view(LOG_HOURS)
def log(site, access):
    form = EntryForm()
    _set_choices(form, access)
    if request.method == "GET":
        defaults = entry_service.defaults_for(db.session, site, access, current_user.id)
        form.work_date.data = today()
        form.category.data = defaults.category
        form.organisation_id.data = defaults.organisation_id
        form.activity_type.data = defaults.activity_type
    week = parse_period(PeriodKind.WEEK, None, today())
    recent = entry_service.visible_entries(db.session, access, current_user.id, week.start,
                                           week.end, only_own=True)
    # the coach's own norm: this week's coach hours against it (a bar above the form)
    norm_week = coach_weeks.this_week(db.session, site, today()) \
        if Role.COMMUNITYCOACH in access.roles else None
    return save_or_render(
        form, lambda: entry_service.log_entry(db.session, site, access,
                                              person_id=current_user.id,
                                              data=_entry_data(form), today=today()),
        success=_saved_message, next_url=lambda e: url_for("hours.log", site_id=site.id),
        template="hours/log.html", site=site, access=access, recent=recent, week=week,
        norm_week=norm_week)


ROW_FIELDS = {"duration": "duration", "work_date": "duration", "activity_type": "activity_type"}


@bp.route("/week", methods=["GET", "POST"])
@site_view(LOG_HOURS)
def week(site, access):
    period = parse_period(PeriodKind.WEEK, request.args.get("week"), today())
    week_days = list(days(period.start, period.end))
    closed = entry_service.closed_months(db.session, site.id)
    open_days = [d <= today() and d >= site.project_start and month_start(d) not in closed
                 for d in week_days]
    form = WeekForm()
    _set_choices(form, access)
    if request.method == "GET":
        defaults = entry_service.defaults_for(db.session, site, access, current_user.id)
        form.category.data, form.organisation_id.data = (defaults.category,
                                                          defaults.organisation_id)
        for row in form.rows:
            row.activity_type.data = defaults.activity_type
    for row, day in zip(form.rows, week_days):
        row.work_date.data = day.isoformat()

    def save_week():
        filled = [(i, row) for i, row in enumerate(form.rows) if row.duration.data]
        for i, row in enumerate(form.rows):
            if row.note.data and not row.duration.data:
                raise RuleViolation(N_("Vul de uren van deze dag in."),
                                    field=f"rows-{i}-duration")
        if not filled:
            raise RuleViolation(N_("Vul bij minstens één dag uren in."))
        saved = []
        for i, row in filled:
            try:
                saved.append(entry_service.log_entry(
                    db.session, site, access, person_id=current_user.id,
                    data=EntryData(week_days[i], row.duration.data, form.category.data,
                                   row.activity_type.data, form.organisation_id.data,
                                   row.note.data),
                    today=today()))
            except RuleViolation as error:
                field = ROW_FIELDS.get(error.field or "")
                raise RuleViolation(error.message,
                                    field=f"rows-{i}-{field}" if field else error.field,
                                    **error.params) from None
        return saved

    mine = entry_service.visible_entries(db.session, access, current_user.id, period.start,
                                         period.end, only_own=True)
    # a coach sees the shown week against the coach norm (a week gone by is judged whole)
    norm_week = coach_weeks.this_week(db.session, site, min(today(), period.end - timedelta(
        days=1))) if Role.COMMUNITYCOACH in access.roles and period.start <= today() else None
    return save_or_render(
        form, save_week,
        success=lambda saved: ngettext("%(num)d regel is opgeslagen.",
                                       "%(num)d regels zijn opgeslagen.", len(saved)),
        next_url=lambda saved: url_for("hours.week", site_id=site.id, week=period.code),
        template="hours/week.html", site=site, access=access, period=period,
        rows=list(zip(form.rows, week_days, open_days)), mine=mine, norm_week=norm_week,
        norm_named=period.end <= today(),
        total=Fraction(sum(r.entry.quarters for r in mine if not r.entry.withdrawn_at), 4))


@bp.route("/<int:entry_id>/bewerken", methods=["GET", "POST"])
@site_view(LOG_HOURS)
def edit(site, access, entry_id: int):
    entry = _entry_or_404(site, entry_id)
    if entry.person_id != current_user.id:
        abort(403)
    if entry_service.is_closed(db.session, site.id, entry.work_date):
        flash(_("Deze maand is afgesloten; leg een correctie vast."), "info")
        return redirect(url_for("hours.correct", site_id=site.id, entry_id=entry.id))
    form = EntryForm(obj=entry)
    _set_choices(form, access)
    if request.method == "GET":
        form.duration.data = entry.quarters
    return save_or_render(
        form, lambda: entry_service.update_entry(db.session, site, access, entry,
                                                 data=_entry_data(form),
                                                 actor_id=current_user.id, today=today()),
        success=_saved_message,
        next_url=lambda e: url_for("hours.index", site_id=site.id,
                                   maand=f"{e.work_date:%Y-%m}"),
        template="hours/edit.html", site=site, entry=entry, confirm=ConfirmForm())


def _to_month(site, entry):
    return redirect(url_for("hours.index", site_id=site.id, maand=f"{entry.work_date:%Y-%m}"))


@bp.route("/<int:entry_id>/intrekken", methods=["GET", "POST"])
@site_view(LOG_HOURS)
def withdraw(site, access, entry_id: int):
    """Withdrawing asks first (the page shows the entry); afterwards the month's list
    offers "Ongedaan maken"."""
    entry = _entry_or_404(site, entry_id)
    if entry.person_id != current_user.id:
        abort(403)
    if request.method == "GET":
        if entry.withdrawn_at is not None:
            flash(_("Deze regel is ingetrokken."), "info")
            return _to_month(site, entry)
        return render_template("hours/withdraw.html", site=site, entry=entry,
                               confirm=ConfirmForm())
    if ConfirmForm().validate_on_submit():
        try:
            entry_service.withdraw_entry(db.session, entry, actor_id=current_user.id)
            db.session.commit()
            flash(_("De regel is ingetrokken."), "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
    return _to_month(site, entry)


@bp.route("/<int:entry_id>/herstellen", methods=["POST"])
@site_view(LOG_HOURS)
def restore(site, access, entry_id: int):
    """Undo a withdrawal: the same hours as a new entry (the withdrawn one stays)."""
    entry = _entry_or_404(site, entry_id)
    if entry.person_id != current_user.id:
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            restored = entry_service.restore_entry(db.session, site, access, entry,
                                                   actor_id=current_user.id, today=today())
            db.session.commit()
            flash(_("Het intrekken is ongedaan gemaakt: %(message)s",
                    message=_saved_message(restored)), "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
    return _to_month(site, entry)


@bp.route("/<int:entry_id>/corrigeren", methods=["GET", "POST"])
@site_view(LOG_HOURS)
def correct(site, access, entry_id: int):
    entry = _entry_or_404(site, entry_id)
    if not access.may_correct_hours(entry.person_id == current_user.id):
        abort(403)
    person_access = site_access(entry.person, site.id)
    form = CorrectionForm()
    _set_choices(form, person_access)
    if request.method == "GET":
        form.duration.data = entry.quarters
        form.category.data, form.activity_type.data = entry.category, entry.activity_type
        form.organisation_id.data = entry.organisation_id
    return save_or_render(
        form, lambda: entry_service.correct_entry(
            db.session, site, person_access, entry, data=_entry_data(form, entry.work_date),
            reason=form.note.data, actor_id=current_user.id, today=today()),
        success=lambda created: _("De correctie staat op %(date)s.",
                                  date=format_date(created[0].work_date, "d MMMM yyyy")),
        next_url=lambda created: url_for("hours.index", site_id=site.id,
                                         maand=f"{created[0].work_date:%Y-%m}"),
        template="hours/correct.html", site=site, entry=entry)


#: the report's kinds of period, as the picker names them
KINDS = ((PeriodKind.WEEK, _l("week")), (PeriodKind.MONTH, _l("maand")),
         (PeriodKind.QUARTER, _l("kwartaal")), (PeriodKind.YEAR, _l("jaar")))


def _report_period():
    """The period of ``soort`` that holds the day ``datum`` (the picker), or the one
    named by the code ``periode`` (the previous/next links), or the default."""
    kind = request.args.get("soort")
    if not kind:
        return default_period(today())
    try:
        return period_of(kind, date.fromisoformat(request.args.get("datum", "")))
    except ValueError:
        return parse_period(kind, request.args.get("periode"), today())


@bp.route("/rapport")
@site_view(SEE_REPORTS)
def report(site, access):
    period = _report_period()
    inputs = load_norm_inputs(db.session, site)  # once for the report and the chart
    result = build_report(db.session, site, access, period, today(), inputs)
    chart = (coach_chart(coach_history(db.session, site, today(), inputs=inputs),
                         site.project_start) if access.sees_coach_report else None)
    sections = {s.organisation_id: s for s in result.care}  # care: by organisation
    if result.management:
        sections["management"] = result.management
    norm_charts = {key: norm_chart(s.rows, _column_label, hours_filter)
                   for key, s in sections.items() if len(s.rows) > 1}
    return render_template("hours/report.html", site=site, access=access, report=result,
                           chart=chart, norm_charts=norm_charts, kinds=KINDS,
                           small_group=SMALL_GROUP)


def _column_label(period) -> str:
    """A sub-period under its column: "wk 23", "jun"."""
    if period.kind is PeriodKind.WEEK:
        return _("wk %(n)s", n=period.start.isocalendar()[1])
    return format_date(period.start, "LLL")


EXPORTS = {"xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument."
                             "spreadsheetml.sheet"),
           "csv": (to_csv, "text/csv")}  # Werkzeug adds "; charset=utf-8"


def _download(tables, name: str, fmt: str) -> Response:
    write, mimetype = EXPORTS[fmt]
    return Response(write(tables), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/rapport.<fmt>")
@site_view(SEE_REPORTS)
def export_report(site, access, fmt: str):
    if fmt not in EXPORTS:
        abort(404)
    result = build_report(db.session, site, access, _report_period(), today())
    return _download(report_tables(result, _),
                     file_name("urenrapport", site.name, result.period, fmt), fmt)


@bp.route("/export.<fmt>")
@site_view(LOG_HOURS)
def export_entries(site, access, fmt: str):
    if fmt not in EXPORTS:
        abort(404)
    period = _report_period()
    rows = entry_service.visible_entries(db.session, access, current_user.id, period.start,
                                         period.end)
    return _download([entry_table(rows[::-1], _)], file_name("uren", site.name, period, fmt),
                     fmt)


@bp.route("/maanden", methods=["GET", "POST"])
@site_view(CLOSE_MONTHS)
def months(site, access):
    rows = entry_service.month_overview(db.session, site, today())
    form = CloseMonthForm()
    form.month.choices = [(f"{r.month:%Y-%m}", format_date(r.month, "MMMM yyyy"))
                          for r in rows if r.closable]

    def close():
        try:
            month = date.fromisoformat(f"{form.month.data}-01")
        except ValueError:
            raise RuleViolation(N_("Kies een maand."), field="month") from None
        return entry_service.close_month(db.session, site, month, actor_id=current_user.id,
                                         today=today())

    return save_or_render(
        form, close,
        success=lambda c: _("%(month)s is afgesloten.", month=format_date(c.month, "MMMM yyyy")),
        next_url=lambda c: url_for("hours.months", site_id=site.id),
        template="hours/months.html", site=site, rows=rows)


def _norms_page(site, override_form, fte_form, end_form=None, end_id=None):
    """The norms page holds three kinds of form; ``posted`` is the one that was sent."""
    context = dict(site=site, summary=norm_settings.norm_summary(db.session, site, today()),
                   overrides=norm_settings.overrides(db.session, site.id),
                   override_form=override_form, fte_form=fte_form,
                   end_form=end_form or EndOverrideForm(formdata=None), end_id=end_id)
    back = lambda _result: url_for("hours.norms", site_id=site.id)  # noqa: E731
    if end_form is not None:
        override = db.session.get(CoachNormOverride, end_id)
        if override is None or override.site_id != site.id:
            abort(404)
        return save_or_render(
            end_form, lambda: norm_settings.end_override(
                db.session, override, ends_on=end_form.ends_on.data, actor_id=current_user.id),
            success=lambda o: _("De einddatum is vastgelegd."), next_url=back,
            template="hours/norms.html", **context)
    if request.path.endswith("/fte"):
        return save_or_render(
            fte_form, lambda: norm_settings.set_fte_hours(
                db.session, site, fte_form.fte_hours.data, actor_id=current_user.id),
            success=lambda s: _("De uren per fte zijn opgeslagen."), next_url=back,
            template="hours/norms.html", **context)
    return save_or_render(
        override_form, lambda: norm_settings.record_override(
            db.session, site, kind=override_form.kind.data,
            starts_on=override_form.starts_on.data, ends_on=override_form.ends_on.data,
            hours_per_week=override_form.hours_per_week.data, reason=override_form.reason.data,
            actor_id=current_user.id),
        success=lambda o: _("De afwijking van de coachnorm is vastgelegd."), next_url=back,
        template="hours/norms.html", **context)


def _fte_form(formdata=True) -> FteForm:
    return FteForm(prefix="fte") if formdata else FteForm(prefix="fte", formdata=None)


@bp.route("/normen", methods=["GET", "POST"])
@site_view(MANAGE_NORMS)
def norms(site, access):
    fte_form = _fte_form(False)
    fte_form.fte_hours.data = norm_settings.fte_hours(db.session, site.id)
    return _norms_page(site, OverrideForm(prefix="afwijking"), fte_form)


@bp.route("/normen/fte", methods=["POST"])
@site_view(MANAGE_NORMS)
def norms_fte(site, access):
    return _norms_page(site, OverrideForm(prefix="afwijking", formdata=None), _fte_form())


@bp.route("/normen/<int:override_id>/einde", methods=["POST"])
@site_view(MANAGE_NORMS)
def end_override(site, access, override_id: int):
    fte_form = _fte_form(False)
    fte_form.fte_hours.data = norm_settings.fte_hours(db.session, site.id)
    return _norms_page(site, OverrideForm(prefix="afwijking", formdata=None), fte_form,
                       end_form=EndOverrideForm(prefix=f"einde{override_id}"),
                       end_id=override_id)
