"""Signals of a site, as far as their audience includes you (as on the signals page)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.access import ANY_ROLE
from app.api.auth import api_blueprint, site_for
from app.api.common import DateRangeArgs, in_range, page_of, paginate
from models import db
from services.governance.localtime import local_day
from services.monitoring import signals as signal_service

blp = api_blueprint("api_monitoring", __name__, "Signalen van de monitoring.")

STATES = {"open": ("open", "acknowledged"), "all": ("open", "acknowledged", "resolved"),
          "resolved": ("resolved",)}


class SignalSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    rule = ma.fields.String(required=True)
    severity = ma.fields.String(required=True)
    state = ma.fields.String(required=True)
    period = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    explanation = ma.fields.String(required=True)
    figures = ma.fields.Dict(required=True)
    created_at = ma.fields.DateTime(required=True)
    resolved_at = ma.fields.DateTime(allow_none=True, required=True)


class SignalArgs(DateRangeArgs):
    state = ma.fields.String(load_default="open", validate=validate.OneOf(list(STATES)))
    severity = ma.fields.String(load_default=None, validate=validate.OneOf(
        list(signal_service.SEVERITY_ORDER)))


@blp.route("/sites/<int:site_id>/signals")
@blp.arguments(SignalArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(SignalSchema))
def signals(args, site_id: int):
    """Most severe and newest first; ``from``/``to`` on the day the signal arose."""
    _site, access = site_for(site_id, ANY_ROLE)
    found = signal_service.site_signals(db.session, access, states=STATES[args["state"]],
                                        severity=args["severity"])
    rows = [{"id": s.id, "rule": s.rule, "severity": s.severity, "state": s.state,
             "period": s.period, "title": s.title, "explanation": s.explanation,
             "figures": s.figures or {}, "created_at": s.created_at,
             "resolved_at": s.resolved_at}
            for s in found if in_range(local_day(s.created_at), args)]
    return paginate(rows, args)
