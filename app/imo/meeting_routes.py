"""The IMO meeting page: agenda with what-if, attendance, minutes, advice, locking,
addenda, and the print view / PDF."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, make_response, redirect, render_template, \
    request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.notify import after, context
from services.notify import events
from app.access import mix_rules_for, site_view
from app.clock import today
from app.forms import save_or_render, show_violation
from app.imo.forms import AddCandidateForm, AdviceForm, ItemForm, MeetingForm, TextForm
from app.imo.routes import CHAIR, IMO_MEMBER, bp, shows_status
from app.meeting_page import fingerprint, posted_minutes
from models import Attendance, ImoMeeting, MeetingCandidate, Membership, Role, User, db, utcnow
from services.errors import RuleViolation
from services.imo import agenda as agenda_service
from services.imo import candidates as candidate_service
from services.imo import consent as consent_service
from services.imo import frozen
from services.imo import meetings as meeting_service

MINUTES_MAX = 8000

bp.add_app_template_global(fingerprint, "minutes_fingerprint")

def agenda_for(meeting: ImoMeeting, access):
    """The meeting's agenda as this viewer may read it: points 1-2 as published figures
    for whoever may not see care data per person."""
    agenda = frozen.agenda_of(db.session, meeting)
    rules = mix_rules_for(access)
    return agenda if rules is None else agenda_service.published_agenda(db.session, agenda,
                                                                         rules)


def read_meeting(meeting: ImoMeeting, access, user_id: int, shown_as: str):
    """The agenda as this viewer may read it, and the ids of the candidates whose point 5
    (status, intake route, what-if, the advice's reasoning) they see: by their role, or
    as an invitee by the candidate's consent (services.imo.consent), with the what-if then
    on published figures. The read is logged, and each read by consent once more per
    candidate; the caller commits."""
    meeting_service.record_view(db.session, meeting, user_id, shown_as)
    agenda = agenda_for(meeting, access)
    candidates = [c.candidate for c in agenda.candidates]
    visible = shows_status(access, candidates)
    by_consent = consent_service.shown_by_consent(
        db.session, meeting, user_id, [c.id for c in candidates if c.id not in visible],
        today())
    consent_service.log_reads(db.session, meeting, user_id, by_consent, shown_as)
    return agenda_service.with_published_placements(agenda, by_consent), visible | by_consent


def meeting_or_404(site, meeting_id: int) -> ImoMeeting:
    meeting = db.session.get(ImoMeeting, meeting_id, options=[
        selectinload(ImoMeeting.attendance).joinedload(Attendance.user)])
    if meeting is None or meeting.site_id != site.id:
        abort(404)
    return meeting


def _to_meeting(site, meeting) -> str:
    return url_for("imo.meeting", site_id=site.id, meeting_id=meeting.id)


@bp.route("/imo/vergaderingen/nieuw", methods=["GET", "POST"])
@site_view(CHAIR)
def new_meeting(site, access):
    form = MeetingForm()
    chairs = db.session.execute(
        sa.select(User.id, User.name).join(Membership).where(
            Membership.site_id == site.id, Membership.role == Role.SOCIAAL_BEHEERDER)
        .order_by(User.name)).all()
    form.chair_id.choices = [("", _("— kies —"))] + [(str(i), n) for i, n in chairs]
    if request.method == "GET":
        form.held_on.data = today()
        form.chair_id.data = current_user.id if any(i == current_user.id for i, _n in chairs) \
            else None
    return save_or_render(
        form, lambda: after(meeting_service.create_meeting(
            db.session, site, held_on=form.held_on.data, location=form.location.data,
            chair_id=form.chair_id.data, deputy_chair=form.deputy_chair.data,
            actor_id=current_user.id),
            lambda m, ctx: events.imo_planned(db.session, m, ctx)),
        success=lambda m: _("Het IMO is aangemaakt; de agenda is gevuld."),
        next_url=lambda m: _to_meeting(site, m), template="imo/meeting_form.html", site=site)


def _advice_form(agenda, entry) -> AdviceForm:
    form = AdviceForm(formdata=None, obj=entry, prefix=f"a{entry.id}")
    form.unit_id.choices = [("", _("— nog geen —"))] + [
        (str(v.unit_id), v.number) for v in agenda.free_vacancies]
    return form


@bp.route("/imo/vergaderingen/<int:meeting_id>")
@site_view(IMO_MEMBER)
def meeting(site, access, meeting_id: int):
    meeting = meeting_or_404(site, meeting_id)
    agenda, visible = read_meeting(meeting, access, current_user.id, "page")
    # the forms of the page only for whoever can send them
    editable = access.can_chair_imo and not meeting.locked_at
    add_form = None
    if editable:
        on_agenda = {c.candidate.id for c in agenda.candidates}
        add_form = AddCandidateForm(formdata=None)
        add_form.candidate_id.choices = [("", _("— kies —"))] + [
            (str(row.candidate.id), row.candidate.name)
            for row in candidate_service.waiting_list(db.session, site.id, today())
            if row.candidate.id not in on_agenda]
    page = render_template(
        "imo/meeting.html", site=site, access=access, meeting=meeting, agenda=agenda,
        shows_status=visible, editable=editable,
        advice_forms={c.entry.id: _advice_form(agenda, c.entry)
                      for c in agenda.candidates} if editable else {},
        item_form=ItemForm(formdata=None) if editable else None,
        addendum_form=TextForm(formdata=None), add_form=add_form)
    db.session.commit()  # the logged read, once the page has been made
    return page


def _save_typed_minutes(meeting, *, legacy: bool = False) -> bool | None:
    """Save the minutes this post changed (every button of the meeting page sends them,
    see app.meeting_page): True when saved, False when nothing changed, None when
    refused (the message is flashed)."""
    posted = posted_minutes(request.form, meeting.items, max_length=MINUTES_MAX,
                            legacy=legacy)
    if not posted.changed:
        return False
    try:
        meeting_service.save_minutes(
            db.session, meeting, {i: text[:MINUTES_MAX] for i, text in posted.texts.items()},
            actor_id=current_user.id)
        db.session.commit()
        return True
    except RuleViolation as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
        return None


def _meeting_action(site, meeting, form, action, success: str, anchor=""):
    """A button on the meeting page: first save the minutes typed on the page, then the
    button's own form; back to ``anchor`` (a fragment, or a function of the action's
    result giving it), with what was wrong at the top."""
    back = _to_meeting(site, meeting)
    minutes_saved = _save_typed_minutes(meeting)
    if minutes_saved is None:
        return redirect(back + (anchor if isinstance(anchor, str) else ""))
    if form is None or form.validate_on_submit():
        try:
            result = action()
            db.session.commit()
            flash(success, "success")
            if minutes_saved:
                flash(_("Het verslag is ook opgeslagen."), "success")
            return redirect(back + (anchor(result) if callable(anchor) else anchor))
        except RuleViolation as error:
            db.session.rollback()
            if form is None:
                flash(_(error.message, **error.params), "error")
            else:
                show_violation(form, error)
    if form is not None:
        for name, messages in form.errors.items():
            label = form[name].label.text if name in form else ""
            for message in messages:
                flash(f"{label}: {message}" if label else message, "error")
    if minutes_saved:
        flash(_("Het verslag is opgeslagen."), "success")
    return redirect(back + (anchor if isinstance(anchor, str) else ""))


def _point_anchor() -> str:
    """The agenda item whose own save button was pressed (``#punt-6``)."""
    point = request.form.get("punt", "")
    return f"#punt-{point}" if point.isdigit() and len(point) < 4 else ""


@bp.route("/imo/vergaderingen/<int:meeting_id>/aanwezigheid", methods=["POST"])
@site_view(CHAIR)
def attendance(site, access, meeting_id: int):
    meeting = meeting_or_404(site, meeting_id)
    presence = {row.user_id: request.form.get(f"presence-{row.user_id}", row.presence)
                for row in meeting.attendance}
    return _meeting_action(site, meeting, None, lambda: meeting_service.record_attendance(
        db.session, meeting, presence, actor_id=current_user.id),
        _("De aanwezigheid is opgeslagen."), "#aanwezigheid")


@bp.route("/imo/vergaderingen/<int:meeting_id>/verslag", methods=["POST"])
@site_view(CHAIR)
def minutes(site, access, meeting_id: int):
    """Save the minutes as typed, back to the item whose button was pressed."""
    meeting = meeting_or_404(site, meeting_id)
    back = _to_meeting(site, meeting) + _point_anchor()
    if _save_typed_minutes(meeting, legacy=True) is not None:
        flash(_("Het verslag is opgeslagen."), "success")
    return redirect(back)


@bp.route("/imo/vergaderingen/<int:meeting_id>/punt", methods=["POST"])
@site_view(CHAIR)
def add_item(site, access, meeting_id: int):
    meeting = meeting_or_404(site, meeting_id)
    form = ItemForm()
    return _meeting_action(site, meeting, form, lambda: meeting_service.add_item(
        db.session, meeting, form.title.data, actor_id=current_user.id),
        _("Het agendapunt is toegevoegd."), lambda item: f"#punt-{item.position}")


@bp.route("/imo/vergaderingen/<int:meeting_id>/kandidaat", methods=["POST"])
@site_view(CHAIR)
def add_candidate(site, access, meeting_id: int):
    meeting = meeting_or_404(site, meeting_id)
    form = AddCandidateForm()
    form.candidate_id.choices = [(str(r.candidate.id), r.candidate.name)
                                 for r in candidate_service.waiting_list(db.session, site.id,
                                                                         today())]
    return _meeting_action(site, meeting, form, lambda: meeting_service.add_candidate(
        db.session, meeting, db.session.get(meeting_service.Candidate, form.candidate_id.data),
        actor_id=current_user.id), _("De kandidaat staat op de agenda."),
        "#kandidaat-toevoegen")


@bp.route("/imo/vergaderingen/<int:meeting_id>/advies/<int:entry_id>", methods=["POST"])
@site_view(CHAIR)
def advice(site, access, meeting_id: int, entry_id: int):
    meeting = meeting_or_404(site, meeting_id)
    entry = db.session.get(MeetingCandidate, entry_id)
    if entry is None or entry.meeting_id != meeting.id:
        abort(404)
    form = AdviceForm(prefix=f"a{entry.id}")
    form.unit_id.choices = [("", "")] + [
        (str(v.unit_id), v.number) for v in agenda_service.vacancies(db.session, site.id,
                                                                     meeting.held_on)
        if not v.assigned]
    return _meeting_action(site, meeting, form, lambda: meeting_service.record_advice(
        db.session, entry, advice=form.advice.data, conditions=form.conditions.data,
        reasoning=form.reasoning.data, unit_id=form.unit_id.data, actor_id=current_user.id),
        _("Het advies is vastgelegd."), f"#advies-{entry.id}")


@bp.route("/imo/vergaderingen/<int:meeting_id>/verslag-rondsturen", methods=["POST"])
@site_view(CHAIR)
def minutes_ready(site, access, meeting_id: int):
    """Tell the invitees that the minutes are ready to be approved (once per meeting);
    the mail names the meeting only."""
    meeting = meeting_or_404(site, meeting_id)
    return _meeting_action(site, meeting, None, lambda: events.imo_minutes_ready(
        db.session, meeting, context()),
        _("De genodigden krijgen bericht dat het verslag klaar is."))


@bp.route("/imo/vergaderingen/<int:meeting_id>/vaststellen", methods=["POST"])
@site_view(CHAIR)
def lock(site, access, meeting_id: int):
    meeting = meeting_or_404(site, meeting_id)
    return _meeting_action(site, meeting, None, lambda: meeting_service.lock_minutes(
        db.session, meeting, actor_id=current_user.id, now=utcnow()),
        _("Het verslag is vastgesteld en kan niet meer worden gewijzigd."))


@bp.route("/imo/vergaderingen/<int:meeting_id>/addendum", methods=["POST"])
@site_view(CHAIR)
def addendum(site, access, meeting_id: int):
    meeting = meeting_or_404(site, meeting_id)
    form = TextForm()
    return _meeting_action(site, meeting, form, lambda: meeting_service.add_addendum(
        db.session, meeting, form.text.data, actor_id=current_user.id),
        _("Het addendum is toegevoegd."))


def _print_context(site, access, meeting, shown_as: str) -> dict:
    agenda, visible = read_meeting(meeting, access, current_user.id, shown_as)
    db.session.commit()
    return dict(site=site, access=access, meeting=meeting, agenda=agenda,
                shows_status=visible)


@bp.route("/imo/vergaderingen/<int:meeting_id>/afdruk")
@site_view(IMO_MEMBER)
def print_view(site, access, meeting_id: int):
    meeting = meeting_or_404(site, meeting_id)
    context = _print_context(site, access, meeting, "print")
    with force_locale("nl"):  # the minutes are a Dutch document, whatever the UI language
        return render_template("imo/print.html", **context)


@bp.route("/imo/vergaderingen/<int:meeting_id>/pdf")
@site_view(IMO_MEMBER)
def pdf(site, access, meeting_id: int):
    from app.pdf import render_pdf

    meeting = meeting_or_404(site, meeting_id)
    context = _print_context(site, access, meeting, "pdf")
    with force_locale("nl"):  # always Dutch, whatever the UI language
        html = render_template("imo/print.html", pdf=True, **context)
    document = render_pdf(html, base_url=request.url_root)
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    name = f"imo-{site.name.lower().replace(' ', '-')}-{meeting.held_on.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    current_app.logger.info("IMO PDF %s rendered (%d bytes)", name, len(document))
    return response
