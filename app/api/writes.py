"""Writing the registry through the API: units, residents moving in and out, support
status changes and member households. Every call goes through the same services as the
pages (their rules, their Dutch messages, their audit log) and the same access policy;
a rule the request breaks answers 422 with the message by field. Send an
``Idempotency-Key`` with a POST to make a retry safe (app/api/idempotency.py).
"""
from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from flask_smorest import abort
from marshmallow import validate

from app.access import LIST_RESIDENTS, MANAGE_REGISTRY
from app.api.auth import api_blueprint, current_user, site_for
from app.api.common import DecimalText
from app.api.idempotency import PARAMETER, write
from app.api.registry import SupportPeriodSchema, UnitSchema
from app.clock import today
from models import AssociationMember, SupportStatus, db
from services.association import members as member_service
from services.errors import NotFound
from services.registry import residents as resident_service
from services.registry import sites as site_service
from services.registry.residents import PersonalData, SupportData

blp = api_blueprint("api_writes", __name__,
                    "Schrijven: wooneenheden, bewoners (in- en uitschrijven), "
                    "begeleidingsstatus en leden, met dezelfde regels en rechten als de "
                    "pagina's.")

ID = validate.Range(min=1, max=2**31 - 1)
DOC = {"parameters": [PARAMETER]}


class NewUnitSchema(ma.Schema):
    number = ma.fields.String(required=True, validate=validate.Length(min=1, max=20))
    unit_type = ma.fields.String(required=True,
                                 validate=validate.OneOf(list(site_service.UNIT_TYPES)))
    part_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID)
    shared = ma.fields.Boolean(load_default=False)


def _hours(value) -> bool:
    if not (value.is_finite() and 0 <= value <= 168):
        raise ma.ValidationError("Geïndiceerde uren per week liggen tussen 0 en 168.")
    return True


class SupportFields(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(list(SupportStatus)))
    care_organisation_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID)
    indicated_hours = ma.fields.Decimal(
        load_default=None, allow_none=True, places=2, allow_nan=False,
        validate=_hours,
        metadata={"description": "uren per week (0-168)", "minimum": 0, "maximum": 168})


class MoveInSchema(SupportFields):
    unit_id = ma.fields.Integer(required=True, validate=ID)
    move_in_date = ma.fields.Date(required=True)
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = ma.fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=254))
    phone = ma.fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=40))
    date_of_birth = ma.fields.Date(load_default=None, allow_none=True)


class MoveOutSchema(ma.Schema):
    move_out_date = ma.fields.Date(required=True)
    reason = ma.fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=200))


class StatusChangeSchema(SupportFields):
    valid_from = ma.fields.Date(required=True)
    note = ma.fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=500))


class StaySchema(ma.Schema):
    """A resident's stay as written (the care fields as the writer set them)."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    unit_id = ma.fields.Integer(required=True)
    unit = ma.fields.String(required=True)
    move_in_date = ma.fields.Date(required=True)
    move_out_date = ma.fields.Date(allow_none=True, required=True)
    status = ma.fields.String(allow_none=True)
    care_organisation_id = ma.fields.Integer(allow_none=True)
    indicated_hours = DecimalText(allow_none=True)


class NewMemberSchema(ma.Schema):
    resident_id = ma.fields.Integer(required=True, validate=ID)
    starts_on = ma.fields.Date(required=True)


class MemberSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    number = ma.fields.Integer(required=True)
    unit_id = ma.fields.Integer(required=True)
    resident_id = ma.fields.Integer(required=True)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(allow_none=True, required=True)


def _support(data: dict) -> SupportData:
    return SupportData(status=data["status"],
                       care_organisation_id=data.get("care_organisation_id"),
                       indicated_hours=data.get("indicated_hours"))


def _stay(person, access) -> dict:
    on = today()
    if person.move_out_date is not None and person.move_out_date <= on:
        on = person.move_out_date - timedelta(days=1)
    data = {"id": person.id, "name": person.name, "unit_id": person.unit_id,
            "unit": person.unit.number, "move_in_date": person.move_in_date,
            "move_out_date": person.move_out_date}
    status = resident_service.current_status(person, max(on, person.move_in_date))
    if status is not None and access.sees_care_of(status.care_organisation_id):
        data.update(status=status.status, care_organisation_id=status.care_organisation_id,
                    indicated_hours=status.indicated_hours)
    return data


def _resident(site_id: int, resident_id: int):
    try:
        return resident_service.get_resident(db.session, site_id, resident_id)
    except NotFound:
        abort(404)


@blp.route("/sites/<int:site_id>/units", methods=["POST"])
@write
@blp.arguments(NewUnitSchema)
@blp.response(201, UnitSchema)
@blp.doc(**DOC)
def create_unit(data, site_id: int):
    """Add a unit to the site (the sociaal beheerder and admins)."""
    site, _access = site_for(site_id, MANAGE_REGISTRY)
    unit = site_service.save_unit(db.session, site, None, site_service.UnitData(**data),
                                  actor_id=current_user().id)
    return {"id": unit.id, "number": unit.number, "unit_type": unit.unit_type,
            "shared": unit.shared, "part_id": unit.part_id}


@blp.route("/sites/<int:site_id>/residents", methods=["POST"])
@write
@blp.arguments(MoveInSchema)
@blp.response(201, StaySchema)
@blp.doc(**DOC)
def move_in(data, site_id: int):
    """Register a resident moving into a free unit, with the first support status (the
    sociaal beheerder and admins, as on the move-in page)."""
    site, access = site_for(site_id, MANAGE_REGISTRY)
    person = PersonalData(name=data["name"], email=data["email"], phone=data["phone"],
                          date_of_birth=data["date_of_birth"])
    resident = resident_service.add_resident(
        db.session, site_id=site.id, unit_id=data["unit_id"], move_in=data["move_in_date"],
        person=person, support=_support(data), actor_id=current_user().id, today=today())
    db.session.refresh(resident, ["support_periods"])
    return _stay(resident, access)


@blp.route("/sites/<int:site_id>/residents/<int:resident_id>/move-out", methods=["POST"])
@write
@blp.arguments(MoveOutSchema)
@blp.response(200, StaySchema)
@blp.doc(**DOC)
def move_out(data, site_id: int, resident_id: int):
    """Record a move-out; the unit is free from that date, and memberships of which the
    resident is the contact end on it (as on the move-out page)."""
    site, access = site_for(site_id, MANAGE_REGISTRY)
    resident = _resident(site.id, resident_id)
    resident_service.record_move_out(db.session, resident, move_out=data["move_out_date"],
                                     reason=data["reason"], actor_id=current_user().id)
    member_service.end_on_move_out(db.session, resident, actor_id=current_user().id)
    return _stay(resident, access)


@blp.route("/sites/<int:site_id>/residents/<int:resident_id>/support-periods",
           methods=["POST"])
@write
@blp.arguments(StatusChangeSchema)
@blp.response(201, SupportPeriodSchema)
@blp.doc(**DOC)
def change_status(data, site_id: int, resident_id: int):
    """Record a dated support status (begeleid or onbegeleid, the care organisation, the
    indicated hours); earlier periods stay. Care data is written only by the sociaal
    beheerder (and admins), and by a begeleider for their own organisation's clients
    (keeping them with it, or onbegeleid)."""
    site, access = site_for(site_id, LIST_RESIDENTS)
    resident = _resident(site.id, resident_id)
    on = min(max(data["valid_from"], resident.move_in_date), today())
    before = resident_service.current_status(resident, on)
    current_org = before.care_organisation_id if before else None
    if not access.sees_care_of(current_org):
        abort(404)   # the resident's care data is not the caller's to see
    if not access.may_write_care_of(current_org, data.get("care_organisation_id")):
        abort(403)
    period = resident_service.record_status_change(
        db.session, resident, valid_from=data["valid_from"], support=_support(data),
        note=data["note"], actor_id=current_user().id)
    return {"valid_from": period.valid_from, "status": period.status,
            "care_organisation_id": period.care_organisation_id,
            "indicated_hours": period.indicated_hours}


@blp.route("/sites/<int:site_id>/members", methods=["POST"])
@write
@blp.arguments(NewMemberSchema)
@blp.response(201, MemberSchema)
@blp.doc(**DOC)
def add_member(data, site_id: int):
    """Make a resident's household a member of the site's association from a date (the
    association's bestuur and admins, as on the members page)."""
    site, _access = site_for(site_id, lambda access: access.sees_association)
    if site.association_id is None:
        abort(404)
    member: AssociationMember = member_service.add_member(
        db.session, site.association_id, resident_id=data["resident_id"],
        starts_on=data["starts_on"], actor_id=current_user().id)
    return {"id": member.id, "number": member.number, "unit_id": member.unit_id,
            "resident_id": member.resident_id, "starts_on": member.starts_on,
            "ends_on": member.ends_on}
