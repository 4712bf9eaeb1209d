"""The IMO for its members: monthly meetings with the generated agenda, and candidates
(care organisation, indicated hours and soft-landing details only as on the pages)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.api.auth import api_blueprint, current_user, on_site, site_for
from app.api.common import DateRangeArgs, DecimalText, in_range, page_of, paginate
from app.api.registry import AssessmentSchema, _assessment
from app.imo.meeting_routes import read_meeting
from app.clock import today
from models import Candidate, ImoMeeting, db
from app.imo.routes import shows_status
from services.imo import candidates as candidate_service
from services.imo import frozen
from services.imo import meetings as meeting_service
from services.imo.candidates import SOFT_LANDING_FIELDS

blp = api_blueprint("api_imo", __name__,
                    "De IMO: vergaderingen met agenda, en kandidaten (voor IMO-leden).")

IMO_MEMBER = lambda access: access.is_imo_member  # noqa: E731


class ImoMeetingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    month = ma.fields.Date(required=True)
    held_on = ma.fields.Date(required=True)
    location = ma.fields.String(allow_none=True, required=True)
    locked = ma.fields.Boolean(required=True)


class AgendaItemSchema(ma.Schema):
    position = ma.fields.Integer(required=True)
    topic = ma.fields.String(allow_none=True, required=True)
    title = ma.fields.String(required=True)
    minutes = ma.fields.String(allow_none=True, required=True)


class VacancySchema(ma.Schema):
    unit_id = ma.fields.Integer(required=True)
    number = ma.fields.String(required=True)
    part = ma.fields.String(allow_none=True, required=True)
    available_from = ma.fields.Date(allow_none=True, required=True)


class AgendaCandidateSchema(ma.Schema):
    """``support_status`` is null for whoever may not see it (as on the meeting page)."""

    candidate_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    support_status = ma.fields.String(allow_none=True, required=True)
    advice = ma.fields.String(allow_none=True, required=True)


class PartFiguresSchema(ma.Schema):
    name = ma.fields.String(required=True)
    mix = ma.fields.Nested(AssessmentSchema, required=True)


class AgendaSchema(ma.Schema):
    since = ma.fields.Date(required=True)
    site = ma.fields.Nested(AssessmentSchema, required=True)
    parts = ma.fields.List(ma.fields.Nested(PartFiguresSchema), required=True)
    vacancies = ma.fields.List(ma.fields.Nested(VacancySchema), required=True)
    mutations = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                               required=True)
    candidates = ma.fields.List(ma.fields.Nested(AgendaCandidateSchema), required=True)


class ImoMeetingDetailSchema(ImoMeetingSchema):
    items = ma.fields.List(ma.fields.Nested(AgendaItemSchema), required=True)
    agenda = ma.fields.Nested(AgendaSchema, required=True)


class CandidateSchema(ma.Schema):
    """``care_organisation_id`` and ``indicated_hours`` and the soft-landing fields only
    for the sociaal_beheerder and the proposing care organisation's begeleiders;
    ``support_status`` and ``intake_route`` (which gives it away) are null for whoever
    may not see a candidate's status (``SiteAccess.sees_candidate_status``)."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    registered_on = ma.fields.Date(required=True)
    status = ma.fields.String(required=True)
    intake_route = ma.fields.String(allow_none=True, required=True)
    support_status = ma.fields.String(allow_none=True, required=True)
    household_size = ma.fields.Integer(required=True)
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    motivation = ma.fields.String(allow_none=True)
    care_organisation_id = ma.fields.Integer(allow_none=True)
    indicated_hours = DecimalText(allow_none=True)
    problem_severity = ma.fields.String(allow_none=True)
    accepts_support = ma.fields.Boolean(allow_none=True)
    fallback_place = ma.fields.String(allow_none=True)
    woonzorgovereenkomst = ma.fields.Boolean()
    special_conditions = ma.fields.String(allow_none=True)


class CandidateArgs(DateRangeArgs):
    include_closed = ma.fields.Boolean(load_default=False, metadata={
        "description": "ook geplaatste, afgewezen en teruggetrokken kandidaten"})
    status = ma.fields.String(load_default=None, validate=validate.Length(max=30))


def _meeting(m: ImoMeeting) -> dict:
    return {"id": m.id, "month": m.month, "held_on": m.held_on, "location": m.location,
            "locked": m.locked_at is not None}


@blp.route("/sites/<int:site_id>/imo/meetings")
@blp.arguments(DateRangeArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(ImoMeetingSchema))
def meetings(args, site_id: int):
    """The site's IMO meetings, newest first; ``from``/``to`` filter on the meeting date."""
    found, _access = site_for(site_id, IMO_MEMBER)
    rows = [_meeting(m) for m in meeting_service.meetings_of(db.session, found.id)
            if in_range(m.held_on, args)]
    return paginate(rows, args)


def _figures(p) -> dict:
    return _assessment(p.assessment, p.withheld, p.published_on, p.rounded_to)


@blp.route("/sites/<int:site_id>/imo/meetings/<int:meeting_id>")
@blp.response(200, ImoMeetingDetailSchema)
def meeting(site_id: int, meeting_id: int):
    """One meeting with its agenda points and minutes, and the generated figures (as
    frozen when the minutes were locked); the read is logged, as on the page."""
    found, access = site_for(site_id, IMO_MEMBER)
    m = on_site(ImoMeeting, meeting_id, found.id)
    a, visible = read_meeting(m, access, current_user().id, "api")
    data = _meeting(m) | {
        "items": [{"position": i.position, "topic": i.topic, "title": i.title,
                   "minutes": i.minutes} for i in m.items],
        "agenda": {
            "since": a.since, "site": _figures(a.whole),
            "parts": [{"name": p.name, "mix": _figures(p)} for p in a.parts],
            "vacancies": [{"unit_id": v.unit_id, "number": v.number, "part": v.part_name,
                           "available_from": v.available_from} for v in a.vacancies],
            "mutations": a.mutation_counts,
            "candidates": [{"candidate_id": c.candidate.id, "name": c.candidate.name,
                            "support_status": c.candidate.support_status
                            if c.candidate.id in visible else None,
                            "advice": c.entry.advice} for c in a.candidates]}}
    db.session.commit()
    return data


def _candidate(c: Candidate, access, full: bool) -> dict:
    status = c.id in shows_status(access, [c])
    data = {"id": c.id, "name": c.name, "registered_on": c.registered_on, "status": c.status,
            "intake_route": c.intake_route if status else None,
            "support_status": c.support_status if status else None,
            "household_size": c.household_size}
    if full:
        data.update(email=c.email, phone=c.phone, motivation=c.motivation)
        if access.sees_soft_landing(c.care_organisation_id):
            data.update(care_organisation_id=c.care_organisation_id,
                        indicated_hours=c.indicated_hours,
                        **{name: getattr(c, name) for name in SOFT_LANDING_FIELDS})
    return data


@blp.route("/sites/<int:site_id>/candidates")
@blp.arguments(CandidateArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_of(CandidateSchema))
def candidates(args, site_id: int):
    """The waiting list (open candidates, or all), oldest first; ``from``/``to`` filter
    on the registration date. The list holds no contact or care details."""
    found, access = site_for(site_id, IMO_MEMBER)
    rows = candidate_service.waiting_list(db.session, found.id, today(),
                                          include_closed=args["include_closed"])
    picked = [_candidate(r.candidate, access, False) for r in rows
              if in_range(r.candidate.registered_on, args)
              and args["status"] in (None, r.candidate.status)]
    return paginate(picked, args)


@blp.route("/sites/<int:site_id>/candidates/<int:candidate_id>")
@blp.response(200, CandidateSchema)
def candidate(site_id: int, candidate_id: int):
    """One candidate's dossier (the read is written to the audit log, as on the page)."""
    found, access = site_for(site_id, IMO_MEMBER)
    c = on_site(Candidate, candidate_id, found.id)
    data = _candidate(c, access, True)
    candidate_service.record_view(db.session, c, current_user().id)
    db.session.commit()
    return data
