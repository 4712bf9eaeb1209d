"""Governance: the bodies of a site you may see (as on the pages: their members, the
managers, and the stuurgroep for the kerngroep), their meetings with minutes, the
numbered decisions and the action items."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest import abort
from marshmallow import validate

from app.access import ANY_ROLE
from app.api.auth import api_blueprint, current_user, site_for
from app.api.common import DateRangeArgs, in_range, page_of, paginate
from app.clock import today
from models import ActionItem, Body, Meeting, db
from services.governance import actions, bodies, decisions
from services.governance.localtime import local_day
from services.governance.schedule import meetings_of_body

blp = api_blueprint("api_governance", __name__,
                    "Overleg: organen, vergaderingen, besluiten en actiepunten.")


class BodySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    code = ma.fields.String(required=True)
    your_role = ma.fields.String(allow_none=True, required=True)


class MeetingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    body_id = ma.fields.Integer(required=True)
    starts_at = ma.fields.DateTime(required=True)
    duration_minutes = ma.fields.Integer(required=True)
    place = ma.fields.String(allow_none=True, required=True)
    status = ma.fields.String(required=True)
    locked = ma.fields.Boolean(required=True)


class ItemSchema(ma.Schema):
    position = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    minutes = ma.fields.String(allow_none=True, required=True)
    handled = ma.fields.Boolean(required=True)
    carried_over = ma.fields.Boolean(required=True)
    escalated = ma.fields.Boolean(required=True)


class DecisionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    decided_on = ma.fields.Date(required=True)
    meeting_id = ma.fields.Integer(allow_none=True, required=True)


class ActionItemSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    owner = ma.fields.String(required=True)
    due_on = ma.fields.Date(required=True)
    status = ma.fields.String(required=True)
    meeting_id = ma.fields.Integer(required=True)
    decision_id = ma.fields.Integer(allow_none=True, required=True)


class MeetingDetailSchema(MeetingSchema):
    items = ma.fields.List(ma.fields.Nested(ItemSchema), required=True)
    decisions = ma.fields.List(ma.fields.Nested(DecisionSchema), required=True)
    action_items = ma.fields.List(ma.fields.Nested(ActionItemSchema), required=True)


class DecisionArgs(DateRangeArgs):
    q = ma.fields.String(load_default=None, validate=validate.Length(max=100),
                         metadata={"description": "zoek in code of tekst"})


class ActionArgs(DateRangeArgs):
    status = ma.fields.String(load_default=None, validate=validate.OneOf(
        ["open", "gedaan", "vervallen"]), metadata={"description": "alleen deze status"})


def _visible_body(site_id: int, body_id: int | None = None):
    """The site's bodies the caller sees, or the one asked for (404 / 403)."""
    site, access = site_for(site_id, ANY_ROLE)
    on, user_id = today(), current_user().id
    kinds = bodies.member_kinds(db.session, site.id, user_id, on)

    def role_and_sight(body: Body):
        role = bodies.member_role(db.session, body.id, user_id, on)
        return role, access.sees_body(body.kind, role is not None, kinds)

    if body_id is None:
        return [(b, role) for b in bodies.bodies_of_site(db.session, site.id)
                for role, sees in [role_and_sight(b)] if sees]
    body = bodies.body_on_site(db.session, site.id, body_id)
    if body is None:
        abort(404)
    role, sees = role_and_sight(body)
    if not sees:
        abort(403)
    return body


def _meeting(m: Meeting) -> dict:
    return {"id": m.id, "body_id": m.body_id, "starts_at": m.starts_at,
            "duration_minutes": m.duration_minutes, "place": m.place, "status": m.status,
            "locked": m.locked_at is not None}


def _decision(d) -> dict:
    return {"id": d.id, "code": d.code, "text": d.text, "decided_on": d.decided_on,
            "meeting_id": d.meeting_id}


def _action(a: ActionItem) -> dict:
    return {"id": a.id, "text": a.text, "owner": a.owner.name, "due_on": a.due_on,
            "status": a.status, "meeting_id": a.meeting_id, "decision_id": a.decision_id}


@blp.route("/sites/<int:site_id>/bodies")
@blp.response(200, BodySchema(many=True))
def body_list(site_id: int):
    """The bodies of the site you may see, stuurgroep first."""
    return [{"id": b.id, "kind": b.kind, "name": b.name, "code": b.code, "your_role": role}
            for b, role in _visible_body(site_id)]


@blp.route("/sites/<int:site_id>/bodies/<int:body_id>/meetings")
@blp.arguments(DateRangeArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(MeetingSchema))
def meetings(args, site_id: int, body_id: int):
    """The body's meetings, newest first; ``from``/``to`` on the (Amsterdam) date."""
    body = _visible_body(site_id, body_id)
    rows = [_meeting(m) for m in meetings_of_body(db.session, body.id)
            if in_range(local_day(m.starts_at), args)]
    return paginate(rows, args)


@blp.route("/sites/<int:site_id>/bodies/<int:body_id>/meetings/<int:meeting_id>")
@blp.response(200, MeetingDetailSchema)
def meeting(site_id: int, body_id: int, meeting_id: int):
    """One meeting with its agenda and minutes, decisions and action items."""
    body = _visible_body(site_id, body_id)
    m = db.session.get(Meeting, meeting_id)
    if m is None or m.body_id != body.id:
        abort(404)
    return _meeting(m) | {
        "items": [{"position": i.position, "title": i.title, "minutes": i.minutes,
                   "handled": i.handled, "carried_over": i.carried_over_from_id is not None,
                   "escalated": i.escalation_id is not None} for i in m.items],
        "decisions": [_decision(d) for d in decisions.decisions_of_meeting(db.session, m.id)],
        "action_items": [_action(a) for a in actions.actions_of_meeting(db.session, m.id)]}


@blp.route("/sites/<int:site_id>/bodies/<int:body_id>/decisions")
@blp.arguments(DecisionArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(DecisionSchema))
def decision_log(args, site_id: int, body_id: int):
    """The numbered decision log, newest first; ``q`` searches code and text."""
    body = _visible_body(site_id, body_id)
    rows = [_decision(d) for d in decisions.search(db.session, body.id, args["q"], limit=5000)
            if in_range(d.decided_on, args)]
    return paginate(rows, args)


@blp.route("/sites/<int:site_id>/bodies/<int:body_id>/action-items")
@blp.arguments(ActionArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(ActionItemSchema))
def action_items(args, site_id: int, body_id: int):
    """The body's action items by due date; ``from``/``to`` on the due date."""
    body = _visible_body(site_id, body_id)
    found = db.session.scalars(db.select(ActionItem).where(ActionItem.body_id == body.id)
                               .order_by(ActionItem.due_on, ActionItem.id))
    rows = [_action(a) for a in found if in_range(a.due_on, args)
            and args["status"] in (None, a.status)]
    return paginate(rows, args)
