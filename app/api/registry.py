"""Sites, units, residents (care fields only where the pages show them) and the mix."""
from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import abort
from marshmallow import validate

from app.access import ANY_ROLE, LIST_RESIDENTS, mix_rules_for
from app.api.auth import api_blueprint, current_user, service_account, site_for
from app.api.common import DecimalText, PageArgs, in_range, page_of, paginate
from app.clock import today
from models import Unit, db
from services import audit, service_accounts
from services.accounts import visible_sites
from services.errors import NotFound
from services.registry import residents as resident_service
from services.registry.mix import site_mix

blp = api_blueprint("api_registry", __name__, "Locaties, wooneenheden, bewoners en de mix.")


class PartSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class SiteSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    municipality = ma.fields.String(required=True)
    project_start = ma.fields.Date(required=True)
    units = ma.fields.Integer(required=True)
    parts = ma.fields.List(ma.fields.Nested(PartSchema), required=True)


class UnitSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    number = ma.fields.String(required=True)
    unit_type = ma.fields.String(required=True)
    shared = ma.fields.Boolean(required=True)
    part_id = ma.fields.Integer(allow_none=True, required=True)


class SupportPeriodSchema(ma.Schema):
    valid_from = ma.fields.Date(required=True)
    status = ma.fields.String(required=True)
    care_organisation_id = ma.fields.Integer(allow_none=True)
    indicated_hours = DecimalText(allow_none=True)


class ResidentSchema(ma.Schema):
    """``status``, ``care_organisation`` and ``indicated_hours`` are only present when
    the caller may see this resident's care data (``care_visible``)."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    part = ma.fields.String(allow_none=True, required=True)
    email = ma.fields.String(allow_none=True, required=True)
    phone = ma.fields.String(allow_none=True, required=True)
    move_in_date = ma.fields.Date(required=True)
    move_out_date = ma.fields.Date(allow_none=True, required=True)
    actively_contributes = ma.fields.Boolean(required=True)
    care_visible = ma.fields.Boolean(required=True)
    status = ma.fields.String(allow_none=True)
    care_organisation = ma.fields.String(allow_none=True)
    indicated_hours = DecimalText(allow_none=True)
    support_history = ma.fields.List(ma.fields.Nested(SupportPeriodSchema))


class ResidentArgs(PageArgs):
    q = ma.fields.String(load_default="", validate=validate.Length(max=100),
                         metadata={"description": "zoek op naam, e-mail of eenheid"})
    moved_out = ma.fields.Boolean(load_default=False, metadata={
        "description": "vertrokken bewoners in plaats van huidige"})


class AssessmentSchema(ma.Schema):
    begeleid = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "aantal begeleide bewoners; afgerond (rounded_to) voor wie geen "
                       "zorggegevens per persoon ziet, null als het niet getoond wordt"})
    total = ma.fields.Integer(required=True)
    percentage = ma.fields.Float(allow_none=True, required=True)
    status = ma.fields.String(required=True)
    direction = ma.fields.String(allow_none=True, required=True)
    withheld = ma.fields.Boolean(required=True, metadata={
        "description": "niet getoond: minder dan het minimum aantal bewoners, of nodig "
                       "om een ander niet-getoond deel te beschermen"})
    published_on = ma.fields.Date(allow_none=True, required=True, metadata={
        "description": "de eerste van de maand waarvan de gepubliceerde stand is; null "
                       "bij exacte cijfers (sociaal beheerder, beheerders)"})
    rounded_to = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "het aantal begeleid is afgerond op een veelvoud hiervan; null "
                       "bij exacte cijfers"})


class PartMixSchema(ma.Schema):
    part_id = ma.fields.Integer(allow_none=True, required=True)
    name = ma.fields.String(required=True)
    units = ma.fields.Integer(required=True)
    occupied = ma.fields.Integer(required=True)
    mix = ma.fields.Nested(AssessmentSchema, required=True)


class MixSchema(ma.Schema):
    on = ma.fields.Date(required=True)
    site = ma.fields.Nested(PartMixSchema, required=True)
    parts = ma.fields.List(ma.fields.Nested(PartMixSchema), required=True)


class MixPointSchema(AssessmentSchema):
    on = ma.fields.Date(required=True)


class MixHistorySchema(ma.Schema):
    points = ma.fields.List(ma.fields.Nested(MixPointSchema), required=True)


class HistoryArgs(ma.Schema):
    months = ma.fields.Integer(load_default=24, validate=validate.Range(min=1, max=120),
                               metadata={"description": "aantal maanden terug (1-120)"})
    date_from = ma.fields.Date(data_key="from", load_default=None)
    date_to = ma.fields.Date(data_key="to", load_default=None)


def _site(site) -> dict:
    units = db.session.scalar(sa.select(sa.func.count()).select_from(Unit)
                              .where(Unit.site_id == site.id))
    return {"id": site.id, "name": site.name, "municipality": site.municipality,
            "project_start": site.project_start, "units": units,
            "parts": [{"id": p.id, "name": p.name} for p in site.parts]}


@blp.route("/sites")
@blp.arguments(PageArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(SiteSchema))
def sites(args):
    """The sites you hold a role on (admins: all)."""
    account = service_account()
    found = service_accounts.visible_sites(db.session, account) if account is not None \
        else visible_sites(db.session, current_user())
    return paginate([_site(s) for s in found], args)


@blp.route("/sites/<int:site_id>")
@blp.response(200, SiteSchema)
def site(site_id: int):
    """One site."""
    found, _access = site_for(site_id, ANY_ROLE)
    return _site(found)


@blp.route("/sites/<int:site_id>/units")
@blp.arguments(PageArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(UnitSchema))
def units(args, site_id: int):
    """The units of a site (for the roles that see the resident list)."""
    found, _access = site_for(site_id, LIST_RESIDENTS)
    rows = db.session.scalars(sa.select(Unit).where(Unit.site_id == found.id)
                              .order_by(Unit.number))
    return paginate([{"id": u.id, "number": u.number, "unit_type": u.unit_type,
                      "shared": u.shared, "part_id": u.part_id} for u in rows], args)


def _resident_row(row) -> dict:
    data = {"id": row.id, "name": row.name, "unit": row.unit_number, "part": row.part_name,
            "email": row.email, "phone": row.phone, "move_in_date": row.move_in_date,
            "move_out_date": row.move_out_date, "actively_contributes": row.actively_contributes,
            "care_visible": row.care_visible}
    if row.care_visible:
        data.update(status=row.status, care_organisation=row.care_organisation,
                    indicated_hours=row.indicated_hours)
    return data


def _audit_care_read(site_id: int, entity_type: str, entity_id: int, ids: list[int]) -> None:
    """Reads of individual care data are logged like changes are."""
    audit.record(db.session, actor_id=current_user().id, entity_type=entity_type,
                 entity_id=entity_id, action="api_read_care", site_id=site_id,
                 changes={"resident_ids": ids} if entity_type == "site" else {})
    db.session.commit()


@blp.route("/sites/<int:site_id>/residents")
@blp.arguments(ResidentArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(ResidentSchema))
def residents(args, site_id: int):
    """Current residents (or those who moved out). Care fields only where you may see
    them; every page that shows some is written to the audit log."""
    found, access = site_for(site_id, LIST_RESIDENTS)
    rows = resident_service.find_residents(db.session, access, today=today(), query=args["q"],
                                           moved_out=args["moved_out"])
    page = paginate([_resident_row(r) for r in rows], args)
    shown = [r["id"] for r in page["items"] if r["care_visible"]]
    if shown:
        _audit_care_read(found.id, "site", found.id, shown)
    return page


@blp.route("/sites/<int:site_id>/residents/<int:resident_id>")
@blp.response(200, ResidentSchema)
def resident(site_id: int, resident_id: int):
    """One resident, with the dated support history when you may see their care data."""
    found, access = site_for(site_id, LIST_RESIDENTS)
    try:
        person = resident_service.get_resident(db.session, found.id, resident_id)
    except NotFound:
        abort(404)
    on = today()
    if person.move_out_date is not None and person.move_out_date <= on:
        on = person.move_out_date - timedelta(days=1)
    status = resident_service.current_status(person, on)
    visible = access.sees_care_of(status.care_organisation_id if status else None)
    data = {"id": person.id, "name": person.name, "unit": person.unit.number,
            "part": person.unit.part.name if person.unit.part else None,
            "email": person.email, "phone": person.phone,
            "move_in_date": person.move_in_date, "move_out_date": person.move_out_date,
            "actively_contributes": person.actively_contributes, "care_visible": visible}
    if visible:
        org = next((p.care_organisation for p in person.support_periods
                    if status and p.care_organisation_id == status.care_organisation_id), None)
        data.update(status=status.status if status else None,
                    care_organisation=org.name if org else None,
                    indicated_hours=status.indicated_hours if status else None,
                    support_history=[{"valid_from": p.valid_from, "status": p.status,
                                      "care_organisation_id": p.care_organisation_id,
                                      "indicated_hours": p.indicated_hours}
                                     for p in person.support_periods
                                     if access.sees_care_of(p.care_organisation_id)])
        _audit_care_read(found.id, "resident", person.id, [person.id])
    return data


def _assessment(a, withheld: bool = False, published_on=None, rounded_to=None) -> dict:
    return {"begeleid": None if withheld else a.begeleid, "total": a.total,
            "percentage": None if withheld else a.percentage, "status": a.status.value,
            "direction": a.direction.value if a.direction else None, "withheld": withheld,
            "published_on": published_on, "rounded_to": rounded_to}


def _part_mix(p) -> dict:
    return {"part_id": p.part_id, "name": p.name, "units": p.units, "occupied": p.occupied,
            "mix": _assessment(p.assessment, p.withheld, p.published_on, p.rounded_to)}


@blp.route("/sites/<int:site_id>/mix")
@blp.response(200, MixSchema)
def mix(site_id: int):
    """Today's mix of the site and of each part: exact for the sociaal beheerder and
    admins, the published figures (minimum cell, rounding, monthly publication) for
    every other role on the site."""
    found, access = site_for(site_id, ANY_ROLE)
    result = site_mix(db.session, found, today(), months=1, rules=mix_rules_for(access))
    return {"on": result.on, "site": _part_mix(result.whole),
            "parts": [_part_mix(p) for p in result.parts]}


@blp.route("/sites/<int:site_id>/mix/history")
@blp.arguments(HistoryArgs, location="query", unknown=ma.RAISE)
@blp.response(200, MixHistorySchema)
def mix_history(args, site_id: int):
    """The mix on the first day of each month (and today, for exact figures), optionally
    within from/to; published figures for those who may not see care data per person."""
    found, access = site_for(site_id, ANY_ROLE)
    rules = mix_rules_for(access)
    result = site_mix(db.session, found, today(), months=args["months"], rules=rules)
    return {"points": [{"on": p.on, **_assessment(
        p.assessment, p.withheld, p.on if rules else None, rules.rounding if rules else None)}
        for p in result.history if in_range(p.on, args)]}
