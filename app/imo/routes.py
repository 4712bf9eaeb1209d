"""The IMO: waiting list, candidate dossiers, decision and placement, handover."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app.access import site_view
from app.clock import today
from app.filters import label
from app.forms import save_or_render, show_violation
from app.imo.forms import (CandidateForm, CandidateStatusForm, ConsentForm, DecisionForm,
                           FactForm, HandoverForm, PlaceForm, ReasonEditForm, ReasonForm)
from models import Candidate, HandoverTask, OrgKind, Site, Unit, db, utcnow
from models.enums import CandidateStatus
from services.errors import N_, RuleViolation
from services.imo import agenda as agenda_service
from services.imo import candidates as candidate_service
from services.imo import consent as consent_service
from services.imo import meetings as meeting_service
from services.imo import placement
from services.imo.rules import NEEDS_REASON, OPEN, TRANSITIONS
from services.registry.sites import organisations

bp = Blueprint("imo", __name__, url_prefix="/locaties/<int:site_id>")

IMO_MEMBER = lambda access: access.is_imo_member  # noqa: E731
REGISTER = lambda access: access.can_register_candidates  # noqa: E731
CHAIR = lambda access: access.can_chair_imo  # noqa: E731
HANDOVER = lambda access: access.can_see_handover  # noqa: E731


def candidate_or_404(site, candidate_id: int) -> Candidate:
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.site_id != site.id:
        abort(404)
    return candidate


def shows_status(access, candidates) -> set[int]:
    """Ids of the ``candidates`` whose begeleid/onbegeleid status (and intake route) the
    user may see (``SiteAccess.sees_candidate_status``)."""
    return {c.id for c in candidates
            if access.sees_candidate_status(c.care_organisation_id, c.status in OPEN)}


def _to_candidate(site):
    return lambda c: url_for("imo.candidate", site_id=site.id, candidate_id=c.id)


@bp.route("/imo/")
@site_view(IMO_MEMBER)
def overview(site, access):
    on = today()
    waiting = candidate_service.waiting_list(db.session, site.id, on)
    return render_template(
        "imo/overview.html", site=site, access=access, waiting=waiting,
        shows_status=shows_status(access, [row.candidate for row in waiting]),
        vacancies=agenda_service.vacancies(db.session, site.id, on),
        meetings=meeting_service.meetings_of(db.session, site.id))


def _candidate_form(obj=None) -> CandidateForm:
    form = CandidateForm(obj=obj)
    orgs = organisations(db.session, kind=OrgKind.ZORGAANBIEDER, active_only=True)
    form.care_organisation_id.choices = [("", _("— geen —"))] + [
        (str(o.id), o.name) for o in orgs]
    if obj is not None and request.method == "GET":
        form.accepts_support.data = {True: "ja", False: "nee"}.get(obj.accepts_support, "")
    return form


def _candidate_data(form: CandidateForm) -> candidate_service.CandidateData:
    return candidate_service.CandidateData(**{
        name: form[name].data for name in candidate_service.CandidateData.__dataclass_fields__})


@bp.route("/imo/kandidaten/nieuw", methods=["GET", "POST"])
@site_view(REGISTER)
def new_candidate(site, access):
    form = _candidate_form()
    if request.method == "GET":
        form.registered_on.data = today()
        if not access.sees_all_care_data:
            form.intake_route.data, form.support_status.data = "zorgaanbieder", "begeleid"
    return save_or_render(
        form, lambda: candidate_service.register_candidate(
            db.session, access, _candidate_data(form), actor_id=current_user.id,
            today=today(), confirm_duplicate=form.confirm_duplicate.data),
        success=lambda c: _("%(name)s staat op de wachtlijst.", name=c.name),
        next_url=_to_candidate(site), template="imo/candidate_form.html", site=site,
        candidate=None)


def _may_edit(access, candidate: Candidate) -> bool:
    return access.can_chair_imo or (access.can_register_candidates
                                    and access.sees_care_of(candidate.care_organisation_id))


def earliest_step(candidate: Candidate, *also) -> date | None:
    """The earliest date the candidate's next step may carry: not before the last step
    (nor before the dates in ``also``, such as the corporation's decision)."""
    days = [e.on for e in candidate.events] + [d for d in also if d is not None]
    return max(days, default=None)


def step_day(earliest: date | None) -> date:
    """The date a step's form proposes: today, or the earliest allowed date when that
    lies ahead (an advice dated at a coming IMO)."""
    return max(today(), earliest) if earliest else today()


def check_step_day(day: date | None, earliest: date | None, field: str) -> None:
    """Refuse a step dated before ``earliest``, next to ``field``, naming the date."""
    if day is not None and earliest is not None and day < earliest:
        raise RuleViolation(N_("De datum ligt vóór de vorige stap van deze kandidaat. Kies "
                               "%(date)s of later."), field=field,
                            date=format_date(earliest, "d MMM yyyy"))


def _candidate_page(site, access, candidate, status_form=None):
    """The dossier; ``status_form`` the status form as posted and refused (the page
    shown again after a refusal is not logged as a read once more, as with the other
    refused forms: a refusal changes nothing)."""
    if status_form is None:
        candidate_service.record_view(db.session, candidate, current_user.id)
        db.session.commit()
    earliest = earliest_step(candidate)
    if status_form is None:
        status_form = CandidateStatusForm(formdata=None, prefix="status")
        status_form.on.data = step_day(earliest)
    _status_choices(status_form, candidate)
    fact_form = FactForm(formdata=None, prefix="fact")
    fact_form.on.data = today()
    consent = consent_service.state(db.session, candidate.id)
    consent_form = ConsentForm(formdata=None, prefix="consent")
    consent_form.on.data = today()
    consent_form.kind.data = "ingetrokken" if consent.given else "gegeven"
    return render_template(
        "imo/candidate.html", site=site, access=access, candidate=candidate,
        soft_landing=access.sees_soft_landing(candidate.care_organisation_id),
        shows_status=shows_status(access, [candidate]),
        may_edit=_may_edit(access, candidate), status_form=status_form, fact_form=fact_form,
        consent=consent, consent_form=consent_form, earliest=earliest,
        consent_history=consent_service.history(db.session, candidate.id),
        decision=placement.latest_decision(db.session, candidate))


@bp.route("/imo/kandidaten/<int:candidate_id>")
@site_view(IMO_MEMBER)
def candidate(site, access, candidate_id: int):
    return _candidate_page(site, access, candidate_or_404(site, candidate_id))


@bp.route("/imo/kandidaten/<int:candidate_id>/bewerken", methods=["GET", "POST"])
@site_view(REGISTER)
def edit_candidate(site, access, candidate_id: int):
    candidate = candidate_or_404(site, candidate_id)
    if not _may_edit(access, candidate):
        abort(403)
    if request.method == "GET":  # the form shows the whole dossier: a read
        candidate_service.record_view(db.session, candidate, current_user.id)
        db.session.commit()
    form = _candidate_form(candidate)

    def save():
        candidate_service.update_candidate(db.session, access, candidate, _candidate_data(form),
                                           actor_id=current_user.id, today=today(),
                                           confirm_duplicate=form.confirm_duplicate.data)
        return candidate

    return save_or_render(form, save, success=lambda c: _("Het dossier is opgeslagen."),
                          next_url=_to_candidate(site), template="imo/candidate_form.html",
                          site=site, candidate=candidate)


def _post_and_back(site, candidate, form, action, success: str):
    """Small forms on the dossier page: on an error, show it at the top and go back."""
    if form.validate_on_submit():
        try:
            action()
            db.session.commit()
            flash(success, "success")
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
    for field_name, messages in form.errors.items():
        label = form[field_name].label.text if field_name in form else ""
        for message in messages:
            flash(f"{label}: {message}" if label else message, "error")
    return redirect(url_for("imo.candidate", site_id=site.id, candidate_id=candidate.id))


@bp.route("/imo/kandidaten/<int:candidate_id>/feit", methods=["POST"])
@site_view(REGISTER)
def add_fact(site, access, candidate_id: int):
    candidate = candidate_or_404(site, candidate_id)
    if not _may_edit(access, candidate):
        abort(403)
    form = FactForm(prefix="fact")
    return _post_and_back(site, candidate, form, lambda: candidate_service.add_fact(
        db.session, candidate, kind=form.kind.data, on=form.on.data, note=form.note.data,
        actor_id=current_user.id, today=today()), _("Vastgelegd."))


@bp.route("/imo/kandidaten/<int:candidate_id>/toestemming", methods=["POST"])
@site_view(REGISTER)
def record_consent(site, access, candidate_id: int):
    """Record that the candidate gave or withdrew consent to be discussed by the whole
    IMO: the sociaal beheerder, or a begeleider of the proposing care organisation."""
    candidate = candidate_or_404(site, candidate_id)
    if not _may_edit(access, candidate):
        abort(403)
    form = ConsentForm(prefix="consent")
    return _post_and_back(site, candidate, form, lambda: consent_service.record(
        db.session, candidate, given=form.kind.data == "gegeven", on=form.on.data,
        how=form.how.data, actor_id=current_user.id, today=today()),
        _("De toestemming is vastgelegd."))


def _status_choices(form: CandidateStatusForm, candidate: Candidate) -> None:
    form.status.choices = [(s, label(s)) for s in TRANSITIONS.get(candidate.status, ())
                           if s not in (CandidateStatus.GEPLAATST,
                                        CandidateStatus.BESLUIT_CORPORATIE)]
    form.reason_id.choices = [("", _("— geen —"))] + [
        (str(r.id), f"{label(r.kind)}: {r.text}")
        for r in candidate_service.reasons(db.session, candidate.site_id)
        if r.kind in NEEDS_REASON]


@bp.route("/imo/kandidaten/<int:candidate_id>/status", methods=["POST"])
@site_view(CHAIR)
def candidate_status(site, access, candidate_id: int):
    """A status change; refused, the dossier comes back with the message at the field
    and in the error summary (status 422)."""
    candidate = candidate_or_404(site, candidate_id)
    form = CandidateStatusForm(prefix="status")
    _status_choices(form, candidate)
    if form.validate_on_submit():
        try:
            check_step_day(form.on.data, earliest_step(candidate), "on")
            candidate_service.set_status(
                db.session, candidate, form.status.data, on=form.on.data,
                reason_id=form.reason_id.data, note=form.note.data, actor_id=current_user.id)
            db.session.commit()
            flash(_("De status is gewijzigd."), "success")
            return redirect(url_for("imo.candidate", site_id=site.id,
                                    candidate_id=candidate.id))
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
    return _candidate_page(site, access, candidate, form), 422


@bp.route("/imo/kandidaten/<int:candidate_id>/besluit", methods=["GET", "POST"])
@site_view(CHAIR)
def decision(site, access, candidate_id: int):
    candidate = candidate_or_404(site, candidate_id)
    form = DecisionForm()
    form.unit_id.choices = [("", _("— kies —"))] + [
        (str(v.unit_id), v.number) for v in agenda_service.vacancies(db.session, site.id,
                                                                     today())
        if not v.assigned]
    form.reason_id.choices = [("", _("— geen —"))] + [
        (str(r.id), r.text) for r in candidate_service.reasons(db.session, site.id,
                                                                "afgewezen")]
    earliest = earliest_step(candidate)
    advised = [e for e in meeting_service.agenda_entries(db.session, candidate) if e.advice]
    if request.method == "GET":
        form.decided_on.data = step_day(earliest)
        with_unit = [e for e in advised if e.unit_id]
        if with_unit:
            form.unit_id.data = with_unit[-1].unit_id

    def decide():
        check_step_day(form.decided_on.data, earliest, "decided_on")
        placement.record_decision(
            db.session, candidate, decision=form.decision.data, decided_on=form.decided_on.data,
            unit_id=form.unit_id.data, reasoning=form.reasoning.data,
            reason_id=form.reason_id.data, actor_id=current_user.id)
        return candidate

    return save_or_render(
        form, decide,
        success=lambda c: _("Het besluit van de corporatie is vastgelegd."),
        next_url=_to_candidate(site), template="imo/decision.html", site=site,
        candidate=candidate, earliest=earliest, advice=advised[-1] if advised else None,
        advice_unit=db.session.get(Unit, advised[-1].unit_id)
        if advised and advised[-1].unit_id else None)


@bp.route("/imo/kandidaten/<int:candidate_id>/plaatsen", methods=["GET", "POST"])
@site_view(CHAIR)
def place(site, access, candidate_id: int):
    candidate = candidate_or_404(site, candidate_id)
    form = PlaceForm()
    decided = placement.latest_decision(db.session, candidate)
    earliest = earliest_step(candidate, decided.decided_on if decided else None)
    if request.method == "GET":
        form.move_in.data = step_day(earliest)

    def place_now():
        check_step_day(form.move_in.data, earliest, "move_in")
        return placement.place_candidate(db.session, candidate, move_in=form.move_in.data,
                                         actor_id=current_user.id, today=today())

    return save_or_render(
        form, place_now,
        success=lambda r: _("%(name)s is geplaatst en ingeschreven als bewoner.", name=r.name),
        next_url=lambda r: url_for("residents.show", site_id=site.id, resident_id=r.id),
        template="imo/place.html", site=site, candidate=candidate, decided=decided,
        earliest=earliest, unit=db.session.get(Unit, decided.unit_id)
        if decided and decided.unit_id else None)


def _sites_sharing_reasons(site) -> list[str]:
    """The names of the other sites of the corporation: they share the list."""
    if site.corporation_id is None:
        return []
    return list(db.session.scalars(sa.select(Site.name).where(
        Site.corporation_id == site.corporation_id, Site.id != site.id).order_by(Site.name)))


@bp.route("/imo/redenen", methods=["GET", "POST"])
@site_view(CHAIR)
def reasons(site, access):
    """The list of reasons for a rejection or withdrawal: the site's corporation's, shared
    by its sites."""
    form = ReasonForm()
    return save_or_render(
        form, lambda: candidate_service.save_reason(
            db.session, site.id, None, kind=form.kind.data, text=form.text.data, active=True,
            actor_id=current_user.id),
        success=lambda r: _("De reden is toegevoegd."),
        next_url=lambda r: url_for("imo.reasons", site_id=site.id),
        template="imo/reasons.html", site=site,
        reasons=candidate_service.reasons(db.session, site.id, active_only=False),
        sharing=_sites_sharing_reasons(site),
        defaults=candidate_service.DEFAULT_REASONS)


@bp.route("/imo/redenen/<int:reason_id>", methods=["GET", "POST"])
@site_view(CHAIR)
def edit_reason(site, access, reason_id: int):
    """Rename a reason or take it out of use (reasons are never deleted)."""
    reason = candidate_service.reason_of(db.session, site.id, reason_id)
    if reason is None:  # unknown, or another corporation's
        abort(404)
    form = ReasonEditForm(obj=reason)
    return save_or_render(
        form, lambda: candidate_service.save_reason(
            db.session, site.id, reason, kind=reason.kind, text=form.text.data,
            active=form.active.data, actor_id=current_user.id),
        success=lambda r: _("De reden is opgeslagen."),
        next_url=lambda r: url_for("imo.reasons", site_id=site.id),
        template="imo/reason_form.html", site=site, reason=reason)


@bp.route("/overdracht/")
@site_view(HANDOVER)
def handovers(site, access):
    return render_template("imo/handovers.html", site=site,
                           handovers=placement.handovers(db.session, site.id),
                           form=HandoverForm(formdata=None))


@bp.route("/overdracht/<int:task_id>/afgerond", methods=["POST"])
@site_view(HANDOVER)
def complete_handover(site, access, task_id: int):
    task = db.session.get(HandoverTask, task_id)
    if task is None or task.site_id != site.id:
        abort(404)
    form = HandoverForm()
    if form.validate_on_submit():
        try:
            placement.complete_handover(db.session, task, note=form.note.data,
                                        actor_id=current_user.id, now=utcnow())
            db.session.commit()
            flash(_("De overdracht is afgerond."), "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
    return redirect(url_for("imo.handovers", site_id=site.id))
