"""Hour entries (as the hours pages show them) and the norm reports per period."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import marshmallow as ma
from marshmallow import validate

from app.api.auth import api_blueprint, current_user, site_for
from app.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER, write
from app.api.common import DateRangeArgs, DecimalText, page_of, paginate
from app.clock import today
from models import ActivityType, HourCategory, db
from models.hours import MAX_QUARTERS_PER_ENTRY
from services.hours import entries as entry_service
from services.hours.entries import EntryData
from services.hours.periods import PeriodKind, as_hours, month_start, parse_period
from services.hours.reports import SMALL_GROUP, build_report

blp = api_blueprint("api_hours", __name__, "Uren van het communityteam en de normrapportages.")

LOG_HOURS = lambda access: access.can_log_hours  # noqa: E731
SEE_REPORTS = lambda access: access.can_see_hour_reports  # noqa: E731


class HourEntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    work_date = ma.fields.Date(required=True)
    quarters = ma.fields.Integer(required=True, metadata={"description": "kwartieren"})
    hours = DecimalText(required=True)
    category = ma.fields.String(required=True)
    activity_type = ma.fields.String(required=True)
    person_id = ma.fields.Integer(required=True)
    person = ma.fields.String(required=True)
    organisation_id = ma.fields.Integer(allow_none=True, required=True)
    organisation = ma.fields.String(allow_none=True, required=True)
    note = ma.fields.String(allow_none=True, required=True)
    corrects_entry_id = ma.fields.Integer(allow_none=True, required=True)
    withdrawn = ma.fields.Boolean(required=True)
    month_closed = ma.fields.Boolean(required=True)


class NewHourEntrySchema(ma.Schema):
    work_date = ma.fields.Date(required=True)
    quarters = ma.fields.Integer(required=True, validate=validate.Range(
        min=1, max=MAX_QUARTERS_PER_ENTRY), metadata={"description": "duur in kwartieren (1-96)"})
    category = ma.fields.String(required=True, validate=validate.OneOf(list(HourCategory)))
    activity_type = ma.fields.String(required=True, validate=validate.OneOf(list(ActivityType)))
    organisation_id = ma.fields.Integer(load_default=None, allow_none=True,
                                        validate=validate.Range(min=1, max=2**31 - 1))
    note = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class LineSchema(ma.Schema):
    key = ma.fields.String(required=True)
    period = ma.fields.String(allow_none=True, required=True)
    name = ma.fields.String(allow_none=True, required=True)
    actual = DecimalText(required=True)
    norm_low = DecimalText(allow_none=True, required=True)
    norm_high = DecimalText(allow_none=True, required=True)
    norm_withheld = ma.fields.Boolean(required=True, metadata={
        "description": f"de norm en de status zijn weggelaten: een zorgaanbieder met "
                       f"minder dan {SMALL_GROUP} cliënten op de locatie (de status zou de "
                       f"norm begrenzen); status is dan 'withheld'"})
    status = ma.fields.String(required=True, metadata={
        "description": "under | within | over | no_norm | withheld"})


class SectionSchema(ma.Schema):
    key = ma.fields.String(required=True)
    organisation_id = ma.fields.Integer(allow_none=True, required=True)
    organisation = ma.fields.String(allow_none=True, required=True)
    rows = ma.fields.List(ma.fields.Nested(LineSchema), required=True)
    total = ma.fields.Nested(LineSchema, required=True)


class ReportSchema(ma.Schema):
    """Sections you may not see (by role, as on the report page) are absent."""

    period = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    start = ma.fields.Date(required=True)
    end = ma.fields.Date(required=True, metadata={"description": "laatste dag"})
    first_day = ma.fields.Date(allow_none=True, required=True)
    last_day = ma.fields.Date(allow_none=True, required=True)
    units = ma.fields.Integer(required=True)
    project_year = ma.fields.Integer(required=True)
    coach_basis = ma.fields.String(allow_none=True, required=True)
    totals = ma.fields.List(ma.fields.Nested(LineSchema), required=True)
    organisations = ma.fields.List(ma.fields.Nested(LineSchema))
    coach = ma.fields.Nested(SectionSchema)
    management = ma.fields.Nested(SectionSchema)
    care = ma.fields.List(ma.fields.Nested(SectionSchema), required=True)


class ReportArgs(ma.Schema):
    kind = ma.fields.String(load_default="maand", validate=validate.OneOf(list(PeriodKind)),
                            metadata={"description": "week, maand, kwartaal of jaar"})
    code = ma.fields.String(load_default=None, validate=validate.Length(max=10), metadata={
        "description": "bv. 2026-W23, 2026-05, 2026-Q2 of 2026 (leeg: de huidige)"})


def _entry(row) -> dict:
    e = row.entry
    return {"id": e.id, "work_date": e.work_date, "quarters": e.quarters,
            "hours": as_hours(Fraction(e.quarters, 4)), "category": e.category,
            "activity_type": e.activity_type, "person_id": e.person_id,
            "person": row.person_name, "organisation_id": e.organisation_id,
            "organisation": row.organisation_name, "note": e.note,
            "corrects_entry_id": e.corrects_entry_id, "withdrawn": e.withdrawn_at is not None,
            "month_closed": row.month_closed}


@blp.route("/sites/<int:site_id>/hours/entries")
@blp.arguments(DateRangeArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(HourEntrySchema))
def entries(args, site_id: int):
    """The entries you may see (your own; a begeleider also those of their care
    organisation; the sociaal_beheerder all), newest first. Without ``from``/``to``:
    the current month."""
    _site, access = site_for(site_id, LOG_HOURS)
    start = args["date_from"] or month_start(today())
    last = args["date_to"] or today()
    end = last + timedelta(days=1) if last < date.max else last
    rows = entry_service.visible_entries(db.session, access, current_user().id, start, end)
    return paginate([_entry(r) for r in rows], args)


@blp.route("/sites/<int:site_id>/hours/entries", methods=["POST"])
@write
@blp.arguments(NewHourEntrySchema)
@blp.response(201, HourEntrySchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def log_hours(data, site_id: int):
    """Log your own hours, with the same rules as the hours page (your role's
    categories, no future dates, closed months refused, at most 24 hours a day)."""
    site, access = site_for(site_id, LOG_HOURS)
    entry = entry_service.log_entry(db.session, site, access, person_id=current_user().id,
                                    data=EntryData(**data), today=today())
    db.session.flush()  # committed by @write, with the answer to an Idempotency-Key
    rows = entry_service.visible_entries(db.session, access, current_user().id,
                                         entry.work_date, entry.work_date + timedelta(days=1),
                                         only_own=True)
    return _entry(next(r for r in rows if r.entry.id == entry.id))


def _line(line) -> dict:
    return {"key": line.key, "period": line.period.code if line.period else None,
            "name": line.name, "actual": as_hours(line.actual),
            "norm_low": as_hours(line.norm.low) if line.norm else None,
            "norm_high": as_hours(line.norm.high) if line.norm else None,
            "norm_withheld": line.withheld, "status": str(line.status)}


def _section(section) -> dict:
    return {"key": section.key, "organisation_id": section.organisation_id,
            "organisation": section.organisation, "rows": [_line(r) for r in section.rows],
            "total": _line(section.total)}


@blp.route("/sites/<int:site_id>/hours/report")
@blp.arguments(ReportArgs, location="query", unknown=ma.RAISE)
@blp.response(200, ReportSchema)
def report(args, site_id: int):
    """Logged hours against the norms (coach, the care organisations' 10%, management)
    for a week, month, quarter or year; aggregates only."""
    site, access = site_for(site_id, SEE_REPORTS)
    period = parse_period(args["kind"], args["code"], today())
    r = build_report(db.session, site, access, period, today())
    data = {"period": period.code, "kind": str(period.kind), "start": period.start,
            "end": period.last, "first_day": r.first_day, "last_day": r.last_day,
            "units": r.units, "project_year": r.project_year,
            "coach_basis": str(r.coach_basis) if r.coach_basis else None,
            "totals": [_line(x) for x in r.totals], "care": [_section(s) for s in r.care]}
    if r.organisations is not None:
        data["organisations"] = [_line(x) for x in r.organisations]
    for key in ("coach", "management"):
        if getattr(r, key) is not None:
            data[key] = _section(getattr(r, key))
    return data
